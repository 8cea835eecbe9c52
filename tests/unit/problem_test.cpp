#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <set>
#include <string>

#include "domain/error.hpp"
#include "http/problem.hpp"
#include "pages/catalogue.hpp"

using namespace eventd;

namespace {
const http::ProblemContext kEnglish{"https://events.example", "en"};
}  // namespace

TEST_CASE("domain errors map to their status and problem+json body") {
  auto response = http::problem(domain::validation({{"venue.city", domain::FieldCode("required")}}), kEnglish);
  CHECK(response.status == 422);
  CHECK(response.headers.get("Content-Type") == "application/problem+json");
  auto body = nlohmann::json::parse(response.body);
  CHECK(body["status"] == 422);
  CHECK(body["title"] == "Invalid fields");
  CHECK(body["type"] == "https://events.example/problems/validation");
  CHECK(body["errors"][0]["field"] == "venue.city");
  CHECK(body["errors"][0]["code"] == "required");
  CHECK(body["errors"][0]["message"] == "is required");
  CHECK(body.contains("detail"));
}

TEST_CASE("a detail with invalid UTF-8 still gives valid JSON") {
  auto response = http::problem(
      domain::Error(
          domain::Problem::speaker_clash,
          domain::detail(
              "speaker_clash",
              {{"speaker", "bad byte \xff here"}, {"session", "s"}, {"event", "e"}, {"starts", "a"}, {"ends", "b"}})),
      kEnglish);
  CHECK(nlohmann::json::accept(response.body));
}

TEST_CASE("401 asks for a bearer token") {
  auto response = http::problem(domain::Error(domain::Problem::unauthorized, domain::detail("unknown_key")), kEnglish);
  CHECK(response.status == 401);
  CHECK(response.headers.get("WWW-Authenticate") == "Bearer");
}

TEST_CASE("503 and 429 say when to retry") {
  CHECK(http::problem(domain::Error(domain::Problem::unavailable, domain::detail("database_unreachable")), kEnglish)
            .headers.get("Retry-After") == "5");
  CHECK(http::problem(domain::Error(domain::Problem::rate_limited), kEnglish).headers.get("Retry-After") == "5");
  CHECK(!http::problem(domain::not_found("event"), kEnglish).headers.get("Retry-After"));
}

TEST_CASE("every kind of problem has its title, detail and explanation in both languages") {
  for (const auto& info : domain::all_problems()) {
    const std::string stem = domain::catalogue_stem(info.kind);
    for (auto language : {pages::Language::sv, pages::Language::en}) {
      const auto& texts = pages::catalogue(language);
      CAPTURE(stem);
      CAPTURE(pages::code_of(language));
      CHECK(texts.find("problem_" + stem + "_title") != nullptr);
      CHECK(texts.find("problem_" + stem + "_detail") != nullptr);
      CHECK(texts.find("problem_" + stem + "_about") != nullptr);
    }
  }
}

TEST_CASE("the table of problems is in the order of the enum, each with its own slug") {
  std::set<std::string_view> slugs;
  for (std::size_t i = 0; i < domain::all_problems().size(); ++i) {
    const auto kind = static_cast<domain::Problem>(i);
    CHECK(domain::all_problems()[i].kind == kind);
    CHECK(domain::info_of(kind).kind == kind);
    CHECK(domain::problem_of_slug(domain::info_of(kind).slug) == kind);
    CHECK(slugs.insert(domain::info_of(kind).slug).second);
  }
  CHECK(domain::info_of(domain::Problem::event_full).status == 409);
  CHECK(domain::info_of(domain::Problem::precondition_failed).status == 412);
  CHECK(domain::info_of(domain::Problem::idempotency_key_reused).status == 422);
  CHECK(domain::info_of(domain::Problem::link_expired).status == 401);
  CHECK(domain::info_of(domain::Problem::unavailable).status == 503);
}

TEST_CASE("a field error and a detail are told in Swedish or in English") {
  const domain::FieldError too_long{"title", domain::FieldCode("too_long"), {{"max", "300"}}};
  CHECK(pages::field_message(too_long, pages::Language::en) == "must be at most 300 characters");
  CHECK(pages::field_message(too_long, pages::Language::sv) != pages::field_message(too_long, pages::Language::en));
  CHECK(pages::field_message(too_long, pages::Language::sv).find("300") != std::string::npos);

  const domain::Error full(domain::Problem::event_full, domain::detail("event_full", {{"capacity", "40"}}));
  CHECK(pages::problem_detail(full, pages::Language::en) == "The event is full (40 seats taken) and has no waitlist.");
  CHECK(pages::problem_detail(full, pages::Language::sv) != pages::problem_detail(full, pages::Language::en));
  CHECK(pages::problem_detail(full, pages::Language::sv).find("40") != std::string::npos);
  CHECK(pages::problem_detail(domain::not_found("event"), pages::Language::en) == "Event not found");
}
