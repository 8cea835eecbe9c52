// The per-address limit of public writes holds across instances (schema/027, services/
// shared_rate_limiter.hpp): two instances over one database allow a client `burst` in all; a
// client the shared bucket refused is refused by the instance alone, with no statement; the
// limit off asks nothing; a shared bucket that cannot be asked leaves the instance's own; full
// buckets are swept away.
#include <doctest/doctest.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "db/pool.hpp"
#include "support/test_server.hpp"

using namespace eventd::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

std::string quoted(const std::string& text) { return "$q$" + text + "$q$"; }

// A published seminar to come with room for everyone, by SQL.
void make_event(TestDatabase& db) {
  db.exec("INSERT INTO organisations (slug, name, kind) VALUES ('fyrbodal', " + quoted("Fyrbodals kommunalförbund") +
          ", 'region')");
  db.exec(
      "INSERT INTO events (slug, title, kind, format, status, timezone, starts_at, ends_at, venue_city, "
      "venue_country, capacity, waitlist, organiser_id) VALUES ('seminarium', " +
      quoted("Migration och integration i Fyrbodal") +
      ", 'seminar', 'in_person', 'published', 'Europe/Stockholm', '2035-11-08T08:00:00Z', "
      "'2035-11-08T14:30:00Z', " +
      quoted("Vänersborg") + ", 'SE', 1000, true, (SELECT id FROM organisations WHERE slug = 'fyrbodal'))");
}

HttpResponse sign_up(TestServer& server, int i) {
  const json body = {{"name", "Deltagare " + std::to_string(i)},
                     {"email", "deltagare" + std::to_string(i) + "@example.se"},
                     {"consent", true}};
  return server.request("POST", "/v1/events/seminarium/registrations", body.dump(),
                        {{"Content-Type", "application/json"}});
}

long long metric(TestServer& server, const std::string& name) {
  const long long value = server.metric(name);
  REQUIRE(value >= 0);
  return value;
}

void check_limited(const HttpResponse& r) {
  CHECK(r.status == 429);
  CHECK(r.header("Content-Type") == "application/problem+json");
  CHECK(r.json()["type"].get<std::string>().ends_with("/problems/rate-limited"));
  const int retry = std::stoi(r.header("Retry-After"));
  CHECK(retry >= 1);
  CHECK(retry <= 60);  // one token a minute
}

ServerSettings limited(std::string burst) {
  ServerSettings settings;
  settings.rate_limit_per_minute = "1";
  settings.rate_limit_burst = std::move(burst);
  return settings;
}

}  // namespace

TEST_CASE("rate limit: two instances over one database allow one address `burst` public writes in all") {
  TestServer a(limited("5"));
  TestServer b(a.database(), limited("5"));
  make_event(a.database());
  int allowed = 0;
  for (int i = 0; i < 12; ++i) {
    auto r = sign_up(i % 2 == 0 ? a : b, i);
    if (r.status == 429) {
      check_limited(r);
    } else {
      CHECK(r.status == 201);
      ++allowed;
    }
  }
  CHECK(allowed == 5);  // not 5 per instance
  CHECK(a.database().scalar("SELECT count(*) FROM registrations") == "5");

  // Each instance asked the shared bucket until it refused, then refuses alone: more
  // requests make no statement at all.
  const long long checks =
      metric(a, "eventd_rate_limit_shared_checks_total") + metric(b, "eventd_rate_limit_shared_checks_total");
  CHECK(checks <= 7);  // 5 taken, and at most one refusal for each instance
  const long long local =
      metric(a, "eventd_rate_limit_local_refusals_total") + metric(b, "eventd_rate_limit_local_refusals_total");
  for (int i = 12; i < 20; ++i) check_limited(sign_up(i % 2 == 0 ? a : b, i));
  CHECK(metric(a, "eventd_rate_limit_shared_checks_total") + metric(b, "eventd_rate_limit_shared_checks_total") ==
        checks);
  CHECK(metric(a, "eventd_rate_limit_local_refusals_total") + metric(b, "eventd_rate_limit_local_refusals_total") ==
        local + 8);
  CHECK(metric(a, "eventd_rate_limit_shared_failures_total") == 0);
  CHECK(metric(b, "eventd_rate_limit_shared_failures_total") == 0);
}

TEST_CASE("rate limit: public writes arriving at once on two instances get `burst` in all") {
  TestServer a(limited("5"));
  TestServer b(a.database(), limited("5"));
  make_event(a.database());
  constexpr int kClients = 40;
  std::vector<int> statuses(kClients);
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      statuses[i] = sign_up(i % 2 == 0 ? a : b, i).status;
    });
  }
  go = true;
  for (auto& thread : threads) thread.join();
  int created = 0, limited_count = 0;
  for (int status : statuses) {
    created += status == 201;
    limited_count += status == 429;
  }
  CHECK(created == 5);
  CHECK(limited_count == kClients - 5);
  CHECK(a.database().scalar("SELECT count(*) FROM registrations") == "5");
}

TEST_CASE("rate limit: a client the shared bucket refused is refused by the instance with no statement") {
  TestServer a(limited("3"));
  TestServer b(a.database(), limited("3"));
  make_event(a.database());
  for (int i = 0; i < 3; ++i) REQUIRE(sign_up(a, i).status == 201);
  // b's own bucket is full, the shared one empty: b asks once and is refused.
  auto refused = sign_up(b, 3);
  check_limited(refused);
  CHECK(metric(b, "eventd_rate_limit_shared_checks_total") == 1);
  CHECK(metric(b, "eventd_rate_limit_shared_refusals_total") == 1);
  // Then b refuses by itself, with the same wait, until the next token is due.
  for (int i = 4; i < 9; ++i) {
    auto again = sign_up(b, i);
    check_limited(again);
    CHECK(std::stoi(again.header("Retry-After")) <= std::stoi(refused.header("Retry-After")));
  }
  CHECK(metric(b, "eventd_rate_limit_shared_checks_total") == 1);
  CHECK(metric(b, "eventd_rate_limit_local_refusals_total") == 5);
  // a, which took the last token, knew the bucket was empty: it asks nothing either.
  check_limited(sign_up(a, 9));
  CHECK(metric(a, "eventd_rate_limit_shared_checks_total") == 3);
  CHECK(a.database().scalar("SELECT count(*) FROM registrations") == "3");
  // Another address has its own bucket.
  ServerSettings proxied = limited("3");
  proxied.trusted_proxies = "127.0.0.1/32";
  TestServer c(a.database(), proxied);
  CHECK(c.request("POST", "/v1/events/seminarium/registrations",
                  json{{"name", "Ny"}, {"email", "ny@example.se"}, {"consent", true}}.dump(),
                  {{"Content-Type", "application/json"}, {"X-Forwarded-For", "198.51.100.7"}})
            .status == 201);
  CHECK(a.database().scalar("SELECT string_agg(client, ',' ORDER BY client) FROM rate_limit_buckets") ==
        "127.0.0.1,198.51.100.7");
}

TEST_CASE("rate limit: off, public writes ask nothing of the shared bucket") {
  TestServer server;  // the tests' default: no limit
  make_event(server.database());
  for (int i = 0; i < 3; ++i) REQUIRE(sign_up(server, i).status == 201);
  CHECK(metric(server, "eventd_rate_limit_shared_checks_total") == 0);
  CHECK(server.database().scalar("SELECT count(*) FROM rate_limit_buckets") == "0");
}

TEST_CASE("rate limit: when the shared bucket cannot be asked, the instance's own bucket decides") {
  TestServer server(limited("2"));
  make_event(server.database());
  // Not an outage: the statement fails (as it would with the database out of reach), the
  // request goes on, and this instance's bucket still limits the client.
  server.database().exec("DROP TABLE rate_limit_buckets");
  CHECK(sign_up(server, 0).status == 201);
  CHECK(sign_up(server, 1).status == 201);
  check_limited(sign_up(server, 2));
  CHECK(metric(server, "eventd_rate_limit_shared_failures_total") == 2);
  CHECK(metric(server, "eventd_rate_limit_local_refusals_total") == 1);
}

TEST_CASE("rate limit: a shared bucket too slow to answer leaves the instance's own bucket to decide") {
  ServerSettings settings = limited("2");
  settings.statement_timeout_ms = "500";
  TestServer server(settings);
  make_event(server.database());
  // The table held by another transaction: the bucket statement runs into the statement
  // timeout (the database counts as out of reach, 503 for anything else), and the public
  // write goes on, limited by this instance alone.
  soci::session holder(*soci::factory_postgresql(), eventd::db::keyword_conninfo(server.database().url()));
  holder << "BEGIN";
  holder << "LOCK TABLE rate_limit_buckets IN ACCESS EXCLUSIVE MODE";
  CHECK(sign_up(server, 0).status == 201);
  CHECK(sign_up(server, 1).status == 201);
  check_limited(sign_up(server, 2));
  holder << "COMMIT";
  CHECK(metric(server, "eventd_rate_limit_shared_failures_total") == 2);
  CHECK(metric(server, "eventd_rate_limit_shared_checks_total") == 2);
  CHECK(metric(server, "eventd_rate_limit_local_refusals_total") == 1);
  CHECK(server.database().scalar("SELECT count(*) FROM registrations") == "2");
}

TEST_CASE("rate limit: the retention sweep deletes the buckets that have refilled") {
  ServerSettings settings;
  settings.rate_limit_per_minute = "60";  // full again a second after a take
  settings.rate_limit_burst = "1";
  settings.retention_sweep_s = "1";
  TestServer server(settings);
  make_event(server.database());
  REQUIRE(sign_up(server, 0).status == 201);
  std::string left = server.database().scalar("SELECT count(*) FROM rate_limit_buckets");
  CHECK(left == "1");  // not full yet: kept
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (left != "0" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
    left = server.database().scalar("SELECT count(*) FROM rate_limit_buckets");
  }
  CHECK(left == "0");
}
