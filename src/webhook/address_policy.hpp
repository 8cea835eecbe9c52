#pragma once
// Where a webhook may go (server-side request forgery): a target is refused when its address
// is loopback, private, link-local (cloud metadata at 169.254.169.254), shared (CGNAT),
// multicast, reserved, documentation, or an IPv6 form of any of these (IPv4-mapped, NAT64,
// 6to4, Teredo, unique-local, site-local), unless it lies in a network the operator listed in
// EVENTD_WEBHOOK_ALLOWED_NETWORKS; only there may a target use plain http. The check runs on
// the URL when a subscription is made and on the address actually connected to at each
// delivery, so a name that resolves elsewhere later (DNS rebinding) is still refused.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eventd::webhook {

// An IPv4 address is kept IPv4-mapped (::ffff:a.b.c.d), so one comparison serves both.
struct Address {
  std::array<unsigned char, 16> bytes{};
};
std::optional<Address> parse_address(std::string_view text);

struct Network {
  Address base;
  int prefix = 0;  // of the 128 bits (an IPv4 /8 is /104 here)
  bool contains(const Address& a) const;
};
// "10.0.0.0/8", "::1/128", or a bare address (a single host).
std::optional<Network> parse_network(std::string_view text);

// A webhook URL, as far as the policy needs it.
struct Target {
  bool https = false;
  std::string host;  // a name, or an address without brackets
  int port = 0;
  bool host_is_address = false;
};
// nullopt with `why` for anything but http(s)://host[:port][/path][?query] in ASCII without
// user information or fragment.
std::optional<Target> parse_target(std::string_view url, std::string& why);

class AddressPolicy {
 public:
  AddressPolicy() = default;
  explicit AddressPolicy(std::vector<Network> allowed) : allowed_(std::move(allowed)) {}
  // A comma-separated list of networks; std::invalid_argument naming the entry that is not one.
  static AddressPolicy parse(std::string_view list);

  // Empty when a webhook may go to `address` (given as text) with this scheme; otherwise why
  // not, for the client and the delivery log ("127.0.0.1 is a loopback address").
  std::string refusal(std::string_view address, bool https) const;

 private:
  std::vector<Network> allowed_;
};

}  // namespace eventd::webhook
