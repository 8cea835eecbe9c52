#pragma once
// JSON <-> API keys (openapi: ApiKeyCreate, ApiKey, ApiKeyCreated).
#include <nlohmann/json.hpp>

#include "domain/api_key.hpp"
#include "services/api_key_service.hpp"

namespace eventd::http::dto {

// Reads {"name", "role", "organisation_id"}; wrong types, unknown members and missing
// fields are returned in `errors`. The organisation is resolved and the rules checked
// (domain::check_api_key) by the service, which answers one 422 with everything. (Throws
// only when the body is not an object.)
services::NewApiKey read_api_key_create(const nlohmann::json& body);

// The record, never the key: id, name, role, organisation_id, key_prefix, created_at,
// last_used_at, revoked_at.
nlohmann::json api_key_json(const domain::ApiKey& key);

// GET /v1/api-keys/current (CurrentApiKey): the record without revoked_at (a revoked key
// cannot ask) and `from_environment`; for EVENTD_ADMIN_KEY, which has no record, no id.
nlohmann::json current_api_key_json(const services::CurrentApiKey& current);

// The record and, this once, the key in clear.
nlohmann::json created_api_key_json(const services::CreatedApiKey& created);

}  // namespace eventd::http::dto
