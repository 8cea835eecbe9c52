#include "webhook/signature.hpp"

#include <sodium.h>

#include <array>
#include <stdexcept>

namespace eventd::webhook {

namespace {

constexpr std::size_t kSecretBytes = 32;
constexpr std::size_t kMinKeyBytes = 24;  // the range the specification allows
constexpr std::size_t kMaxKeyBytes = 64;

std::string base64(const unsigned char* bytes, std::size_t size) {
  std::string out(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, size, sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL the length counts
  return out;
}

// The key bytes of a secret, or nothing when it is not "whsec_" + padded base64 of 24..64 bytes.
bool decode_key(std::string_view secret, std::array<unsigned char, kMaxKeyBytes>& key, std::size_t& size) {
  if (!secret.starts_with(kSecretPrefix)) return false;
  const std::string_view text = secret.substr(kSecretPrefix.size());
  const char* end = nullptr;
  if (sodium_base642bin(key.data(), key.size(), text.data(), text.size(), nullptr, &size, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return false;
  }
  return end == text.data() + text.size() && size >= kMinKeyBytes && size <= kMaxKeyBytes;
}

}  // namespace

std::string new_secret() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  std::array<unsigned char, kSecretBytes> key{};
  randombytes_buf(key.data(), key.size());
  std::string out = std::string(kSecretPrefix) + base64(key.data(), key.size());
  sodium_memzero(key.data(), key.size());
  return out;
}

bool is_valid_secret(std::string_view secret) {
  std::array<unsigned char, kMaxKeyBytes> key{};
  std::size_t size = 0;
  const bool ok = decode_key(secret, key, size);
  sodium_memzero(key.data(), key.size());
  return ok;
}

std::string sign(std::string_view secret, std::string_view id, long long timestamp, std::string_view body) {
  std::array<unsigned char, kMaxKeyBytes> key{};
  std::size_t size = 0;
  if (!decode_key(secret, key, size)) throw std::invalid_argument("not a webhook secret (whsec_...)");
  // The streaming form takes a key of any length; the one-shot form wants exactly 32 bytes.
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, key.data(), size);
  const std::string stamp = std::to_string(timestamp);
  for (std::string_view part : {id, std::string_view("."), std::string_view(stamp), std::string_view("."), body}) {
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(part.data()), part.size());
  }
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_final(&state, mac.data());
  sodium_memzero(key.data(), key.size());
  sodium_memzero(&state, sizeof state);
  return "v1," + base64(mac.data(), mac.size());
}

std::string signature_header(const std::vector<std::string>& secrets, std::string_view id, long long timestamp,
                             std::string_view body) {
  std::string out;
  for (const auto& secret : secrets) {
    if (!out.empty()) out += ' ';
    out += sign(secret, id, timestamp, body);
  }
  return out;
}

}  // namespace eventd::webhook
