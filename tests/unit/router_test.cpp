#include <doctest/doctest.h>

#include "http/router.hpp"

using namespace eventd::http;

namespace {
boost::asio::awaitable<Response> noop(RequestContext&) { co_return Response{}; }

Router sample_router() {
  Router router;
  router.add(Method::get, "/v1/events", noop);
  router.add(Method::post, "/v1/events", noop);
  router.add(Method::get, "/v1/events/{id}", noop);
  router.add(Method::patch, "/v1/events/{id}", noop);
  router.add(Method::post, "/v1/events/import", noop);
  router.add(Method::get, "/v1/events/{id}/sessions/{session_id}", noop);
  return router;
}
}  // namespace

TEST_CASE("router matches literal paths and fills parameters") {
  Router router = sample_router();
  auto match = router.match(Method::get, "/v1/events/integrationsforum-2020/sessions/abc");
  REQUIRE(match.route != nullptr);
  CHECK(match.route->pattern == "/v1/events/{id}/sessions/{session_id}");
  CHECK(match.params.at("id") == "integrationsforum-2020");
  CHECK(match.params.at("session_id") == "abc");
}

TEST_CASE("a literal segment wins over a parameter") {
  Router router = sample_router();
  auto match = router.match(Method::post, "/v1/events/import");
  REQUIRE(match.route != nullptr);
  CHECK(match.route->pattern == "/v1/events/import");
}

TEST_CASE("wrong method gives the allowed methods, unknown path gives none") {
  Router router = sample_router();
  auto match = router.match(Method::delete_, "/v1/events");
  CHECK(match.route == nullptr);
  CHECK(match.allowed.size() == 2);
  CHECK(allow_header(match.allowed) == "GET, POST, HEAD, OPTIONS");

  auto none = router.match(Method::get, "/v1/nothing");
  CHECK(none.route == nullptr);
  CHECK(none.allowed.empty());
  CHECK(router.match(Method::get, "/v1/events/").route == nullptr);  // empty id
  CHECK(router.match(Method::get, "").route == nullptr);
}

TEST_CASE("HEAD is served by the GET route") {
  Router router = sample_router();
  auto match = router.match(Method::head, "/v1/events/x");
  REQUIRE(match.route != nullptr);
  CHECK(match.route->method == Method::get);
}

TEST_CASE("path parameters are percent-decoded, malformed escapes flagged") {
  Router router = sample_router();
  auto match = router.match(Method::get, "/v1/events/%C3%B6stersund");
  REQUIRE(match.route != nullptr);
  CHECK(match.params.at("id") == "\xC3\xB6stersund");
  CHECK(router.match(Method::get, "/v1/events/%G1").bad_path);
  CHECK(router.match(Method::get, "/v1/events/%4").bad_path);
}

TEST_CASE("a route matches only when all its literals do, wherever its parameters are") {
  Router router = sample_router();
  auto other = router.match(Method::get, "/v1/events/x/speakers/y");
  CHECK(other.route == nullptr);
  CHECK(other.allowed.empty());
  CHECK_FALSE(other.bad_path);
  auto match = router.match(Method::get, "/v1/events/a%20b/sessions/c");
  REQUIRE(match.route != nullptr);
  CHECK(match.params.size() == 2);
  CHECK(match.params.at("id") == "a b");
  CHECK(router.match(Method::get, "/v1/events/x/sessions/").route == nullptr);  // empty session id
}
