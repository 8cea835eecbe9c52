#pragma once
// CORS for the separate web frontend: only the configured origins get access.
#include <optional>
#include <string>
#include <vector>

#include "http/message.hpp"

namespace eventd::http {

class CorsPolicy {
 public:
  explicit CorsPolicy(std::vector<std::string> origins) : origins_(std::move(origins)) {}

  bool allows(std::string_view origin) const;
  // Adds Access-Control-* headers to an actual response when the origin is allowed.
  void decorate(const Request& request, Response& response) const;
  // Answers an OPTIONS request (preflight or plain) for a path whose routes allow `methods`.
  Response options(const Request& request, const std::vector<Method>& methods) const;

 private:
  std::vector<std::string> origins_;
};

}  // namespace eventd::http
