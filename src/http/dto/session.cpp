#include "http/dto/session.hpp"

#include "domain/error.hpp"
#include "domain/event_rules.hpp"
#include "domain/event_time.hpp"
#include "http/dto/reader.hpp"

namespace eventd::http::dto {

namespace {

constexpr const char* kKinds =
    "talk, panel, workshop, site_visit, break, other, travel, visit, meal, accommodation, free";
constexpr const char* kModes = "train, flight, bus, coach, car, ferry, walk, other";

// The text of a time, read in the event's zone by the service (domain/event_time.hpp); only
// its form is checked here.
void read_time(ObjectReader& r, std::string_view name, std::string& text) {
  auto value = r.string(name);
  if (!value) return;
  if (!domain::is_event_time_form(*value)) {
    auto refused = domain::read_event_time(*value, "");
    r.errors().add(r.field(name), refused.code, std::move(refused.params));
    return;
  }
  text = *value;
}

nlohmann::json optional_json(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json optional_json(const std::optional<double>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

// A place whose members are all absent (every one removed by a merge patch) is no place.
std::optional<domain::Place> read_place(ObjectReader& r) {
  std::optional<domain::Place> out;
  r.object("place", [&out](ObjectReader& p) {
    domain::Place place;
    place.name = p.string("name");
    place.street = p.string("street");
    place.postal_code = p.string("postal_code");
    place.city = p.string("city");
    place.country = p.string("country");
    place.latitude = p.number("latitude");
    place.longitude = p.number("longitude");
    if (place != domain::Place{}) out = std::move(place);
  });
  return out;
}

std::optional<domain::Transport> read_transport(ObjectReader& r) {
  std::optional<domain::Transport> out;
  r.object("transport", [&out](ObjectReader& t) {
    domain::Transport transport;
    t.required("mode");
    if (auto mode = t.enumeration("mode", &domain::parse_transport_mode, kModes)) transport.mode = *mode;
    transport.from = t.string("from");
    transport.to = t.string("to");
    transport.carrier = t.string("carrier");
    transport.reference = t.string("reference");
    out = std::move(transport);
  });
  return out;
}

nlohmann::json place_json(const std::optional<domain::Place>& place) {
  if (!place) return nullptr;
  return {
      {"name", optional_json(place->name)},
      {"street", optional_json(place->street)},
      {"postal_code", optional_json(place->postal_code)},
      {"city", optional_json(place->city)},
      {"country", optional_json(place->country)},
      {"latitude", optional_json(place->latitude)},
      {"longitude", optional_json(place->longitude)},
  };
}

nlohmann::json transport_json(const std::optional<domain::Transport>& transport) {
  if (!transport) return nullptr;
  return {
      {"mode", domain::to_string(transport->mode)},
      {"from", optional_json(transport->from)},
      {"to", optional_json(transport->to)},
      {"carrier", optional_json(transport->carrier)},
      {"reference", optional_json(transport->reference)},
  };
}

}  // namespace

services::SessionDraft read_session(const nlohmann::json& body) {
  require_object(body);
  domain::Validator errors;
  ObjectReader r(body, errors);
  services::SessionDraft draft;
  domain::Session& s = draft.session;
  r.required("title");
  if (auto title = r.string("title")) s.title = *title;
  s.description = r.string("description");
  if (auto kind = r.enumeration("kind", &domain::parse_session_kind, kKinds)) s.kind = *kind;
  r.required("starts_at");
  r.required("ends_at");
  read_time(r, "starts_at", draft.starts_at_text);
  read_time(r, "ends_at", draft.ends_at_text);
  s.location = r.string("location");
  if (auto ids = r.strings("speaker_ids", domain::kMaxSessionSpeakers)) s.speaker_ids = std::move(*ids);
  // null or absent: the event's zone. Checked as a zone by check_session.
  s.timezone = r.string("timezone");
  s.place = read_place(r);
  if (auto ids = r.strings("host_organisation_ids", domain::kMaxSessionHosts)) {
    s.host_organisation_ids = std::move(*ids);
  }
  s.transport = read_transport(r);
  if (auto ids = r.strings("delegation_ids", domain::kMaxSessionAudience)) s.delegation_ids = std::move(*ids);
  r.reject_unknown();
  draft.errors = errors.take();
  return draft;
}

nlohmann::json session_request_json(const domain::Session& s) {
  return {
      {"title", s.title},
      {"description", optional_json(s.description)},
      {"kind", domain::to_string(s.kind)},
      {"starts_at", domain::format_utc(s.starts_at)},
      {"ends_at", domain::format_utc(s.ends_at)},
      {"location", optional_json(s.location)},
      {"speaker_ids", s.speaker_ids},
      {"timezone", optional_json(s.timezone)},
      {"place", place_json(s.place)},
      {"host_organisation_ids", s.host_organisation_ids},
      {"transport", transport_json(s.transport)},
      {"delegation_ids", s.delegation_ids},
  };
}

nlohmann::json session_json(const domain::Session& s, const std::string& event_timezone) {
  const std::string& timezone = domain::effective_timezone(s, event_timezone);
  return {
      {"id", s.id},
      {"event_id", s.event_id},
      {"title", s.title},
      {"description", optional_json(s.description)},
      {"kind", domain::to_string(s.kind)},
      {"starts_at", domain::format_event_time(s.starts_at, timezone)},
      {"ends_at", domain::format_event_time(s.ends_at, timezone)},
      {"timezone", timezone},
      {"location", optional_json(s.location)},
      {"speaker_ids", s.speaker_ids},
      {"place", place_json(s.place)},
      {"host_organisation_ids", s.host_organisation_ids},
      {"transport", transport_json(s.transport)},
      {"delegation_ids", s.delegation_ids},
      {"created_at", domain::format_utc(s.created_at)},
      {"updated_at", domain::format_utc(s.updated_at)},
  };
}

}  // namespace eventd::http::dto
