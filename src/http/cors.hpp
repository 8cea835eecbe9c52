#pragma once
// CORS for the separate web frontend: only the configured origins get access.
#include <optional>
#include <string>
#include <vector>

#include "domain/error.hpp"
#include "http/message.hpp"

namespace eventd::http {

class CorsPolicy {
 public:
  explicit CorsPolicy(std::vector<std::string> origins) : origins_(std::move(origins)) {}

  bool allows(std::string_view origin) const;
  // Adds Access-Control-* headers to an actual response when the origin is allowed.
  void decorate(const Request& request, Response& response) const;
  // A preflight from an origin that is not allowed: refused (403).
  std::optional<domain::Error> refusal(const Request& request) const;
  // Answers an OPTIONS request (plain, or a preflight refusal() let through) for a path
  // whose routes allow `methods`.
  Response options(const Request& request, const std::vector<Method>& methods) const;

 private:
  std::vector<std::string> origins_;
};

}  // namespace eventd::http
