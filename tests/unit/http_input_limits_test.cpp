// Limits where input enters: JSON bodies (depth, string and name lengths, entries), lists of
// ids, list `limit`, query strings. No I/O.
#include <doctest/doctest.h>

#include <string>

#include "domain/error.hpp"
#include "domain/event_rules.hpp"
#include "http/dto/reader.hpp"
#include "http/json.hpp"
#include "http/pagination.hpp"
#include "http/query.hpp"
#include "pages/catalogue.hpp"

using namespace eventd;
using http::JsonLimits;
using http::parse_json_text;

namespace {

std::string nested_arrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

std::string array_of(std::size_t n, const std::string& item) {
  std::string text = "[";
  for (std::size_t i = 0; i < n; ++i) text += (i ? "," : "") + item;
  return text + "]";
}

std::string object_of(std::size_t n) {
  std::string text = "{";
  for (std::size_t i = 0; i < n; ++i) text += (i ? ",\"m" : "\"m") + std::to_string(i) + "\":1";
  return text + "}";
}

// The detail of the 400 a text is refused with, or "" when it parses.
std::string refusal(const std::string& text, const JsonLimits& limits = {}) {
  try {
    parse_json_text(text, limits);
    return "";
  } catch (const domain::Error& e) {
    CHECK(e.code() == domain::ErrorCode::bad_request);
    return pages::problem_detail(e, pages::Language::en);
  }
}

}  // namespace

TEST_CASE("JSON bodies: nesting depth is bounded") {
  const JsonLimits limits;
  CHECK(refusal(nested_arrays(limits.max_depth)).empty());
  CHECK(refusal(nested_arrays(limits.max_depth + 1)).find("nested more than 32") != std::string::npos);
  CHECK(refusal("{\"a\":" + nested_arrays(limits.max_depth) + "}").find("nested") != std::string::npos);
  // Far beyond the limit, and unbalanced: refused, not a stack overflow.
  CHECK_FALSE(refusal(std::string(500'000, '[')).empty());
  CHECK_FALSE(refusal(std::string(200'000, '{') + "\"a\":1").empty());
}

TEST_CASE("JSON bodies: string values and member names have a length limit") {
  const JsonLimits limits;
  const std::string longest(limits.max_string_bytes, 'x');
  CHECK(refusal("{\"description\":\"" + longest + "\"}").empty());
  CHECK(refusal("{\"description\":\"" + longest + "x\"}").find("longer than 100000 bytes") != std::string::npos);
  CHECK(refusal("[\"" + longest + "x\"]").find("longer than") != std::string::npos);
  CHECK(refusal("\"" + longest + "x\"").find("longer than") != std::string::npos);  // a top-level string too

  const std::string name(limits.max_key_bytes, 'k');
  CHECK(refusal("{\"" + name + "\":1}").empty());
  CHECK(refusal("{\"" + name + "k\":1}").find("member name") != std::string::npos);
}

TEST_CASE("JSON bodies: arrays and objects have an entry limit, counted per container") {
  const JsonLimits limits;
  CHECK(refusal(array_of(limits.max_items, "1")).empty());
  CHECK(refusal(array_of(limits.max_items + 1, "1")).find("more than 1000 entries") != std::string::npos);
  CHECK(refusal(array_of(limits.max_items + 1, "{}")).find("more than 1000") != std::string::npos);
  CHECK(refusal(array_of(limits.max_items + 1, "[]")).find("more than 1000") != std::string::npos);
  CHECK(refusal(object_of(limits.max_items)).empty());
  CHECK(refusal(object_of(limits.max_items + 1)).find("more than 1000") != std::string::npos);
  // Members of nested objects count for their own object, not for the array around them.
  CHECK(refusal(array_of(10, object_of(500))).empty());
  CHECK(refusal("{\"a\":" + array_of(600, "1") + ",\"b\":" + array_of(600, "1") + "}").empty());
}

TEST_CASE("JSON bodies: other limits can be set, and malformed input is still a 400") {
  JsonLimits tight;
  tight.max_depth = 2;
  tight.max_items = 3;
  tight.max_string_bytes = 4;
  CHECK(refusal("[[1]]", tight).empty());
  CHECK_FALSE(refusal("[[[1]]]", tight).empty());
  CHECK_FALSE(refusal("[1,2,3,4]", tight).empty());
  CHECK_FALSE(refusal("[\"abcde\"]", tight).empty());
  CHECK(refusal("{\"a\":").find("not valid JSON") != std::string::npos);
  CHECK(refusal("{\"a\":\"\xC3\"}").find("not valid UTF-8") != std::string::npos);  // truncated UTF-8
  CHECK(refusal("").find("empty") != std::string::npos);
  // A number beyond double's range is malformed input too, not an unexpected error (fuzzing).
  CHECK(refusal("{\"capacity\":1e400}").find("not valid JSON") != std::string::npos);
  CHECK(refusal("[-222222.2e415]").find("not valid JSON") != std::string::npos);
}

TEST_CASE("lists of ids: more than the rule allows is one error, before any id is looked at") {
  nlohmann::json body = {{"partner_ids", nlohmann::json::array()}};
  for (std::size_t i = 0; i <= domain::kMaxPartners; ++i) body["partner_ids"].push_back("org-" + std::to_string(i));
  domain::Validator errors;
  http::dto::ObjectReader reader(body, errors);
  CHECK_FALSE(reader.strings("partner_ids", domain::kMaxPartners).has_value());
  REQUIRE(errors.errors().size() == 1);
  CHECK(errors.errors()[0].field == "partner_ids");
  CHECK(pages::field_message(errors.errors()[0], pages::Language::en) == "must have at most 20 entries");

  body["partner_ids"].erase(body["partner_ids"].size() - 1);
  domain::Validator fine;
  http::dto::ObjectReader exact(body, fine);
  CHECK(exact.strings("partner_ids", domain::kMaxPartners)->size() == domain::kMaxPartners);
  CHECK(fine.ok());
}

TEST_CASE("list limit: 1 to 200, whole numbers only") {
  CHECK(http::read_page(http::Query::parse(""), "/v1/events").limit == 50);
  CHECK(http::read_page(http::Query::parse("limit=200"), "/v1/events").limit == 200);
  CHECK(http::read_page(http::Query::parse("limit=1"), "/v1/events").limit == 1);
  for (const char* bad : {"limit=0", "limit=201", "limit=-1", "limit=1e2", "limit=18446744073709551617",
                          "limit=", "limit=%20 5", "cursor=" /* empty */}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(http::read_page(http::Query::parse(bad), "/v1/events"), domain::Error);
  }
  CHECK_THROWS_AS(http::read_page(http::Query::parse("cursor=" + std::string(600, 'A')), "/v1/events"), domain::Error);
}

TEST_CASE("cursors: bound to the path and the filters they were made with") {
  const auto first = http::read_page(http::Query::parse("status=confirmed"), "/v1/events/a/registrations", {"status"});
  const std::string cursor = http::encode_cursor(first, {"42"});
  auto again = http::read_page(http::Query::parse("status=confirmed&limit=5&cursor=" + cursor),
                               "/v1/events/a/registrations", {"status"});
  REQUIRE(again.after);
  CHECK(*again.after == std::vector<std::string>{"42"});
  CHECK(http::read_seq_cursor(again) == 42);
  // another filter value, a filter dropped, another path: 400
  CHECK_THROWS_AS(http::read_page(http::Query::parse("status=waitlisted&cursor=" + cursor),
                                  "/v1/events/a/registrations", {"status"}),
                  domain::Error);
  CHECK_THROWS_AS(http::read_page(http::Query::parse("cursor=" + cursor), "/v1/events/a/registrations", {"status"}),
                  domain::Error);
  CHECK_THROWS_AS(http::read_page(http::Query::parse("status=confirmed&cursor=" + cursor), "/v1/events/b/registrations",
                                  {"status"}),
                  domain::Error);
}
