// The rendered-feed cache over real HTTP and PostgreSQL, with two eventd instances sharing
// one database: a change made through one instance (or in SQL) reaches the other's cached
// feeds through LISTEN/NOTIFY; an instance sees its own changes at once; while an instance
// cannot listen, it renders every feed afresh instead of serving what may be stale.
#include <doctest/doctest.h>

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>

#include "db/pool.hpp"
#include "support/test_server.hpp"

namespace {

using namespace std::chrono_literals;
using eventd::test::HeaderList;
using eventd::test::HttpResponse;
using eventd::test::TestDatabase;
using eventd::test::TestServer;
using nlohmann::json;

json read_example(const std::string& relative) {
  std::ifstream in(std::string(EVENTD_SOURCE_DIR "/api/examples/") + relative);
  REQUIRE(in.good());
  std::stringstream buffer;
  buffer << in.rdbuf();
  return json::parse(buffer.str());
}

// A counter or gauge from /metrics (-1 when absent).
long long metric(TestServer& server, const std::string& name) {
  REQUIRE(server.get("/metrics").status == 200);
  return server.metric(name);
}

// Polls `done` for up to `limit`; returns how long it took, or nullopt.
std::optional<std::chrono::milliseconds> within(std::chrono::milliseconds limit, const std::function<bool()>& done) {
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    if (done()) return elapsed;
    if (elapsed > limit) return std::nullopt;
    std::this_thread::sleep_for(5ms);
  }
}

void as_superuser(const std::string& sql) {
  soci::session admin(*soci::factory_postgresql(), eventd::db::keyword_conninfo(eventd::test::maintenance_url()));
  admin << sql;
}

struct TwoInstances {
  TestServer a;
  TestServer b{a.database()};
  std::string admin = a.settings().admin_key;
  std::string event_id;
  const std::string feed = "/v1/events/integrationsforum-2020/calendar.ics";

  TwoInstances() {
    for (const auto& o : read_example("organisations.json")) {
      auto r = a.request("POST", "/v1/organisations", o.dump(), auth());
      REQUIRE_MESSAGE(r.status == 201, r.body);
    }
    auto file = read_example("events/integrationsforum-2020.json");
    auto created = a.request("POST", "/v1/events", file["event"].dump(), auth());
    REQUIRE_MESSAGE(created.status == 201, created.body);
    event_id = created.json()["id"];
    // Both instances listen once they have started; wait for that, not for luck.
    REQUIRE(within(5s, [&] { return metric(a, "eventd_feed_cache_enabled") == 1; }));
    REQUIRE(within(5s, [&] { return metric(b, "eventd_feed_cache_enabled") == 1; }));
  }

  HeaderList auth() const { return {{"Authorization", "Bearer " + admin}}; }

  HttpResponse patch(TestServer& server, const json& patch) {
    auto r = server.request("PATCH", "/v1/events/integrationsforum-2020", patch.dump(),
                            {{"Authorization", "Bearer " + admin}, {"Content-Type", "application/merge-patch+json"}});
    REQUIRE_MESSAGE(r.status == 200, r.body);
    return r;
  }

  HttpResponse get_feed(TestServer& server, const std::string& target, const HeaderList& headers = {}) {
    auto r = server.get(target, headers);
    REQUIRE_MESSAGE((r.status == 200 || r.status == 304), target << ": " << r.status << " " << r.body);
    return r;
  }

  bool shows(TestServer& server, const std::string& target, const std::string& text) {
    return get_feed(server, target).body.find(text) != std::string::npos;
  }
};

}  // namespace

TEST_CASE_FIXTURE(TwoInstances, "feed cache: a change through one instance reaches the other's cached feeds") {
  // B renders the feeds once, then answers from its cache. (A rendering that overlaps a
  // notification, such as those of the set-up's changes, is not kept: hence "within".)
  auto first = get_feed(b, feed);
  auto cached = [&](const std::string& target) {
    return within(1000ms, [&] {
      const auto hits = metric(b, "eventd_feed_cache_hits_total");
      get_feed(b, target);
      return metric(b, "eventd_feed_cache_hits_total") == hits + 1;
    });
  };
  REQUIRE(cached(feed));
  REQUIRE(cached("/v1/calendar.ics"));
  REQUIRE(cached("/v1/organisations/lansstyrelsen-vastra-gotaland/calendar.ics"));
  auto second = get_feed(b, feed);
  CHECK(second.body == first.body);
  CHECK(second.header("ETag") == first.header("ETag"));
  CHECK(get_feed(b, feed, {{"If-None-Match", first.header("ETag")}}).status == 304);

  // Through A: a new title. B's cached event feed and list feeds follow within a second.
  patch(a, {{"title", "Integrationsforum 2020 (flyttat)"}});
  auto took = within(1000ms, [&] { return shows(b, feed, "Integrationsforum 2020 (flyttat)"); });
  REQUIRE_MESSAGE(took, "B still served the old feed a second after the change");
  MESSAGE("B's event feed changed " << took->count() << " ms after A's answer");
  CHECK(within(1000ms, [&] { return shows(b, "/v1/calendar.ics", "Integrationsforum 2020 (flyttat)"); }));
  CHECK(within(1000ms, [&] {
    return shows(b, "/v1/organisations/lansstyrelsen-vastra-gotaland/calendar.ics", "Integrationsforum 2020 (flyttat)");
  }));
  auto changed = get_feed(b, feed);
  CHECK(changed.header("ETag") != first.header("ETag"));
  CHECK(get_feed(b, feed, {{"If-None-Match", first.header("ETag")}}).status == 200);

  // A programme item added through A appears in B's feed of the event.
  auto file = read_example("events/integrationsforum-2020.json");
  auto session = file["sessions"][0];
  session["title"] = "Extra pass om samverkan";
  auto added = a.request("POST", "/v1/events/integrationsforum-2020/sessions", session.dump(), auth());
  REQUIRE_MESSAGE(added.status == 201, added.body);
  CHECK(within(1000ms, [&] { return shows(b, feed, "Extra pass om samverkan"); }));

  // An organisation's new name and contact address (the ORGANIZER: its CN and address;
  // without an address there is none) reach every cached feed of B.
  auto renamed =
      a.request("PATCH", "/v1/organisations/lansstyrelsen-vastra-gotaland",
                json{{"name", "Länsstyrelsen Västra Götaland"}, {"email", "integration@lansstyrelsen.se"}}.dump(),
                {{"Authorization", "Bearer " + admin}, {"Content-Type", "application/merge-patch+json"}});
  REQUIRE_MESSAGE(renamed.status == 200, renamed.body);
  CHECK(within(1000ms, [&] { return shows(b, feed, "ORGANIZER;CN=Länsstyrelsen Västra Götaland"); }));
}

TEST_CASE_FIXTURE(TwoInstances, "feed cache: an instance sees its own changes at once, with no wait") {
  get_feed(a, feed);
  get_feed(a, "/v1/calendar.ics");
  for (int i = 0; i < 20; ++i) {
    const std::string title = "Integrationsforum 2020 version " + std::to_string(i);
    get_feed(a, feed);  // cached again
    patch(a, {{"title", title}});
    // No polling: the change's own notification reached A's cache before A answered.
    auto body = get_feed(a, feed).body;
    CHECK_MESSAGE(body.find(title) != std::string::npos, body);
    CHECK(get_feed(a, "/v1/calendar.ics").body.find(title) != std::string::npos);
  }
}

TEST_CASE_FIXTURE(TwoInstances, "feed cache: a change made in SQL, by no instance, reaches the cached feeds") {
  get_feed(b, feed);
  get_feed(b, feed);
  a.database().exec("UPDATE events SET title = 'Ändrad direkt i databasen' WHERE slug = 'integrationsforum-2020'");
  CHECK(within(1000ms, [&] { return shows(b, feed, "Ändrad direkt i databasen"); }));
  CHECK(within(1000ms, [&] { return shows(a, feed, "Ändrad direkt i databasen"); }));
}

TEST_CASE_FIXTURE(TwoInstances,
                  "feed cache: while it cannot listen, an instance renders afresh and never serves stale") {
  get_feed(b, feed);
  REQUIRE(within(1000ms, [&] {  // cached in B
    const auto hits = metric(b, "eventd_feed_cache_hits_total");
    get_feed(b, feed);
    return metric(b, "eventd_feed_cache_hits_total") == hits + 1;
  }));
  const std::string database = a.database().name();
  // Keep the listeners from reconnecting (the pools' open connections stay), then cut them.
  struct Reopen {
    std::string database;
    ~Reopen() {
      try {
        as_superuser("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
      } catch (...) {
      }
    }
  } reopen{database};
  as_superuser("ALTER DATABASE " + database + " ALLOW_CONNECTIONS false");
  as_superuser("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database +
               "' AND application_name = 'eventd-listener'");
  REQUIRE(within(5s, [&] { return metric(b, "eventd_feed_cache_enabled") == 0; }));

  // A changes the event; B cannot hear of it, so B must not answer from its cache.
  const auto hits = metric(b, "eventd_feed_cache_hits_total");
  patch(a, {{"title", "Ändrat medan B inte lyssnade"}});
  CHECK(shows(b, feed, "Ändrat medan B inte lyssnade"));
  CHECK(shows(b, feed, "Ändrat medan B inte lyssnade"));
  CHECK(metric(b, "eventd_feed_cache_hits_total") == hits);

  // The listener comes back by itself, and the cache with it.
  as_superuser("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
  REQUIRE(within(10s, [&] { return metric(b, "eventd_feed_cache_enabled") == 1; }));
  CHECK(within(1000ms, [&] {
    const auto hits_after = metric(b, "eventd_feed_cache_hits_total");
    return shows(b, feed, "Ändrat medan B inte lyssnade") &&
           metric(b, "eventd_feed_cache_hits_total") == hits_after + 1;
  }));
  // ... and it hears changes again.
  patch(a, {{"title", "Lyssnar igen"}});
  CHECK(within(1000ms, [&] { return shows(b, feed, "Lyssnar igen"); }));
}
