// I/O-free parts of registrations: seats, the window, the token bucket, client addresses
// behind proxies, the CSV export and the derived/sealed secrets.
#include <doctest/doctest.h>

#include <set>

#include "domain/registration.hpp"
#include "http/client_address.hpp"
#include "http/dto/registration.hpp"
#include "pages/catalogue.hpp"
#include "services/rate_limiter.hpp"
#include "services/secrets.hpp"

using namespace eventd;
using namespace std::chrono_literals;

namespace {
domain::Instant at(const char* text) { return *domain::parse_rfc3339(text); }

domain::Event fyrbodal_seminar() {
  domain::Event e;
  e.title = "Migration och integration i Fyrbodal";
  e.status = domain::EventStatus::published;
  e.timezone = "Europe/Stockholm";
  e.starts_at = at("2022-11-08T09:00:00+01:00");
  e.ends_at = at("2022-11-08T15:30:00+01:00");
  return e;
}
}  // namespace

TEST_CASE("a status a registration left by itself: only waitlisted to confirmed") {
  using domain::RegistrationStatus;
  CHECK(domain::moves_by_itself(RegistrationStatus::waitlisted, RegistrationStatus::confirmed));
  CHECK_FALSE(domain::moves_by_itself(RegistrationStatus::confirmed, RegistrationStatus::waitlisted));
  CHECK_FALSE(domain::moves_by_itself(RegistrationStatus::confirmed, RegistrationStatus::cancelled));
  CHECK_FALSE(domain::moves_by_itself(RegistrationStatus::cancelled, RegistrationStatus::confirmed));
  CHECK_FALSE(domain::moves_by_itself(RegistrationStatus::waitlisted, RegistrationStatus::cancelled));
  CHECK_FALSE(domain::moves_by_itself(RegistrationStatus::confirmed, RegistrationStatus::confirmed));
}

TEST_CASE("seats: confirmed while seats are left, then the waitlist or full") {
  using domain::Admission;
  CHECK(domain::admit(std::nullopt, false, 100000) == Admission::confirmed);
  CHECK(domain::admit(10, true, 9) == Admission::confirmed);
  CHECK(domain::admit(10, true, 10) == Admission::waitlisted);
  CHECK(domain::admit(10, false, 10) == Admission::full);
  CHECK(domain::admit(0, false, 0) == Admission::full);

  CHECK(domain::seats_to_promote(12, 10, 5) == 2);
  CHECK(domain::seats_to_promote(20, 10, 5) == 5);
  CHECK(domain::seats_to_promote(std::nullopt, 10, 5) == 5);
  CHECK(domain::seats_to_promote(10, 10, 5) == 0);
  try {
    domain::seats_to_promote(9, 10, 5);
    FAIL("a capacity below the confirmed count is refused");
  } catch (const domain::Error& e) {
    CHECK(e.kind() == domain::Problem::capacity_too_low);
    CHECK(e.status() == 409);
    CHECK(e.detail_params().at("confirmed") == "10");
  }
}

TEST_CASE("the registration window, in the event's zone") {
  auto e = fyrbodal_seminar();
  e.registration_opens_at = at("2022-09-01T08:00:00Z");
  e.registration_closes_at = at("2022-11-01T23:00:00Z");
  const auto not_yet = domain::registration_refusal(e, at("2022-08-31T12:00:00Z"));
  REQUIRE(not_yet.has_value());
  CHECK(not_yet->kind() == domain::Problem::registration_closed);
  CHECK(not_yet->detail_key() == "detail_registration_not_yet_open");
  CHECK(pages::problem_detail(*not_yet, pages::Language::en) == "Registration opens at 2022-09-01T10:00:00+02:00.");
  CHECK(pages::problem_detail(*not_yet, pages::Language::sv) == "Anmälan öppnar 2022-09-01T10:00:00+02:00.");
  CHECK_FALSE(domain::registration_refusal(e, at("2022-10-01T12:00:00Z")).has_value());
  const auto closed = domain::registration_refusal(e, at("2022-11-01T23:00:00Z"));
  REQUIRE(closed.has_value());
  CHECK(closed->detail_key() == "detail_registration_closed_at");
  CHECK(closed->detail_params().at("time") == "2022-11-02T00:00:00+01:00");
  e.registration_closes_at.reset();
  CHECK(domain::registration_refusal(e, at("2022-11-08T14:30:00Z")).value().detail_key() ==
        "detail_registration_event_over");
  e.status = domain::EventStatus::cancelled;
  CHECK(domain::registration_refusal(e, at("2022-10-01T12:00:00Z")).value().detail_key() ==
        "detail_registration_event_cancelled");
}

TEST_CASE("participants: fields are checked together") {
  domain::Participant p{"", "not-an-address", std::string(201, 'x'), "se", std::string(2001, 'x')};
  std::set<std::string> fields;
  for (const auto& e : domain::check_participant(p)) fields.insert(e.field);
  CHECK(fields == std::set<std::string>{"name", "email", "organisation", "country", "needs"});
  CHECK(domain::check_participant({"Göran Pettersson", "goran@example.se", {}, "SE", {}}).empty());
  CHECK(domain::email_identity("Anna.Andersson@Example.SE") == "anna.andersson@example.se");
}

TEST_CASE("rate limiter: a burst, then the steady rate, per client") {
  services::RateLimiter limiter({/*per_minute=*/60, /*burst=*/3, /*max_clients=*/1000});
  const auto t0 = services::RateLimiter::Clock::time_point{} + 1h;
  for (int i = 0; i < 3; ++i) CHECK_FALSE(limiter.take("198.51.100.1", t0).has_value());
  auto wait = limiter.take("198.51.100.1", t0);
  REQUIRE(wait.has_value());
  CHECK(*wait == 1s);
  CHECK_FALSE(limiter.take("198.51.100.2", t0).has_value());       // another client is not affected
  CHECK_FALSE(limiter.take("198.51.100.1", t0 + 1s).has_value());  // one token a second
  CHECK(limiter.take("198.51.100.1", t0 + 1s).has_value());

  services::RateLimiter off({0, 1, 10});
  for (int i = 0; i < 100; ++i) CHECK_FALSE(off.take("x", t0).has_value());
}

TEST_CASE("rate limiter: settling to the shared bucket's level") {
  services::RateLimiter limiter({/*per_minute=*/60, /*burst=*/5, /*max_clients=*/1000});
  const auto t0 = services::RateLimiter::Clock::time_point{} + 1h;
  CHECK_FALSE(limiter.take("198.51.100.1", t0).has_value());  // 4 left here
  // The shared bucket has 0.25 left (other instances took the rest): this one comes down to
  // it and refuses until the next token, 0.75 s away (Retry-After: at least one second).
  auto wait = limiter.settle("198.51.100.1", 0.25, t0);
  REQUIRE(wait.has_value());
  CHECK(*wait == 1s);
  CHECK(limiter.take("198.51.100.1", t0 + 500ms).has_value());
  CHECK_FALSE(limiter.take("198.51.100.1", t0 + 800ms).has_value());  // 0.05 left
  // A higher shared level raises nothing; a level read as negative counts as empty.
  CHECK_FALSE(limiter.settle("198.51.100.1", 4, t0 + 4s).has_value());  // 3.25 here
  CHECK_FALSE(limiter.take("198.51.100.1", t0 + 4s).has_value());
  CHECK(limiter.settle("198.51.100.1", -3, t0 + 4s) == 1s);
  // A client this instance has not seen yet starts from the shared level.
  CHECK(limiter.settle("198.51.100.2", 0, t0) == 1s);
  CHECK(limiter.take("198.51.100.2", t0).has_value());

  services::RateLimiter off({0, 1, 10});
  CHECK_FALSE(off.settle("x", 0, t0).has_value());
}

TEST_CASE("rate limiter: memory stays bounded under a flood of addresses") {
  services::RateLimiter limiter({60, 2, 160});
  const auto t0 = services::RateLimiter::Clock::time_point{} + 1h;
  for (int i = 0; i < 100000; ++i) limiter.take("10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256), t0);
  // A client seen last keeps its bucket: its burst is used up.
  CHECK_FALSE(limiter.take("203.0.113.9", t0).has_value());
  CHECK_FALSE(limiter.take("203.0.113.9", t0).has_value());
  CHECK(limiter.take("203.0.113.9", t0).has_value());
}

TEST_CASE("client address: X-Forwarded-For only from trusted proxies") {
  auto request = [](std::string peer, std::string forwarded) {
    http::Request r;
    r.peer_address = std::move(peer);
    if (!forwarded.empty()) r.headers.set("X-Forwarded-For", std::move(forwarded));
    return r;
  };
  http::TrustedProxies none;
  CHECK(none.client_address(request("192.0.2.10", "203.0.113.7")) == "192.0.2.10");

  http::TrustedProxies proxies(
      {*http::Network::parse("127.0.0.1"), *http::Network::parse("10.0.0.0/8"), *http::Network::parse("::1/128")});
  CHECK(proxies.client_address(request("127.0.0.1", "203.0.113.7")) == "203.0.113.7");
  // The right-most untrusted entry: what the client put on the left is not believed.
  CHECK(proxies.client_address(request("127.0.0.1", "1.2.3.4, 203.0.113.7, 10.1.2.3")) == "203.0.113.7");
  CHECK(proxies.client_address(request("::1", "2001:db8::5")) == "2001:db8::5");
  CHECK(proxies.client_address(request("127.0.0.1", "garbage")) == "127.0.0.1");
  CHECK(proxies.client_address(request("127.0.0.1", "")) == "127.0.0.1");
  CHECK(proxies.client_address(request("192.0.2.10", "203.0.113.7")) == "192.0.2.10");

  CHECK(http::Network::parse("10.0.0.0/8")->contains("10.255.0.1"));
  CHECK_FALSE(http::Network::parse("10.0.0.0/8")->contains("11.0.0.1"));
  CHECK(http::Network::parse("2001:db8::/32")->contains("2001:db8:1::1"));
  CHECK_FALSE(http::Network::parse("2001:db8::/32")->contains("10.0.0.1"));
  CHECK_FALSE(http::Network::parse("10.0.0.0/33").has_value());
  CHECK_FALSE(http::Network::parse("example.org").has_value());
}

TEST_CASE("CSV for spreadsheets: BOM, CRLF, quoting, no formulas") {
  domain::Registration r;
  r.id = "3b0f5c52-8a7e-4d0b-9f0e-4c2a51d7a001";
  r.participant = domain::Participant{"Göran \"Gö\" Pettersson", "goran@example.se", "Uddevalla kommun, IFO", "SE",
                                      "@SUM(A1)\nrad två"};
  const std::string csv = http::dto::registrations_csv({r}, ',');
  CHECK(csv.starts_with("\xEF\xBB\xBFid,status,"));
  CHECK(csv.find("\"Göran \"\"Gö\"\" Pettersson\"") != std::string::npos);
  CHECK(csv.find("\"Uddevalla kommun, IFO\"") != std::string::npos);
  CHECK(csv.find("\"'@SUM(A1)\nrad två\"") != std::string::npos);
  const std::string semicolons = http::dto::registrations_csv({r}, ';');
  CHECK(semicolons.find(";Uddevalla kommun, IFO;") != std::string::npos);
}

TEST_CASE("secrets: derived tokens and sealed answers") {
  const std::string manage = services::new_secret("evm_");
  CHECK(manage.size() == 4 + 43);
  CHECK(services::new_secret("evm_") != manage);
  const auto feed0 = services::derive_secret(manage, "feed:0", "evf_");
  CHECK(feed0 == services::derive_secret(manage, "feed:0", "evf_"));
  CHECK(feed0 != services::derive_secret(manage, "feed:1", "evf_"));
  CHECK(feed0.starts_with("evf_"));

  const auto sealed = services::seal("{\"manage_token\":\"evm_x\"}", "key|body");
  CHECK(sealed.find("evm_x") == std::string::npos);
  CHECK(services::unseal(sealed, "key|body") == std::optional<std::string>("{\"manage_token\":\"evm_x\"}"));
  CHECK_FALSE(services::unseal(sealed, "other key").has_value());
  CHECK_FALSE(services::unseal("zz", "key").has_value());
}
