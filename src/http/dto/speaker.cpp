#include "http/dto/speaker.hpp"

#include "domain/error.hpp"
#include "http/dto/reader.hpp"

namespace eventd::http::dto {

namespace {
nlohmann::json optional_json(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}
}  // namespace

services::SpeakerDraft read_speaker(const nlohmann::json& body) {
  require_object(body);
  domain::Validator errors;
  ObjectReader r(body, errors);
  services::SpeakerDraft draft;
  domain::Speaker& s = draft.speaker;
  if (auto slug = r.string("slug")) s.slug = *slug;
  r.required("name");
  if (auto name = r.string("name")) s.name = *name;
  s.title = r.string("title");
  s.affiliation = r.string("affiliation");
  s.organisation_id = r.string("organisation_id");
  s.owner_organisation_id = r.string("owner_organisation_id");
  s.bio = r.string("bio");
  s.photo_url = r.string("photo_url");
  s.email = r.string("email");
  s.phone = r.string("phone");
  r.reject_unknown();
  draft.errors = errors.take();
  return draft;
}

nlohmann::json speaker_request_json(const domain::Speaker& s) {
  return {
      {"slug", s.slug},
      {"name", s.name},
      {"title", optional_json(s.title)},
      {"affiliation", optional_json(s.affiliation)},
      {"organisation_id", optional_json(s.organisation_id)},
      {"owner_organisation_id", optional_json(s.owner_organisation_id)},
      {"bio", optional_json(s.bio)},
      {"photo_url", optional_json(s.photo_url)},
      {"email", optional_json(s.email)},
      {"phone", optional_json(s.phone)},
  };
}

nlohmann::json speaker_json(const domain::Speaker& s, bool show_private) {
  nlohmann::json body = {
      {"id", s.id},
      {"slug", s.slug},
      {"name", s.name},
      {"title", optional_json(s.title)},
      {"affiliation", optional_json(s.affiliation)},
      {"organisation_id", optional_json(s.organisation_id)},
      {"owner_organisation_id", optional_json(s.owner_organisation_id)},
      {"bio", optional_json(s.bio)},
      {"photo_url", optional_json(s.photo_url)},
  };
  if (show_private) {
    body["email"] = optional_json(s.email);
    body["phone"] = optional_json(s.phone);
  }
  body["created_at"] = domain::format_utc(s.created_at);
  body["updated_at"] = domain::format_utc(s.updated_at);
  return body;
}

}  // namespace eventd::http::dto
