#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "http/problem.hpp"

using namespace eventd;

TEST_CASE("domain errors map to their status and problem+json body") {
  CHECK(http::status_for(domain::ErrorCode::not_found) == 404);
  CHECK(http::status_for(domain::ErrorCode::conflict) == 409);
  CHECK(http::status_for(domain::ErrorCode::validation) == 422);
  CHECK(http::status_for(domain::ErrorCode::precondition_failed) == 412);
  CHECK(http::status_for(domain::ErrorCode::unavailable) == 503);

  auto response = http::problem(domain::validation({{"venue.city", "is required"}}));
  CHECK(response.status == 422);
  CHECK(response.headers.get("Content-Type") == "application/problem+json");
  auto body = nlohmann::json::parse(response.body);
  CHECK(body["status"] == 422);
  CHECK(body["title"] == "Unprocessable Content");
  CHECK(body["errors"][0]["field"] == "venue.city");
  CHECK(body.contains("type"));
  CHECK(body.contains("detail"));
}

TEST_CASE("a detail with invalid UTF-8 still gives valid JSON") {
  auto response = http::problem(400, std::string("bad byte \xff here"));
  CHECK(nlohmann::json::accept(response.body));
}

TEST_CASE("401 asks for a bearer token") {
  auto response = http::problem(domain::Error(domain::ErrorCode::unauthorized, "no key"));
  CHECK(response.headers.get("WWW-Authenticate") == "Bearer");
}

TEST_CASE("503 and 429 say when to retry") {
  CHECK(http::problem(domain::Error(domain::ErrorCode::unavailable, "down")).headers.get("Retry-After") == "5");
  CHECK(http::problem(429, "slow down").headers.get("Retry-After") == "5");
  CHECK(!http::problem(404, "no").headers.get("Retry-After"));
}
