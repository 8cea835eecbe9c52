#pragma once
// Which address a request comes from: the TCP peer, unless that peer is a trusted proxy
// (EVENTD_TRUSTED_PROXIES), in which case X-Forwarded-For says. Only trusted proxies are
// believed, or any client could pick its own address and escape its rate limit.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace eventd::http {

// An IPv4 or IPv6 network, e.g. 127.0.0.1/32, 10.0.0.0/8, ::1/128.
struct Network {
  std::array<std::uint8_t, 16> address{};  // IPv4 as ::ffff:a.b.c.d
  int prefix = 128;

  static std::optional<Network> parse(std::string_view text);  // a bare address is a /32 or /128
  bool contains(std::string_view address) const;
};

class TrustedProxies {
 public:
  TrustedProxies() = default;
  explicit TrustedProxies(std::vector<Network> networks) : networks_(std::move(networks)) {}

  bool trusts(std::string_view address) const;
  // The peer, or — when the peer is trusted — the right-most X-Forwarded-For entry that is
  // not itself a trusted proxy.
  std::string client_address(const Request& request) const;

 private:
  std::vector<Network> networks_;
};

}  // namespace eventd::http
