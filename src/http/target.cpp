#include "http/target.hpp"

namespace eventd::http {

namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// RFC 3986 reg-name and IPv4 characters: unreserved, sub-delims and pct-encoded.
bool is_host_char(char c) {
  return is_alpha(c) || is_digit(c) || std::string_view("-._~!$&'()*+,;=%").find(c) != std::string_view::npos;
}

bool is_port(std::string_view port) {
  // An empty port is allowed by RFC 3986 ("host:"), and means the scheme's default.
  if (port.size() > 5) return false;
  for (char c : port) {
    if (!is_digit(c)) return false;
  }
  return port.empty() || std::stoi(std::string(port)) <= 65535;
}

// host [":" port], where host is a reg-name, an IPv4 address or an IP-literal "[...]".
// User info ("user:pass@host") is refused, as RFC 9110 4.2.4 advises for http(s) URIs.
bool is_authority(std::string_view authority) {
  if (authority.empty()) return false;
  std::string_view host = authority;
  std::string_view port;
  if (authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    for (char c : authority.substr(1, close - 1)) {
      if (!(is_alpha(c) || is_digit(c) || c == ':' || c == '.')) return false;
    }
    auto rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return false;
    return rest.empty() || is_port(rest.substr(1));
  }
  if (auto colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (!is_port(port)) return false;
  }
  if (host.empty()) return false;  // "http://:80/" has no host (RFC 9110 4.2.1)
  for (char c : host) {
    if (!is_host_char(c)) return false;
  }
  return true;
}

bool starts_with_scheme(std::string_view target, std::string_view scheme) {
  if (target.size() < scheme.size() + 3) return false;
  return iequals(target.substr(0, scheme.size()), scheme) && target.substr(scheme.size(), 3) == "://";
}

// "path?query" (path empty or starting with '/') into its parts.
void split_path_query(std::string_view rest, TargetParts& parts) {
  auto question = rest.find('?');
  parts.path = std::string(rest.substr(0, question));
  if (question != std::string_view::npos) parts.query = std::string(rest.substr(question + 1));
}

}  // namespace

std::optional<TargetParts> split_target(Method method, std::string_view target) {
  TargetParts parts;
  if (!target.empty() && target.front() == '/') {
    split_path_query(target, parts);
    return parts;
  }
  if (target == "*") {
    if (method != Method::options) return std::nullopt;
    parts.path = "*";
    return parts;
  }
  std::string_view rest;
  if (starts_with_scheme(target, "http")) {
    rest = target.substr(7);
  } else if (starts_with_scheme(target, "https")) {
    rest = target.substr(8);
  } else {
    return std::nullopt;
  }
  // A fragment is never part of a request-target (RFC 9112 3.2).
  if (rest.find('#') != std::string_view::npos) return std::nullopt;
  const auto authority_end = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, authority_end);
  if (!is_authority(authority)) return std::nullopt;
  parts.authority = std::string(authority);
  split_path_query(authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end), parts);
  // "http://host" and "http://host?q" name the root (RFC 9110 4.2.3).
  if (parts.path.empty()) parts.path = "/";
  return parts;
}

}  // namespace eventd::http
