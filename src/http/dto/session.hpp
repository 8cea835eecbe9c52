#pragma once
// JSON ↔ domain::Session (openapi.yaml: SessionCreate, SessionPatch, Session).
#include <nlohmann/json.hpp>
#include <string>

#include "domain/session.hpp"
#include "services/session_service.hpp"

namespace eventd::http::dto {

// Reads a create body, or a merged PATCH document, with SessionCreate's defaults (kind talk,
// no speakers). speaker_ids stay as given (ids or slugs), and the times are kept as written
// too: whether their offsets fit the session's zone (its own `timezone`, else the event's),
// and whether they lie within the event,
// is checked by the service, which knows the event. Type errors and unknown members are
// returned in `errors`: the service adds its own findings and answers one 422 with all of
// them. (Throws only when the body is not an object.)
services::SessionDraft read_session(const nlohmann::json& body);

// The writable members of `s` as a client would send them (times in UTC): the document a
// JSON Merge Patch is applied to.
nlohmann::json session_request_json(const domain::Session& s);

// The representation (openapi `Session`): `timezone` the effective zone (the session's own,
// else `event_timezone`) and the times in the offset it has at each instant,
// created_at/updated_at in UTC, speaker_ids and host_organisation_ids as ids.
nlohmann::json session_json(const domain::Session& s, const std::string& event_timezone);

}  // namespace eventd::http::dto
