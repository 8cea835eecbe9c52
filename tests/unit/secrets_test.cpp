// Secrets handed to clients, and keeping them out of logs. No I/O.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "http/log_redaction.hpp"
#include "services/secrets.hpp"

using namespace eventd;

TEST_CASE("secrets: 256 random bits, base64url, never the same twice") {
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    auto secret = services::new_secret("evk_");
    REQUIRE(secret.size() == 4 + 43);  // 32 bytes in unpadded base64url
    CHECK(secret.starts_with("evk_"));
    CHECK(secret.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 4) ==
          std::string::npos);
    CHECK(seen.insert(secret).second);
  }
  // Every position takes many values: the bytes are random, not a counter or a clock.
  for (std::size_t position = 4; position < 4 + 42; ++position) {
    std::set<char> values;
    for (const auto& secret : seen) values.insert(secret[position]);
    CHECK(values.size() > 40);
  }
}

TEST_CASE("secrets: stored as SHA-256, compared in constant time") {
  auto hash = services::secret_hash("evk_example");
  CHECK(hash.size() == 64);
  CHECK(hash == services::secret_hash("evk_example"));
  CHECK(hash != services::secret_hash("evk_examplf"));
  // SHA-256("abc"), FIPS 180-2 appendix B.1
  CHECK(services::secret_hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(services::constant_time_equal(hash, services::secret_hash("evk_example")));
  CHECK_FALSE(services::constant_time_equal(hash, services::secret_hash("evk_other")));
  CHECK_FALSE(services::constant_time_equal("abc", "abcd"));
  CHECK(services::constant_time_equal("", ""));
}

TEST_CASE("logs: secret-shaped path segments are redacted, ids and slugs are kept") {
  const auto token = services::new_secret("evf_");
  CHECK(http::looks_like_secret(token));
  CHECK(http::looks_like_secret(services::new_secret("")));
  CHECK(http::loggable_path("/v1/feeds/" + token + "/calendar.ics") == "/v1/feeds/[redacted]/calendar.ics");
  CHECK(http::loggable_path("/v1/feeds/" + token) == "/v1/feeds/[redacted]");
  CHECK(http::loggable_path("/" + token + "/x") == "/[redacted]/x");
  for (const std::string kept :
       {"/v1/events/0b0f6a64-3c57-4b1c-9c44-2f1b0c2d9a11/sessions",
        "/v1/events/integrationsforum-2020-en-mycket-lang-slug-med-manga-ord",
        "/v1/organisations/lansstyrelsen-vastra-gotaland/calendar.ics", "/", "", "/healthz", "/v1/speakers/Alice"}) {
    CHECK(http::loggable_path(kept) == kept);
  }
}
