#pragma once
// The request-target of a request line (RFC 9112 3.2): what the router and the query parser
// get from it.
#include <optional>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace eventd::http {

struct TargetParts {
  std::string path;       // "/v1/events", or "*" (asterisk-form, OPTIONS only); never with the query
  std::string query;      // raw, without '?'
  std::string authority;  // "host:port" of the absolute-form; empty for the other forms
};

// Splits a request-target:
//  - origin-form  "/path?query": as sent;
//  - absolute-form "http://host:port/path?query" (scheme http or https, any case; RFC 9112
//    3.2.2 says a server must accept it, as a proxy in front of us may send it): the path
//    and query of the URL ("/" for an empty path), and its authority, which replaces Host;
//  - asterisk-form "*" for OPTIONS.
// nullopt for anything else: authority-form ("host:443", CONNECT's, which we do not serve),
// "*" with another method, an absolute URL with user info, an empty or malformed host or
// port, a fragment, another scheme, or garbage. The caller answers 400 without logging the
// target (it may hold anything, a password in user info included).
std::optional<TargetParts> split_target(Method method, std::string_view target);

}  // namespace eventd::http
