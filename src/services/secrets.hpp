#pragma once
// Secrets handed to clients (API keys, manage/status/feed tokens): 256 random bits from
// the OS, shown once, stored only as a SHA-256 hash.
#include <string>
#include <string_view>

namespace eventd::services {

// e.g. "evk_" + 43 base64url characters.
std::string new_secret(std::string_view prefix);

// Hex SHA-256, what the database stores (bytea via decode(:hash, 'hex')). Secrets are
// high-entropy, so a fast hash is right here; a slow password hash would add nothing.
std::string secret_hash(std::string_view secret);

// Constant-time equality of two equal-length strings.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace eventd::services
