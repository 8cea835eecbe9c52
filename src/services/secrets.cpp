#include "services/secrets.hpp"

#include <sodium.h>

#include <stdexcept>

#include "db/migrations.hpp"

namespace eventd::services {

namespace {
// sodium_init picks the random source once; without it the first calls on two threads at
// once would both set it up (a data race). A function-local static runs it exactly once.
void ensure_sodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium could not be initialised");
}
}  // namespace

std::string new_secret(std::string_view prefix) {
  ensure_sodium();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  constexpr int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string encoded(sodium_base64_encoded_len(sizeof bytes, variant), '\0');
  sodium_bin2base64(encoded.data(), encoded.size(), bytes, sizeof bytes, variant);
  encoded.resize(std::char_traits<char>::length(encoded.c_str()));
  sodium_memzero(bytes, sizeof bytes);
  return std::string(prefix) + encoded;
}

std::string secret_hash(std::string_view secret) { return db::sha256_hex(secret); }

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace eventd::services
