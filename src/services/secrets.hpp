#pragma once
// Secrets handed to clients (API keys, manage/status/feed tokens): 256 random bits from
// the OS, shown once, stored only as a SHA-256 hash.
#include <optional>
#include <string>
#include <string_view>

namespace eventd::services {

// e.g. "evk_" + 43 base64url characters.
std::string new_secret(std::string_view prefix);

// A random (version 4) UUID, lower-case text, from the same source: an id known before its
// row is written, without asking the database for one.
std::string new_uuid();

// Hex SHA-256, what the database stores (bytea via decode(:hash, 'hex')). Secrets are
// high-entropy, so a fast hash is right here; a slow password hash would add nothing.
std::string secret_hash(std::string_view secret);

// Constant-time equality of two equal-length strings.
bool constant_time_equal(std::string_view a, std::string_view b);

// A secret derived from another (HMAC-SHA256 of `purpose`, keyed by `parent`), e.g. a personal
// feed token from a manage token and the feed's generation: whoever holds the parent can be
// shown the child again, the database keeps only both hashes, and the child reveals nothing
// of the parent. `prefix` as for new_secret.
std::string derive_secret(std::string_view parent, std::string_view purpose, std::string_view prefix);

// Authenticated encryption (XSalsa20-Poly1305) under a key derived from `key_material`; hex
// of nonce + ciphertext. unseal gives nullopt when the key or the text is wrong.
std::string seal(std::string_view plaintext, std::string_view key_material);
std::optional<std::string> unseal(std::string_view sealed_hex, std::string_view key_material);

}  // namespace eventd::services
