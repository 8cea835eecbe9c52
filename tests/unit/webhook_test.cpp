// Webhook delivery's pure parts: Standard Webhooks signatures (against the specification's
// own test vector), the address policy against server-side request forgery, the target URL,
// and the retry schedule.
#include <doctest/doctest.h>

#include "services/webhook_service.hpp"
#include "webhook/address_policy.hpp"
#include "webhook/signature.hpp"

using namespace eventd;

TEST_CASE("webhook signature: the Standard Webhooks test vector") {
  // From the specification's reference libraries.
  const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  CHECK(webhook::sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, R"({"test": 2432232314})") ==
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  // Another body, id or time is another signature.
  CHECK(webhook::sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265331, R"({"test": 2432232314})") !=
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  // Two secrets: both signatures, space-separated, the current one first.
  const std::string other = webhook::new_secret();
  const std::string both =
      webhook::signature_header({other, secret}, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, R"({"test": 2432232314})");
  CHECK(both.ends_with(" v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="));
  CHECK(both.starts_with("v1,"));
}

TEST_CASE("webhook secrets: whsec_ and 32 random bytes; anything else is no secret") {
  const std::string a = webhook::new_secret(), b = webhook::new_secret();
  CHECK(a != b);
  CHECK(a.starts_with("whsec_"));
  CHECK(a.size() == 6 + 44);
  CHECK(webhook::is_valid_secret(a));
  CHECK_FALSE(webhook::is_valid_secret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));        // no prefix
  CHECK_FALSE(webhook::is_valid_secret("whsec_c2hvcnQ="));                          // 5 bytes
  CHECK_FALSE(webhook::is_valid_secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS-"));  // not standard base64
  CHECK_THROWS_AS(webhook::sign("whsec_", "id", 1, "{}"), std::invalid_argument);
}

TEST_CASE("webhook address policy: special ranges are refused unless allowed") {
  const webhook::AddressPolicy none;
  for (const char* address :
       {"127.0.0.1",    "10.0.0.1",    "172.16.5.4",      "192.168.1.1",      "169.254.169.254", "100.64.0.1",
        "0.0.0.0",      "224.0.0.1",   "255.255.255.255", "198.18.0.1",       "192.0.2.1",       "::1",
        "::",           "fe80::1",     "fd00:ec2::254",   "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1",
        "2002:a00:1::", "2001:db8::1", "ff02::1"}) {
    CAPTURE(address);
    CHECK_FALSE(none.refusal(address, true).empty());
  }
  CHECK(none.refusal("169.254.169.254", true) == "169.254.169.254 is a link-local address");
  for (const char* address : {"93.184.216.34", "8.8.8.8", "2a00:1450:4001:80b::200e", "::ffff:93.184.216.34"}) {
    CAPTURE(address);
    CHECK(none.refusal(address, true).empty());
  }
  // Plain http only inside the allowed networks.
  CHECK_FALSE(none.refusal("93.184.216.34", false).empty());
  const auto allowed = webhook::AddressPolicy::parse("127.0.0.0/8, 10.20.0.0/16 ,::1/128");
  CHECK(allowed.refusal("127.0.0.1", false).empty());
  CHECK(allowed.refusal("10.20.3.4", false).empty());
  CHECK_FALSE(allowed.refusal("10.21.0.1", true).empty());
  CHECK(allowed.refusal("::1", true).empty());
  CHECK_FALSE(allowed.refusal("not an address", true).empty());
  CHECK_THROWS_AS(webhook::AddressPolicy::parse("10.0.0.0/33"), std::invalid_argument);
  CHECK_THROWS_AS(webhook::AddressPolicy::parse("localhost"), std::invalid_argument);
  // A /8 is compared on 8 bits, an IPv6 /127 on 127.
  CHECK(webhook::parse_network("10.0.0.0/8")->contains(*webhook::parse_address("10.255.255.255")));
  CHECK_FALSE(webhook::parse_network("10.0.0.0/8")->contains(*webhook::parse_address("11.0.0.0")));
  CHECK(webhook::parse_network("fe80::/127")->contains(*webhook::parse_address("fe80::1")));
  CHECK_FALSE(webhook::parse_network("fe80::/127")->contains(*webhook::parse_address("fe80::2")));
}

TEST_CASE("webhook targets: https or http, a host, a port; no user, no fragment") {
  std::string why;
  auto t = webhook::parse_target("https://crm.example.org/hooks?x=1", why);
  REQUIRE(t);
  CHECK(t->https);
  CHECK(t->host == "crm.example.org");
  CHECK(t->port == 443);
  CHECK_FALSE(t->host_is_address);
  t = webhook::parse_target("http://[::1]:8080/x", why);
  REQUIRE(t);
  CHECK(t->host == "::1");
  CHECK(t->port == 8080);
  CHECK(t->host_is_address);
  for (const char* bad :
       {"ftp://example.org/", "https://user:pw@example.org/", "https://example.org/#top", "https://example.org:0/",
        "https://example.org:99999/", "https://exämple.org/", "https:///x", "https://[::1/"}) {
    CAPTURE(bad);
    CHECK_FALSE(webhook::parse_target(bad, why));
    CHECK_FALSE(why.empty());
  }
}

TEST_CASE("webhook retries: about three days on the specification's schedule, Retry-After honoured") {
  using namespace std::chrono;
  const milliseconds unit{5000};
  CHECK(*services::webhook_retry_delay(unit, 1, std::nullopt, 0.0) == seconds(5));
  CHECK(*services::webhook_retry_delay(unit, 2, std::nullopt, 0.0) == minutes(5));
  CHECK(*services::webhook_retry_delay(unit, 9, std::nullopt, 0.0) == hours(24));
  CHECK_FALSE(services::webhook_retry_delay(unit, 10, std::nullopt, 0.0));
  milliseconds total{0};
  for (int attempt = 1; attempt <= 9; ++attempt)
    total += *services::webhook_retry_delay(unit, attempt, std::nullopt, 0);
  CHECK(total > hours(72));
  CHECK(total < hours(80));
  // Jitter adds up to a tenth.
  CHECK(*services::webhook_retry_delay(unit, 2, std::nullopt, 1.0) == seconds(330));
  // A receiver asking for longer gets it, up to a day.
  CHECK(*services::webhook_retry_delay(unit, 1, seconds(120), 0.0) == seconds(120));
  CHECK(*services::webhook_retry_delay(unit, 1, hours(48), 0.0) == hours(24));
}
