#include "services/secrets.hpp"

#include <sodium.h>

#include <stdexcept>

#include "db/migrations.hpp"

namespace eventd::services {

namespace {

// sodium_init picks the fastest implementations and seeds nothing we rely on, but the
// library asks for it before any other call; a function-local static makes that once and
// thread-safe.
void ensure_sodium() {
  static const int initialised = sodium_init();
  if (initialised < 0) throw std::runtime_error("libsodium cannot be initialised");
}

std::string base64url(const unsigned char* bytes, std::size_t size) {
  constexpr int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string encoded(sodium_base64_encoded_len(size, variant), '\0');
  sodium_bin2base64(encoded.data(), encoded.size(), bytes, size, variant);
  encoded.resize(std::char_traits<char>::length(encoded.c_str()));
  return encoded;
}

const unsigned char* bytes_of(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

void box_key(std::string_view key_material, unsigned char (&key)[crypto_secretbox_KEYBYTES]) {
  crypto_generichash(key, sizeof key, bytes_of(key_material), key_material.size(), nullptr, 0);
}

}  // namespace

std::string new_secret(std::string_view prefix) {
  ensure_sodium();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  std::string encoded = base64url(bytes, sizeof bytes);
  sodium_memzero(bytes, sizeof bytes);
  return std::string(prefix) + encoded;
}

std::string new_uuid() {
  ensure_sodium();
  unsigned char bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(36);
  for (std::size_t i = 0; i < sizeof bytes; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text += '-';
    text += kHex[bytes[i] >> 4];
    text += kHex[bytes[i] & 0x0f];
  }
  return text;
}

std::string derive_secret(std::string_view parent, std::string_view purpose, std::string_view prefix) {
  ensure_sodium();
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, bytes_of(parent), parent.size());
  crypto_auth_hmacsha256_update(&state, bytes_of(purpose), purpose.size());
  crypto_auth_hmacsha256_final(&state, mac);
  std::string encoded = base64url(mac, sizeof mac);
  sodium_memzero(mac, sizeof mac);
  return std::string(prefix) + encoded;
}

std::string seal(std::string_view plaintext, std::string_view key_material) {
  ensure_sodium();
  unsigned char key[crypto_secretbox_KEYBYTES];
  box_key(key_material, key);
  std::string box(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size(), '\0');
  auto* out = reinterpret_cast<unsigned char*>(box.data());
  randombytes_buf(out, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, bytes_of(plaintext), plaintext.size(), out, key);
  sodium_memzero(key, sizeof key);
  std::string hex(box.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), out, box.size());
  hex.pop_back();
  return hex;
}

std::optional<std::string> unseal(std::string_view sealed_hex, std::string_view key_material) {
  ensure_sodium();
  std::string box(sealed_hex.size() / 2, '\0');
  std::size_t length = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(box.data()), box.size(), sealed_hex.data(), sealed_hex.size(),
                     nullptr, &length, nullptr) != 0 ||
      length < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return std::nullopt;
  }
  const auto* in = bytes_of(box);
  std::string plain(length - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  unsigned char key[crypto_secretbox_KEYBYTES];
  box_key(key_material, key);
  const int failed =
      crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()), in + crypto_secretbox_NONCEBYTES,
                                 length - crypto_secretbox_NONCEBYTES, in, key);
  sodium_memzero(key, sizeof key);
  if (failed != 0) return std::nullopt;
  return plain;
}

std::string secret_hash(std::string_view secret) { return db::sha256_hex(secret); }

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace eventd::services
