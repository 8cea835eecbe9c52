#include "http/problem.hpp"

#include <nlohmann/json.hpp>

#include "http/language.hpp"
#include "pages/catalogue.hpp"

namespace eventd::http {

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

std::string problem_type(std::string_view public_url, domain::Problem kind) {
  return std::string(public_url) + "/problems/" + std::string(domain::info_of(kind).slug);
}

ProblemContext problem_context(const Request& request, std::string_view public_url) {
  return ProblemContext{public_url, preferred_language(request)};
}

Response problem(const domain::Error& error, const ProblemContext& where) {
  const pages::Language language = pages::language_of(where.language);
  const int status = error.status();
  nlohmann::json body = {
      {"type", problem_type(where.public_url, error.kind())},
      {"title", pages::problem_title(error.kind(), language)},
      {"status", status},
      {"detail", pages::problem_detail(error, language)},
  };
  if (!error.fields().empty()) {
    auto& list = body["errors"] = nlohmann::json::array();
    for (const auto& e : error.fields()) {
      nlohmann::json item = {
          {"field", e.field}, {"code", std::string(e.code.name())}, {"message", pages::field_message(e, language)}};
      if (!e.params.empty()) item["params"] = e.params;
      list.push_back(std::move(item));
    }
  }
  Response response;
  response.status = status;
  response.headers.set("Content-Type", "application/problem+json");
  response.headers.set("Content-Language", std::string(pages::code_of(language)));
  // Replacement instead of an exception: a detail quoting invalid UTF-8 must not fail here.
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (status == 401) response.headers.set("WWW-Authenticate", "Bearer");
  // The contract promises clients when to come back (openapi.yaml, ServiceUnavailable).
  if (status == 503 || status == 429) {
    response.headers.set("Retry-After", std::to_string(error.retry_after_s().value_or(retry_after_seconds)));
  }
  return response;
}

}  // namespace eventd::http
