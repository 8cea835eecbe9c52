#include "http/cors.hpp"

#include <algorithm>

#include "http/router.hpp"

namespace eventd::http {

namespace {
constexpr const char* allowed_request_headers =
    "Authorization, Content-Type, If-Match, If-None-Match, If-Modified-Since, Idempotency-Key, X-Request-Id";
// What a frontend on another origin may read: without this list a browser shows its scripts
// only the CORS-safelisted headers (not even ETag or Location).
constexpr const char* exposed_headers =
    "ETag, Location, Link, Last-Modified, Retry-After, Idempotent-Replayed, Content-Disposition, X-Request-Id, "
    "Content-Language";
}  // namespace

bool CorsPolicy::allows(std::string_view origin) const {
  return std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

void CorsPolicy::decorate(const Request& request, Response& response) const {
  auto origin = request.headers.get("Origin");
  response.headers.add("Vary", "Origin");
  if (!origin || !allows(*origin)) return;
  response.headers.set("Access-Control-Allow-Origin", std::string(*origin));
  response.headers.set("Access-Control-Expose-Headers", exposed_headers);
}

std::optional<domain::Error> CorsPolicy::refusal(const Request& request) const {
  auto origin = request.headers.get("Origin");
  if (!origin || !request.headers.get("Access-Control-Request-Method") || allows(*origin)) return std::nullopt;
  return domain::Error(domain::Problem::origin_not_allowed,
                       domain::detail("origin_not_allowed", {{"origin", std::string(*origin)}}));
}

Response CorsPolicy::options(const Request& request, const std::vector<Method>& methods) const {
  auto origin = request.headers.get("Origin");
  bool preflight = origin && request.headers.get("Access-Control-Request-Method");
  Response response;
  response.status = 204;
  response.headers.set("Allow", allow_header(methods));
  if (preflight) {
    response.headers.set("Access-Control-Allow-Origin", std::string(*origin));
    response.headers.set("Access-Control-Allow-Methods", allow_header(methods));
    response.headers.set("Access-Control-Allow-Headers", allowed_request_headers);
    response.headers.set("Access-Control-Max-Age", "600");
    response.headers.add("Vary", "Origin");
  }
  return response;
}

}  // namespace eventd::http
