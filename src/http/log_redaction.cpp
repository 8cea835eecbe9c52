#include "http/log_redaction.hpp"

namespace eventd::http {

namespace {
bool is_base64url(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}
}  // namespace

bool looks_like_secret(std::string_view segment) {
  if (segment.size() < 32) return false;
  bool upper_or_underscore = false;
  for (char c : segment) {
    if (!is_base64url(c)) return false;
    if ((c >= 'A' && c <= 'Z') || c == '_') upper_or_underscore = true;
  }
  return upper_or_underscore;
}

std::string loggable_path(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  while (!path.empty()) {
    auto slash = path.find('/');
    std::string_view segment = path.substr(0, slash);
    out += looks_like_secret(segment) ? std::string_view("[redacted]") : segment;
    if (slash == std::string_view::npos) break;
    out += '/';
    path.remove_prefix(slash + 1);
  }
  return out;
}

}  // namespace eventd::http
