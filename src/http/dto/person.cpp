#include "http/dto/person.hpp"

#include "domain/event_time.hpp"
#include "http/dto/media_request.hpp"
#include "http/dto/registration.hpp"
#include "http/public_writes.hpp"

namespace eventd::http::dto {

namespace {

// Its start in its own zone's offset, as the event's own representation shows it.
nlohmann::json event_summary(const std::string& id, const std::string& slug, const std::string& title,
                             const std::optional<domain::Instant>& starts_at, const std::string& timezone,
                             const domain::PageLinks& pages, const std::string& public_url) {
  return {{"id", id},
          {"slug", slug},
          {"title", title},
          {"starts_at",
           starts_at ? nlohmann::json(domain::format_event_time(*starts_at, timezone)) : nlohmann::json(nullptr)},
          {"timezone", timezone},
          {"links", {{"page", pages.event(slug)}, {"api", public_url + "/v1/events/" + id}}}};
}

}  // namespace

nlohmann::json person_json(const services::PersonOverview& overview, const domain::PageLinks& pages,
                           const std::string& public_url) {
  nlohmann::json registrations = nlohmann::json::array();
  for (const auto& r : overview.registrations) {
    const domain::PageLinks here = pages.for_organisation(r.organisation_frontend_url);
    RegistrationLinks links;
    links.self = public_url + "/v1/registrations/" + r.registration.id;
    links.invite = links.self + "/invite.ics";
    links.page = here.registration(r.registration.id);
    nlohmann::json item = registration_json(r.registration, links);
    item["event"] = event_summary(r.registration.event_id, r.event_slug, r.event_title, r.event_starts_at,
                                  r.event_timezone, here, public_url);
    registrations.push_back(std::move(item));
  }
  nlohmann::json media_requests = nlohmann::json::array();
  for (const auto& m : overview.media_requests) {
    const domain::PageLinks here = pages.for_organisation(m.organisation_frontend_url);
    MediaRequestExtras extras;
    extras.self = public_url + "/v1/media-requests/" + m.request.id;
    extras.page = here.media_request(m.request.id);
    nlohmann::json item = media_request_json(m.request, extras);
    item["event"] = event_summary(m.request.event_id, m.event_slug, m.event_title, m.event_starts_at, m.event_timezone,
                                  here, public_url);
    media_requests.push_back(std::move(item));
  }
  nlohmann::json body = {
      {"email", overview.person.email},
      {"organisation_id",
       overview.person.organisation_id ? nlohmann::json(*overview.person.organisation_id) : nlohmann::json(nullptr)},
      {"registrations", std::move(registrations)},
      {"media_requests", std::move(media_requests)},
      {"has_feed", overview.has_feed},
      {"feed_url", nullptr},
      {"webcal_url", nullptr},
      {"links", {{"page", pages.person()}, {"api", public_url + "/v1/me"}}},
  };
  if (overview.feed_token) {
    auto feed = personal_feed_links(public_url, *overview.feed_token);
    body["feed_url"] = feed.https;
    body["webcal_url"] = feed.webcal;
  }
  return body;
}

nlohmann::json person_session_json(const services::NewPersonSession& session) {
  return {{"token", session.token},
          {"token_type", "Bearer"},
          {"expires_at", domain::format_utc(session.expires_at)},
          {"email", session.person.email},
          {"organisation_id",
           session.person.organisation_id ? nlohmann::json(*session.person.organisation_id) : nlohmann::json(nullptr)}};
}

}  // namespace eventd::http::dto
