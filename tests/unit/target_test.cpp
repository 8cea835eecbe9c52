// The request-target forms of RFC 9112 3.2 (http/target.hpp).
#include <doctest/doctest.h>

#include "http/target.hpp"

using namespace eventd::http;

TEST_CASE("origin-form is split at the first '?'") {
  auto parts = split_target(Method::get, "/v1/events?limit=2&q=a?b");
  REQUIRE(parts);
  CHECK(parts->path == "/v1/events");
  CHECK(parts->query == "limit=2&q=a?b");
  CHECK(parts->authority.empty());
  CHECK(split_target(Method::get, "/")->path == "/");
}

TEST_CASE("absolute-form is its path and query, with the authority apart") {
  auto parts = split_target(Method::get, "http://events.example:8080/v1/events?limit=2");
  REQUIRE(parts);
  CHECK(parts->path == "/v1/events");
  CHECK(parts->query == "limit=2");
  CHECK(parts->authority == "events.example:8080");

  SUBCASE("https and any case of the scheme") {
    auto secure = split_target(Method::post, "HTTPS://events.example/v1/events");
    REQUIRE(secure);
    CHECK(secure->path == "/v1/events");
    CHECK(secure->query.empty());
    CHECK(secure->authority == "events.example");
    CHECK(split_target(Method::get, "hTtP://127.0.0.1/healthz")->path == "/healthz");
  }
  SUBCASE("an empty path is the root") {
    CHECK(split_target(Method::get, "http://events.example")->path == "/");
    auto query_only = split_target(Method::get, "http://events.example?x=1");
    REQUIRE(query_only);
    CHECK(query_only->path == "/");
    CHECK(query_only->query == "x=1");
  }
  SUBCASE("IP literals and ports") {
    CHECK(split_target(Method::get, "http://[::1]:8080/healthz")->authority == "[::1]:8080");
    CHECK(split_target(Method::get, "http://10.0.0.1:65535/healthz"));
    CHECK(split_target(Method::get, "http://events.example:/healthz"));  // empty port: the default
  }
}

TEST_CASE("targets of no usable form are refused") {
  // authority-form belongs to CONNECT, which this server does not serve
  CHECK_FALSE(split_target(Method::get, "events.example:443"));
  CHECK_FALSE(split_target(Method::other, "events.example:443"));
  // asterisk-form only for OPTIONS
  CHECK_FALSE(split_target(Method::get, "*"));
  auto asterisk = split_target(Method::options, "*");
  REQUIRE(asterisk);
  CHECK(asterisk->path == "*");
  // garbage, other schemes, malformed absolute URLs
  CHECK_FALSE(split_target(Method::get, ""));
  CHECK_FALSE(split_target(Method::get, "healthz"));
  CHECK_FALSE(split_target(Method::get, "ftp://events.example/healthz"));
  CHECK_FALSE(split_target(Method::get, "http:/events.example/healthz"));
  CHECK_FALSE(split_target(Method::get, "http://"));
  CHECK_FALSE(split_target(Method::get, "http:///healthz"));
  CHECK_FALSE(split_target(Method::get, "http://:80/healthz"));
  CHECK_FALSE(split_target(Method::get, "http://events.example:99999/healthz"));
  CHECK_FALSE(split_target(Method::get, "http://events.example:8o/healthz"));
  CHECK_FALSE(split_target(Method::get, "http://[::1/healthz"));
  CHECK_FALSE(split_target(Method::get, "http://events.example/healthz#top"));
  CHECK_FALSE(split_target(Method::get, "http://ev<ents.example/healthz"));
  // user info: a password would end up in logs and proxies
  CHECK_FALSE(split_target(Method::get, "http://user:secret@events.example/healthz"));
}
