#pragma once
// Who is calling: from the bearer key to a domain::Caller.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "domain/api_key.hpp"

namespace eventd::services {

class Database;

// The key id of the caller behind EVENTD_ADMIN_KEY (a key that has no record).
inline constexpr const char* kEnvironmentAdminKeyId = "bootstrap";

class Authenticator {
 public:
  // `bootstrap_admin_key`: EVENTD_ADMIN_KEY, an admin key that exists while it is configured.
  explicit Authenticator(std::optional<std::string> bootstrap_admin_key);

  // No token: anonymous. A token that is unknown or revoked: domain::Error(unauthorized).
  boost::asio::awaitable<domain::Caller> authenticate(Database& db, const std::optional<std::string>& token) const;

 private:
  std::optional<std::string> bootstrap_hash_;
};

}  // namespace eventd::services
