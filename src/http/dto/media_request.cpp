#include "http/dto/media_request.hpp"

#include "http/dto/event.hpp"
#include "http/dto/reader.hpp"

namespace eventd::http::dto {

namespace {

using nlohmann::json;

json optional_json(const std::optional<std::string>& value) { return value ? json(*value) : json(nullptr); }
json optional_time(const std::optional<domain::Instant>& t) { return t ? json(domain::format_utc(*t)) : json(nullptr); }

// An organiser approves, rejects or revokes; the requester withdraws.
constexpr const char* kDecisions = "approved, rejected, revoked, withdrawn";

}  // namespace

services::MediaRequestDraft read_media_request(const nlohmann::json& body) {
  require_object(body);
  domain::Validator errors;
  ObjectReader r(body, errors);
  services::MediaRequestDraft draft;
  domain::MediaRequester& m = draft.requester;
  r.required("name");
  if (auto name = r.string("name")) m.name = *name;
  r.required("email");
  if (auto email = r.string("email")) m.email = *email;
  r.required("outlet");
  if (auto outlet = r.string("outlet")) m.outlet = *outlet;
  m.phone = r.string("phone");
  m.message = r.string("message");
  r.reject_unknown();
  draft.errors = errors.take();
  return draft;
}

services::MediaDecisionInput read_media_decision(const nlohmann::json& body) {
  require_object(body);
  domain::Validator errors;
  ObjectReader r(body, errors);
  services::MediaDecisionInput input;
  r.required("status");
  if (auto status = r.string("status")) {
    auto parsed = domain::parse_media_request_status(*status);
    if (!parsed || *parsed == domain::MediaRequestStatus::pending) {
      errors.add(r.field("status"), domain::FieldCode("not_one_of"), {{"allowed", kDecisions}});
    } else {
      input.to = *parsed;
    }
  }
  input.note = r.string("note");
  r.reject_unknown();
  input.errors = errors.take();
  return input;
}

nlohmann::json media_request_json(const domain::MediaRequest& r, const MediaRequestExtras& extras) {
  json body = {
      {"id", r.id},
      {"event_id", r.event_id},
      {"status", std::string(domain::to_string(r.status))},
  };
  if (extras.event) {
    const domain::Event& e = *extras.event;
    body["event"] = {{"id", e.id},
                     {"slug", e.slug},
                     {"title", e.title},
                     {"url", extras.event_url},
                     {"media_policy", std::string(domain::to_string(e.media_policy))},
                     {"contacts", contacts_json(e.contacts)}};
  }
  const domain::MediaRequester m = r.requester.value_or(domain::MediaRequester{});
  body["name"] = r.requester ? json(m.name) : json(nullptr);
  body["email"] = r.requester ? json(m.email) : json(nullptr);
  body["outlet"] = r.requester ? json(m.outlet) : json(nullptr);
  body["phone"] = optional_json(m.phone);
  body["message"] = optional_json(m.message);
  body["note"] = optional_json(r.note);
  body["erased"] = r.is_erased();
  body["decided_at"] = optional_time(r.decided_at);
  body["erased_at"] = optional_time(r.erased_at);
  body["created_at"] = domain::format_utc(r.created_at);
  body["updated_at"] = domain::format_utc(r.updated_at);
  if (!extras.self.empty()) body["url"] = extras.self;
  if (!extras.self.empty()) {
    json people = {{"api", extras.self}};
    if (!extras.page.empty()) people["page"] = extras.page;
    body["links"] = std::move(people);
  }
  if (extras.access) {
    // No feed link for a requester signed in as a person: it is derived from the status token.
    auto link = [](const std::string& url) { return url.empty() ? json(nullptr) : json(url); };
    body["access"] = {{"stream_url", optional_json(extras.access->stream_url)},
                      {"feed_url", link(extras.access->feed_url)},
                      {"webcal_url", link(extras.access->webcal_url)}};
  }
  return body;
}

nlohmann::json media_decision_json(const domain::MediaDecision& d) {
  json actor = {{"kind", std::string(domain::to_string(d.actor))}};
  if (d.actor == domain::MediaActor::organiser || d.actor == domain::MediaActor::admin) {
    actor["api_key_id"] = optional_json(d.api_key_id);
    // No key row: the bootstrap admin key from the environment.
    actor["api_key_name"] = d.api_key_id ? optional_json(d.api_key_name) : json("EVENTD_ADMIN_KEY");
  }
  return {
      {"from_status", d.from ? json(std::string(domain::to_string(*d.from))) : json(nullptr)},
      {"to_status", std::string(domain::to_string(d.to))},
      {"actor", std::move(actor)},
      {"note", optional_json(d.note)},
      {"decided_at", domain::format_utc(d.decided_at)},
  };
}

}  // namespace eventd::http::dto
