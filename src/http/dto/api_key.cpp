#include "http/dto/api_key.hpp"

#include "domain/validation.hpp"
#include "http/dto/reader.hpp"

namespace eventd::http::dto {

namespace {

nlohmann::json optional_instant(const std::optional<domain::Instant>& t) {
  return t ? nlohmann::json(domain::format_utc(*t)) : nlohmann::json(nullptr);
}

}  // namespace

services::NewApiKey read_api_key_create(const nlohmann::json& body) {
  require_object(body);
  domain::Validator errors;
  ObjectReader reader(body, errors);
  services::NewApiKey request;
  reader.required("name");
  auto name = reader.string("name");
  reader.required("role");
  auto role = reader.enumeration("role", domain::parse_role, "admin, organiser");
  request.organisation = reader.string("organisation_id");
  reader.reject_unknown();
  if (name) request.name = *name;  // its rules are domain::check_api_key's, run by the service
  if (role) request.role = *role;
  request.errors = errors.take();
  return request;
}

nlohmann::json api_key_json(const domain::ApiKey& key) {
  return {
      {"id", key.id},
      {"name", key.name},
      {"role", domain::to_string(key.role)},
      {"organisation_id", key.organisation_id ? nlohmann::json(*key.organisation_id) : nlohmann::json(nullptr)},
      {"key_prefix", key.key_prefix},
      {"created_at", domain::format_utc(key.created_at)},
      {"last_used_at", optional_instant(key.last_used_at)},
      {"revoked_at", optional_instant(key.revoked_at)},
  };
}

nlohmann::json current_api_key_json(const services::CurrentApiKey& current) {
  if (!current.record) {
    // Named after where it lives, so whoever reads it knows where to rotate it.
    return {{"name", "EVENTD_ADMIN_KEY"},
            {"role", domain::to_string(domain::Role::admin)},
            {"organisation_id", nullptr},
            {"from_environment", true}};
  }
  auto json = api_key_json(*current.record);
  json.erase("revoked_at");
  json["from_environment"] = false;
  return json;
}

nlohmann::json created_api_key_json(const services::CreatedApiKey& created) {
  auto json = api_key_json(created.record);
  json["key"] = created.key;
  return json;
}

}  // namespace eventd::http::dto
