#include "http/client_address.hpp"

#include "http/message.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace eventd::http {

namespace {

// IPv4 and IPv6 in one form (IPv4-mapped IPv6), so networks of either family compare.
std::optional<std::array<std::uint8_t, 16>> parse_address(std::string_view text) {
  text = trim_ows(text);
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  const std::string s(text);
  std::array<std::uint8_t, 16> out{};
  in_addr v4{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    out[10] = 0xff;
    out[11] = 0xff;
    std::memcpy(out.data() + 12, &v4, 4);
    return out;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    std::memcpy(out.data(), &v6, 16);
    return out;
  }
  return std::nullopt;
}

bool is_v4_mapped(const std::array<std::uint8_t, 16>& a) {
  for (int i = 0; i < 10; ++i) {
    if (a[i] != 0) return false;
  }
  return a[10] == 0xff && a[11] == 0xff;
}

}  // namespace

std::optional<Network> Network::parse(std::string_view text) {
  text = trim_ows(text);
  std::string_view address = text;
  std::optional<int> prefix;
  if (auto slash = text.find('/'); slash != std::string_view::npos) {
    address = text.substr(0, slash);
    auto digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    int p = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      p = p * 10 + (c - '0');
    }
    prefix = p;
  }
  auto parsed = parse_address(address);
  if (!parsed) return std::nullopt;
  Network n;
  n.address = *parsed;
  const bool v4 = is_v4_mapped(*parsed) && address.find(':') == std::string_view::npos;
  if (prefix) {
    if (*prefix > (v4 ? 32 : 128)) return std::nullopt;
    n.prefix = v4 ? *prefix + 96 : *prefix;
  }
  return n;
}

bool Network::contains(std::string_view text) const {
  auto a = parse_address(text);
  if (!a) return false;
  for (int bit = 0; bit < prefix; ++bit) {
    const int byte = bit / 8, mask = 0x80 >> (bit % 8);
    if (((*a)[byte] & mask) != (address[byte] & mask)) return false;
  }
  return true;
}

bool TrustedProxies::trusts(std::string_view address) const {
  for (const auto& n : networks_) {
    if (n.contains(address)) return true;
  }
  return false;
}

std::string TrustedProxies::client_address(const Request& request) const {
  if (!trusts(request.peer_address)) return request.peer_address;
  auto header = request.headers.get("X-Forwarded-For");
  if (!header) return request.peer_address;
  // Right to left: each trusted proxy appended the address it saw.
  std::string_view rest = *header;
  while (!rest.empty()) {
    auto comma = rest.rfind(',');
    std::string_view entry = trim_ows(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(0, comma);
    if (!parse_address(entry)) return request.peer_address;  // garbage: believe only the peer
    if (!trusts(entry)) return std::string(entry);
  }
  return request.peer_address;
}

}  // namespace eventd::http
