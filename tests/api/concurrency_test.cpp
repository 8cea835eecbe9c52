// Many clients at once over more I/O threads than database connections: every request
// crosses from an I/O thread to the database pool and back (services::Database::run). The
// ThreadSanitizer build (tsan_tests) runs these cases; here they check the answers.
#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "authorization_world.hpp"

using namespace eventd::test;
using namespace eventd::test::authz;

namespace {

ServerSettings busy_settings() {
  ServerSettings settings;
  settings.threads = 4;  // I/O threads
  settings.db_pool = 2;  // fewer database connections: requests queue for the pool
  return settings;
}

// Runs `work(client_index)` on `clients` threads at once; returns the failures they saw.
template <class Work>
std::vector<std::string> run_clients(int clients, Work work) {
  std::vector<std::string> failures;
  std::mutex failures_mutex;
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      while (!go) std::this_thread::yield();
      try {
        work(c, [&](const std::string& failure) {
          std::lock_guard lock(failures_mutex);
          failures.push_back(failure);
        });
      } catch (const std::exception& e) {
        std::lock_guard lock(failures_mutex);
        failures.push_back(std::string("exception: ") + e.what());
      }
    });
  }
  go = true;
  for (auto& thread : threads) thread.join();
  return failures;
}

}  // namespace

TEST_CASE("concurrency: reads and writes from many clients, each on its own keep-alive connection") {
  TestServer server(busy_settings());
  World world(server);
  const auto organiser = bearer(world.owner().key);
  const std::string event_id = world.make_event(world.owner(), "published");
  world.make_session(event_id);

  auto failures = run_clients(8, [&](int c, auto fail) {
    HttpClient client(server.port());
    auto expect = [&](const HttpResponse& response, int status, const std::string& what) {
      if (response.status != status) fail(what + ": " + std::to_string(response.status) + " " + response.body);
    };
    for (int i = 0; i < 12; ++i) {
      const std::string slug = "talare-" + std::to_string(c) + "-" + std::to_string(i);
      auto body = world.speaker_body(world.owner());
      body["slug"] = slug;
      auto created = client.request("POST", "/v1/speakers", body.dump(), organiser);
      expect(created, 201, "create " + slug);
      auto read = client.get("/v1/speakers/" + slug, organiser);
      expect(read, 200, "read " + slug);
      auto patched = client.request("PATCH", "/v1/speakers/" + slug, R"({"bio":"Ny biografi."})",
                                    {{"Authorization", organiser[0].second},
                                     {"Content-Type", "application/merge-patch+json"},
                                     {"If-Match", read.header("ETag")}});
      expect(patched, 200, "patch " + slug);
      expect(client.get("/v1/events/" + event_id), 200, "event");
      expect(client.get("/v1/events?limit=5"), 200, "event list");
      expect(client.get("/v1/events/" + event_id + "/calendar.ics"), 200, "feed");
      expect(client.request("DELETE", "/v1/speakers/" + slug, "", organiser), 204, "delete " + slug);
    }
  });
  for (const auto& failure : failures) FAIL_CHECK(failure);
  CHECK(failures.empty());
  CHECK(server.get("/v1/speakers?limit=200").json()["items"].size() == 0);
}

TEST_CASE("concurrency: the same slug created by many clients at once is stored once") {
  TestServer server(busy_settings());
  World world(server);
  const auto organiser = bearer(world.owner().key);
  std::atomic<int> created{0}, conflicts{0};
  auto failures = run_clients(8, [&](int, auto fail) {
    for (int round = 0; round < 5; ++round) {
      auto body = world.event_body(world.owner(), "draft");
      body["slug"] = "samma-slug-" + std::to_string(round);
      auto response = http_request(server.port(), "POST", "/v1/events", body.dump(), organiser);
      if (response.status == 201) {
        ++created;
      } else if (response.status == 409) {
        ++conflicts;
      } else {
        fail(std::to_string(response.status) + " " + response.body);
      }
    }
  });
  for (const auto& failure : failures) FAIL_CHECK(failure);
  CHECK(created == 5);
  CHECK(conflicts == 8 * 5 - 5);
}
