#include "services/auth.hpp"

#include "db/api_key_repository.hpp"
#include "domain/error.hpp"
#include "services/database.hpp"
#include "services/secrets.hpp"

namespace eventd::services {

Authenticator::Authenticator(std::optional<std::string> bootstrap_admin_key) {
  if (bootstrap_admin_key) bootstrap_hash_ = secret_hash(*bootstrap_admin_key);
}

boost::asio::awaitable<domain::Caller> Authenticator::authenticate(Database& db,
                                                                   const std::optional<std::string>& token) const {
  if (!token) co_return domain::Caller::anonymous();
  std::string hash = secret_hash(*token);
  if (bootstrap_hash_ && constant_time_equal(hash, *bootstrap_hash_))
    co_return domain::Caller::admin(kEnvironmentAdminKeyId);
  // Looked up by its hash: timing can reveal nothing about the key itself.
  auto key = co_await db.run([&hash](soci::session& session) { return db::find_api_key_by_hash(session, hash); });
  if (!key || key->is_revoked()) {
    throw domain::Error(domain::Problem::unauthorized, domain::detail("unknown_key"));
  }
  co_return domain::Caller::from_key(*key);
}

}  // namespace eventd::services
