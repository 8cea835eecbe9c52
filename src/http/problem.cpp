#include "http/problem.hpp"

#include <nlohmann/json.hpp>

namespace eventd::http {

int status_for(domain::ErrorCode code) {
  using enum domain::ErrorCode;
  switch (code) {
    case bad_request:
      return 400;
    case unauthorized:
      return 401;
    case forbidden:
      return 403;
    case not_found:
      return 404;
    case conflict:
      return 409;
    case precondition_failed:
      return 412;
    case payload_too_large:
      return 413;
    case unsupported_media_type:
      return 415;
    case validation:
      return 422;
    case too_many_requests:
      return 429;
    case unavailable:
      return 503;
  }
  return 500;
}

std::string reason_phrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 428:
      return "Precondition Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
  }
  return "Error";
}

Response problem(int status, std::string detail, const std::vector<domain::FieldError>& errors) {
  nlohmann::json body = {
      {"type", "about:blank"},
      {"title", reason_phrase(status)},
      {"status", status},
      {"detail", std::move(detail)},
  };
  if (!errors.empty()) {
    auto& list = body["errors"] = nlohmann::json::array();
    for (const auto& e : errors) list.push_back({{"field", e.field}, {"message", e.message}});
  }
  Response response;
  response.status = status;
  response.headers.set("Content-Type", "application/problem+json");
  // Replacement instead of an exception: a detail quoting invalid UTF-8 must not fail here.
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (status == 401) response.headers.set("WWW-Authenticate", "Bearer");
  // The contract promises clients when to come back (openapi.yaml, ServiceUnavailable).
  if (status == 503 || status == 429) response.headers.set("Retry-After", std::to_string(retry_after_seconds));
  return response;
}

Response problem(const domain::Error& error) {
  Response response = problem(status_for(error.code()), error.detail(), error.fields());
  if (auto seconds = error.retry_after_s()) response.headers.set("Retry-After", std::to_string(*seconds));
  return response;
}

}  // namespace eventd::http
