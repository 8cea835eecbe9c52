#include "http/dto/session.hpp"

#include "domain/error.hpp"
#include "domain/event_rules.hpp"
#include "domain/event_time.hpp"
#include "http/dto/reader.hpp"

namespace eventd::http::dto {

namespace {

constexpr const char* kKinds = "talk, panel, workshop, site_visit, break, other";

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
  };
}

nlohmann::json session_json(const domain::Session& s, const std::string& timezone) {
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
      {"created_at", domain::format_utc(s.created_at)},
      {"updated_at", domain::format_utc(s.updated_at)},
  };
}

}  // namespace eventd::http::dto
