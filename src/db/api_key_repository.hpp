#pragma once
// SQL for api_keys.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "domain/api_key.hpp"

namespace soci {
class session;
}

namespace eventd::db {

// The live or revoked key with this hash (hex SHA-256), if any.
std::optional<domain::ApiKey> find_api_key_by_hash(soci::session& session, const std::string& key_hash);

// Throws domain::Error: 409 when the hash is already stored (cannot happen with 256 random
// bits, but then it must not be a 500), 422 on organisation_id when the organisation is gone.
// The key with this id, live or revoked (GET /v1/api-keys/current: the caller's own).
std::optional<domain::ApiKey> find_api_key(soci::session& session, const std::string& id);

domain::ApiKey insert_api_key(soci::session& session, const domain::ApiKey& key, const std::string& key_hash,
                              const std::string& key_prefix);

// The keyset position of a list page: the last row's (created_at, id).
struct ApiKeyCursor {
  long long created_at_us = 0;
  std::string id;
};

// Oldest first, ordered by (created_at, id); at most `limit` rows after `after`.
std::vector<domain::ApiKey> list_api_keys(soci::session& session, std::size_t limit,
                                          const std::optional<ApiKeyCursor>& after);

// Sets revoked_at (once); false when there is no such key.
bool revoke_api_key(soci::session& session, const std::string& id);

}  // namespace eventd::db
