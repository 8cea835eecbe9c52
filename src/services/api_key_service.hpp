#pragma once
// Use cases of /v1/api-keys and `eventd keys create`. Callers check that the caller is an
// admin (the HTTP handlers) or trusted (the command line).
#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "db/api_key_repository.hpp"
#include "domain/api_key.hpp"

namespace soci {
class session;
}

namespace eventd::services {

class Database;

struct NewApiKey {
  std::string name;
  domain::Role role = domain::Role::organiser;
  std::optional<std::string> organisation;  // id or slug; required exactly for organiser keys
  // What reading the request found (http/dto): reported with the service's findings in one
  // 422; the fields named here hold defaults, so rules about them or needing them are skipped.
  std::vector<domain::FieldError> errors;
};

struct CreatedApiKey {
  domain::ApiKey record;
  std::string key;  // in clear: shown this once, only its hash is stored
};

// The use case itself, in one transaction on `session`: resolves the organisation (422 on
// organisation_id when there is none), validates, makes a new secret "evk_...", stores its
// SHA-256 and a short display prefix.
CreatedApiKey create_api_key(soci::session& session, const NewApiKey& request);

// (Parameters are references to the caller's locals: see organisation_service.hpp.)
boost::asio::awaitable<CreatedApiKey> create_api_key(Database& db, const NewApiKey& request);
// For the command line: the same, blocking.
CreatedApiKey create_api_key_blocking(Database& db, const NewApiKey& request);

struct ApiKeyPage {
  std::vector<domain::ApiKey> items;
  bool has_more = false;
};

boost::asio::awaitable<ApiKeyPage> list_api_keys(Database& db, std::size_t limit,
                                                 const std::optional<db::ApiKeyCursor>& after);

// The key behind `caller` (GET /v1/api-keys/current): nullopt for EVENTD_ADMIN_KEY, which
// has no record. 401 when the key went away since it was authenticated (revoked and gone).
struct CurrentApiKey {
  std::optional<domain::ApiKey> record;  // nullopt: the key from the environment
};
boost::asio::awaitable<CurrentApiKey> current_api_key(Database& db, const domain::Caller& caller);

// Revokes at once (every request looks the key up); revoking twice is fine. 404 when unknown.
boost::asio::awaitable<void> revoke_api_key(Database& db, const std::string& id);

}  // namespace eventd::services
