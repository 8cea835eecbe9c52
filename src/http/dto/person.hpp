#pragma once
// JSON of one person across events (openapi.yaml: Me, PersonSession, PersonFeed).
#include <nlohmann/json.hpp>
#include <string>

#include "domain/links.hpp"
#include "services/person_service.hpp"

namespace eventd::http::dto {

// GET /v1/me and POST /v1/me/export: the person's registrations and media requests, each
// with its event and its links (`links.page` on the frontend or eventd's pages, `links.api`),
// and the person's calendar. `feed_url` is given only to the session that made it.
nlohmann::json person_json(const services::PersonOverview& overview, const domain::PageLinks& pages,
                           const std::string& public_url);

nlohmann::json person_session_json(const services::NewPersonSession& session);

}  // namespace eventd::http::dto
