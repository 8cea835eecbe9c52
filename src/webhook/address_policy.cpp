#include "webhook/address_policy.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace eventd::webhook {

namespace {

struct SpecialRange {
  const char* network;
  const char* what;
};

// The IANA special-purpose registries (RFC 6890 and later) with the cloud metadata service:
// nothing here is a public server an integrator runs.
constexpr SpecialRange kRefused[] = {
    {"0.0.0.0/8", "a 'this network' address"},
    {"10.0.0.0/8", "a private address"},
    {"100.64.0.0/10", "a shared (carrier-grade NAT) address"},
    {"127.0.0.0/8", "a loopback address"},
    {"169.254.0.0/16", "a link-local address"},
    {"172.16.0.0/12", "a private address"},
    {"192.0.0.0/24", "an IETF protocol address"},
    {"192.0.2.0/24", "a documentation address"},
    {"192.88.99.0/24", "a 6to4 relay address"},
    {"192.168.0.0/16", "a private address"},
    {"198.18.0.0/15", "a benchmarking address"},
    {"198.51.100.0/24", "a documentation address"},
    {"203.0.113.0/24", "a documentation address"},
    {"224.0.0.0/4", "a multicast address"},
    {"240.0.0.0/4", "a reserved address"},
    {"::/128", "the unspecified address"},
    {"::1/128", "a loopback address"},
    {"::/96", "an IPv4-compatible address"},
    {"64:ff9b::/96", "a NAT64 address"},
    {"64:ff9b:1::/48", "a NAT64 address"},
    {"100::/64", "a discard address"},
    {"2001::/23", "an IETF protocol address"},
    {"2001:db8::/32", "a documentation address"},
    {"2002::/16", "a 6to4 address"},
    {"3fff::/20", "a documentation address"},
    {"fc00::/7", "a unique-local address"},
    {"fe80::/10", "a link-local address"},
    {"fec0::/10", "a site-local address"},
    {"ff00::/8", "a multicast address"},
};

bool is_v4(const Address& a) {
  static constexpr std::array<unsigned char, 12> kMapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::equal(kMapped.begin(), kMapped.end(), a.bytes.begin());
}

bool is_ascii_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

}  // namespace

std::optional<Address> parse_address(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  const std::string s(text);
  Address a;
  unsigned char v4[4];
  if (inet_pton(AF_INET, s.c_str(), v4) == 1) {
    a.bytes[10] = 0xff;
    a.bytes[11] = 0xff;
    std::copy(v4, v4 + 4, a.bytes.begin() + 12);
    return a;
  }
  if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) return a;
  return std::nullopt;
}

bool Network::contains(const Address& a) const {
  int bits = prefix;
  for (std::size_t i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    const unsigned mask = bits >= 8 ? 0xffu : (0xffu << (8 - bits)) & 0xffu;
    if ((a.bytes[i] & mask) != (base.bytes[i] & mask)) return false;
  }
  return true;
}

std::optional<Network> parse_network(std::string_view text) {
  const auto slash = text.find('/');
  auto address = parse_address(text.substr(0, slash));
  if (!address) return std::nullopt;
  const bool v4 = is_v4(*address);
  int prefix = v4 ? 32 : 128;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (error != std::errc() || end != digits.data() + digits.size() || prefix < 0 || prefix > (v4 ? 32 : 128)) {
      return std::nullopt;
    }
  }
  return Network{*address, v4 ? prefix + 96 : prefix};
}

std::optional<Target> parse_target(std::string_view url, std::string& why) {
  Target t;
  if (url.size() > 2000) {
    why = "is longer than 2000 characters";
    return std::nullopt;
  }
  if (url.starts_with("https://")) {
    t.https = true;
    url.remove_prefix(8);
  } else if (url.starts_with("http://")) {
    url.remove_prefix(7);
  } else {
    why = "must start with https://";
    return std::nullopt;
  }
  if (url.find('#') != std::string_view::npos) {
    why = "must not have a fragment (#)";
    return std::nullopt;
  }
  const std::string_view authority = url.substr(0, url.find_first_of("/?"));
  if (authority.find('@') != std::string_view::npos) {
    why = "must not carry a user name or password";
    return std::nullopt;
  }
  std::string_view host = authority;
  std::string_view port;
  if (host.starts_with('[')) {
    const auto close = host.find(']');
    if (close == std::string_view::npos) {
      why = "has an IPv6 address without its closing ]";
      return std::nullopt;
    }
    port = host.substr(close + 1);
    host = host.substr(1, close - 1);
    if (!parse_address(host)) {
      why = "has a host that is not an IPv6 address";
      return std::nullopt;
    }
    t.host_is_address = true;
  } else {
    const auto colon = host.find(':');
    if (colon != std::string_view::npos) {
      port = host.substr(colon);
      host = host.substr(0, colon);
    }
    if (host.empty() || !std::all_of(host.begin(), host.end(), is_ascii_host_char)) {
      why = "needs a host name in ASCII (an internationalised name in its xn-- form)";
      return std::nullopt;
    }
    t.host_is_address = parse_address(host).has_value();
  }
  t.host = std::string(host);
  t.port = t.https ? 443 : 80;
  if (!port.empty()) {
    if (!port.starts_with(':') || port.size() < 2) {
      why = "has a port that is not a number";
      return std::nullopt;
    }
    const std::string_view digits = port.substr(1);
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), t.port);
    if (error != std::errc() || end != digits.data() + digits.size() || t.port < 1 || t.port > 65535) {
      why = "has a port outside 1–65535";
      return std::nullopt;
    }
  }
  return t;
}

AddressPolicy AddressPolicy::parse(std::string_view list) {
  std::vector<Network> allowed;
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string_view entry = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    while (!entry.empty() && entry.front() == ' ') entry.remove_prefix(1);
    while (!entry.empty() && entry.back() == ' ') entry.remove_suffix(1);
    if (entry.empty()) continue;
    auto network = parse_network(entry);
    if (!network) throw std::invalid_argument("'" + std::string(entry) + "' is not a network (e.g. 10.0.0.0/8)");
    allowed.push_back(*network);
  }
  return AddressPolicy(std::move(allowed));
}

std::string AddressPolicy::refusal(std::string_view text, bool https) const {
  auto address = parse_address(text);
  if (!address) return "'" + std::string(text) + "' is not an IP address";
  const bool allowed =
      std::any_of(allowed_.begin(), allowed_.end(), [&](const Network& n) { return n.contains(*address); });
  if (allowed) return {};
  for (const auto& range : kRefused) {
    if (parse_network(range.network)->contains(*address)) return std::string(text) + " is " + range.what;
  }
  if (!https) return "plain http is only for the networks of EVENTD_WEBHOOK_ALLOWED_NETWORKS; use https://";
  return {};
}

}  // namespace eventd::webhook
