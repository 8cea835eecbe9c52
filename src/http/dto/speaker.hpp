#pragma once
// JSON ↔ domain::Speaker (openapi.yaml: SpeakerCreate, SpeakerPatch, Speaker).
#include <nlohmann/json.hpp>

#include "domain/speaker.hpp"
#include "services/speaker_service.hpp"

namespace eventd::http::dto {

// Reads a create body, or a merged PATCH document. organisation_id stays as given (id or
// slug); an absent slug stays empty (the service makes it from the name). Type errors and
// unknown members are returned in `errors`: the service adds its own findings and answers
// one 422 with all of them. (Throws only when the body is not an object.)
services::SpeakerDraft read_speaker(const nlohmann::json& body);

// The writable members of `s`: the document a JSON Merge Patch is applied to.
nlohmann::json speaker_request_json(const domain::Speaker& s);

// The representation (openapi `Speaker`). email and phone are private: without
// `show_private` (organisers and admins) they are left out altogether.
nlohmann::json speaker_json(const domain::Speaker& s, bool show_private);

}  // namespace eventd::http::dto
