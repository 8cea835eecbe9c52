#include "http/dto/registration.hpp"

#include "http/dto/csv.hpp"
#include "http/dto/reader.hpp"

namespace eventd::http::dto {

namespace {

nlohmann::json optional_json(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}
nlohmann::json optional_time(const std::optional<domain::Instant>& t) {
  return t ? nlohmann::json(domain::format_utc(*t)) : nlohmann::json(nullptr);
}

}  // namespace

services::RegistrationDraft read_registration(const nlohmann::json& body) {
  require_object(body);
  domain::Validator errors;
  ObjectReader r(body, errors);
  services::RegistrationDraft draft;
  domain::Participant& p = draft.participant;
  r.required("name");
  if (auto name = r.string("name")) p.name = *name;
  r.required("email");
  if (auto email = r.string("email")) p.email = *email;
  p.organisation = r.string("organisation");
  p.country = r.string("country");
  p.needs = r.string("needs");
  if (auto ids = r.strings("session_ids")) draft.session_ids = *ids;
  draft.delegation_id = r.string("delegation_id");
  r.required("consent");
  draft.consent = r.boolean("consent").value_or(false);
  r.reject_unknown();
  draft.errors = errors.take();
  // A consent that is absent or not a boolean is reported once, by the reader.
  for (const auto& e : draft.errors) {
    if (e.field == "consent") draft.consent = true;
  }
  return draft;
}

nlohmann::json registration_request_json(const domain::Registration& r) {
  const domain::Participant p = r.participant.value_or(domain::Participant{});
  return {
      {"name", p.name},
      {"email", p.email},
      {"organisation", optional_json(p.organisation)},
      {"country", optional_json(p.country)},
      {"needs", optional_json(p.needs)},
      {"session_ids", r.session_ids},
      {"delegation_id", optional_json(r.delegation_id)},
      {"consent", true},
  };
}

nlohmann::json registration_json(const domain::Registration& r, const RegistrationLinks& links,
                                 const std::optional<services::RegistrationEntitlement>& entitlement) {
  nlohmann::json body = {
      {"id", r.id},
      {"event_id", r.event_id},
      {"status", std::string(domain::to_string(r.status))},
      {"waitlist_position", r.waitlist_position ? nlohmann::json(*r.waitlist_position) : nlohmann::json(nullptr)},
  };
  const domain::Participant p = r.participant.value_or(domain::Participant{});
  body["name"] = r.participant ? nlohmann::json(p.name) : nlohmann::json(nullptr);
  body["email"] = r.participant ? nlohmann::json(p.email) : nlohmann::json(nullptr);
  body["organisation"] = optional_json(p.organisation);
  body["country"] = optional_json(p.country);
  body["needs"] = optional_json(p.needs);
  body["session_ids"] = r.session_ids;
  body["delegation_id"] = optional_json(r.delegation_id);
  body["consent_at"] = domain::format_utc(r.consent_at);
  body["erased"] = r.is_erased();
  body["confirmed_at"] = optional_time(r.confirmed_at);
  body["cancelled_at"] = optional_time(r.cancelled_at);
  body["erased_at"] = optional_time(r.erased_at);
  body["created_at"] = domain::format_utc(r.created_at);
  body["updated_at"] = domain::format_utc(r.updated_at);
  if (!links.self.empty()) body["url"] = links.self;
  if (!links.invite.empty()) body["invite_url"] = links.invite;
  if (!links.feed.empty()) body["feed_url"] = links.feed;
  if (!links.webcal.empty()) body["webcal_url"] = links.webcal;
  if (!links.self.empty()) {
    nlohmann::json people = {{"api", links.self}};
    if (!links.page.empty()) people["page"] = links.page;
    if (!links.plain_invite.empty()) people["invite"] = links.plain_invite;
    body["links"] = std::move(people);
  }
  if (entitlement) {
    body["access"] = {
        {"stream_url", optional_json(entitlement->stream_url)},
        {"platform", optional_json(entitlement->platform)},
        {"waitlist_position",
         entitlement->waitlist_position ? nlohmann::json(*entitlement->waitlist_position) : nlohmann::json(nullptr)},
        {"next", entitlement->next},
    };
  }
  return body;
}

std::string registrations_csv(const std::vector<domain::Registration>& items, char delimiter,
                              const std::map<std::string, domain::TravelDocument>* travel) {
  std::string out = "\xEF\xBB\xBF";
  auto row = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) out += delimiter;
      out += csv_cell(cells[i], delimiter);
    }
    out += "\r\n";
  };
  std::vector<std::string> header = {
      "id",    "status",      "waitlist_position", "name",       "email",        "organisation", "country",
      "needs", "session_ids", "delegation_id",     "created_at", "confirmed_at", "cancelled_at"};
  if (travel) {
    for (const char* name :
         {"passport_number", "issuing_country", "passport_expires_on", "date_of_birth", "nationality"}) {
      header.push_back(name);
    }
  }
  // Last, so that a row never ends in an empty cell.
  header.push_back("erased");
  row(header);
  for (const auto& r : items) {
    const domain::Participant p = r.participant.value_or(domain::Participant{});
    std::string sessions;
    for (const auto& id : r.session_ids) sessions += (sessions.empty() ? "" : " ") + id;
    std::vector<std::string> cells = {r.id,
                                      std::string(domain::to_string(r.status)),
                                      r.waitlist_position ? std::to_string(*r.waitlist_position) : "",
                                      p.name,
                                      p.email,
                                      p.organisation.value_or(""),
                                      p.country.value_or(""),
                                      p.needs.value_or(""),
                                      sessions,
                                      r.delegation_id.value_or(""),
                                      domain::format_utc(r.created_at),
                                      r.confirmed_at ? domain::format_utc(*r.confirmed_at) : "",
                                      r.cancelled_at ? domain::format_utc(*r.cancelled_at) : ""};
    if (travel) {
      auto found = travel->find(r.id);
      const domain::TravelDocument d = found == travel->end() ? domain::TravelDocument{} : found->second;
      cells.push_back(d.passport_number.value_or(""));
      cells.push_back(d.issuing_country.value_or(""));
      cells.push_back(d.passport_expires_on ? domain::format_date(*d.passport_expires_on) : "");
      cells.push_back(d.date_of_birth ? domain::format_date(*d.date_of_birth) : "");
      cells.push_back(d.nationality.value_or(""));
    }
    cells.push_back(r.is_erased() ? "yes" : "no");
    row(cells);
  }
  return out;
}

}  // namespace eventd::http::dto
