#pragma once
// SQL for api_keys.
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

domain::ApiKey insert_api_key(soci::session& session, const domain::ApiKey& key, const std::string& key_hash,
                              const std::string& key_prefix);
std::vector<domain::ApiKey> list_api_keys(soci::session& session);
// Sets revoked_at (once); false when there is no such key.
bool revoke_api_key(soci::session& session, const std::string& id);

}  // namespace eventd::db
