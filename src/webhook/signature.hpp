#pragma once
// Standard Webhooks signatures (https://www.standardwebhooks.com, spec v1): a subscription's
// secret is "whsec_" + standard base64 of 32 random bytes, shown to its owner once; a message
// is signed with HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}" under the decoded
// bytes, and `webhook-signature` carries "v1,<base64>" per secret in use, space-separated
// (two while a rotated secret's overlap lasts). Receivers verify with any Standard Webhooks
// library (the tests use the npm package `standardwebhooks`).
#include <string>
#include <string_view>
#include <vector>

namespace eventd::webhook {

inline constexpr std::string_view kSecretPrefix = "whsec_";

// A new secret from the operating system's random source.
std::string new_secret();

// Whether `secret` is "whsec_" + padded standard base64 of 24 to 64 bytes.
bool is_valid_secret(std::string_view secret);

// "v1,<base64>"; std::invalid_argument for a secret that is not valid.
std::string sign(std::string_view secret, std::string_view id, long long timestamp, std::string_view body);

// The header value for every secret in `secrets` (the current one first).
std::string signature_header(const std::vector<std::string>& secrets, std::string_view id, long long timestamp,
                             std::string_view body);

}  // namespace eventd::webhook
