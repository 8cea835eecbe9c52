#pragma once
// JSON ↔ media-access requests (openapi.yaml: MediaRequestCreate, MediaRequestDecision,
// MediaRequest, MediaRequestCreated, MediaDecision).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "domain/event.hpp"
#include "domain/media_request.hpp"
#include "services/media_request_service.hpp"

namespace eventd::http::dto {

// A create body; type errors and unknown members go to the draft's `errors`.
services::MediaRequestDraft read_media_request(const nlohmann::json& body);

// A decision: {"status", "note"}; a wrong type, an unknown or missing status and unknown
// members go to `errors` (the service reports them with its own findings, once it knows who
// decides). Throws only when the body is not an object.
services::MediaDecisionInput read_media_decision(const nlohmann::json& body);

// What an approved request gives its requester (and nobody else).
struct MediaAccessLinks {
  std::optional<std::string> stream_url;  // null while the event has none
  std::string feed_url;                   // the personal feed, /v1/feeds/{token}/calendar.ics (empty: not known)
  std::string webcal_url;
};

// What the representation of a request shows besides the request itself; empty parts are
// left out.
struct MediaRequestExtras {
  std::string self;                      // /v1/media-requests/{id}
  const domain::Event* event = nullptr;  // {id, slug, title, url, contacts, media_policy}
  std::string event_url;                 // /v1/events/{id}
  std::string page;                      // the requester's page of it, without a code (domain/links.hpp)
  std::optional<MediaAccessLinks> access;
};

nlohmann::json media_request_json(const domain::MediaRequest& r, const MediaRequestExtras& extras);

nlohmann::json media_decision_json(const domain::MediaDecision& d);

}  // namespace eventd::http::dto
