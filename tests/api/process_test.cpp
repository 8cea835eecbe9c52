// What only a real process shows: signals, and the database going away and coming back.
#include <doctest/doctest.h>

#include <signal.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/test_database.hpp"

using namespace eventd::test;
using namespace std::chrono_literals;

TEST_CASE("SIGTERM lets the request in flight finish, refuses new ones, exits 0") {
  TestDatabase database;
  ServeProcess eventd(database.url());
  HttpClient in_flight(eventd.port);
  // A request whose body is still arriving when the signal comes.
  in_flight.send_raw(
      "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n");
  std::this_thread::sleep_for(200ms);
  HttpClient idle(eventd.port);  // connected, nothing sent: closed after a short linger
  HttpClient late(eventd.port);  // kept alive after one request; the next comes after the signal
  CHECK(late.get("/healthz").keep_alive);
  std::this_thread::sleep_for(100ms);
  eventd.process.signal(SIGTERM);
  CHECK_FALSE(eventd.process.wait_for_line("shutting down", 5s).empty());
  std::this_thread::sleep_for(300ms);
  in_flight.send_raw("{}");
  auto response = in_flight.read_response();
  CHECK(response.status == 405);  // answered, not dropped
  CHECK_FALSE(response.keep_alive);
  // A proxy may send a request on an idle keep-alive connection just as the signal comes:
  // it is answered (and the connection closed after it), not reset.
  auto late_response = late.get("/healthz");
  CHECK(late_response.status == 200);
  CHECK_FALSE(late_response.keep_alive);
  CHECK(idle.closed_within(5s));
  CHECK(eventd.process.wait(15s) == 0);
  CHECK_THROWS(HttpClient(eventd.port).get("/healthz"));
}

TEST_CASE("the database stopped and restarted under a running server: 503 at once, then 200 by itself") {
  const char* pgctl = std::getenv("EVENTD_TEST_PG_SCRIPT");
  REQUIRE_MESSAGE(pgctl != nullptr, "EVENTD_TEST_PG_SCRIPT is set by scripts/test");
  std::string dir = "/tmp/eventd-pg-restart-" + std::to_string(std::random_device{}());
  std::string port;
  auto pg = [&](const std::string& action) {
    std::string command = std::string(pgctl) + " " + action + " " + dir + " " + port + " >/dev/null";
    return std::system(command.c_str()) == 0;
  };
  // Above the kernel's ephemeral range (32768-60999), so no client socket holds the port;
  // a few tries in case another program does.
  bool started = false;
  for (int attempt = 0; attempt < 5 && !started; ++attempt) {
    port = std::to_string(61000 + std::random_device{}() % 4000);
    started = pg("start");
  }
  REQUIRE(started);
  std::string url = "postgresql://postgres@127.0.0.1:" + port + "/postgres";
  {
    ServeProcess eventd(url);
    CHECK(http_request(eventd.port, "GET", "/readyz").status == 200);

    REQUIRE(pg("stop"));
    auto stopped_at = std::chrono::steady_clock::now();
    auto down = http_request(eventd.port, "GET", "/readyz");
    CHECK(down.status == 503);
    CHECK(down.header("Content-Type") == "application/problem+json");
    CHECK(down.header("Retry-After") == "5");
    auto events = http_request(eventd.port, "GET", "/v1/events");
    CHECK(events.status == 503);
    CHECK(events.header("Retry-After") == "5");
    CHECK(std::chrono::steady_clock::now() - stopped_at < 5s);
    CHECK(http_request(eventd.port, "GET", "/healthz").status == 200);  // the process itself is up

    REQUIRE(pg("start"));
    int status = 0;
    for (int i = 0; i < 100 && status != 200; ++i) {
      status = http_request(eventd.port, "GET", "/readyz").status;
      if (status != 200) std::this_thread::sleep_for(100ms);
    }
    CHECK(status == 200);
  }
  pg("stop");
  CHECK(std::system(("rm -rf " + dir).c_str()) == 0);
}

TEST_CASE("EVENTD_LOG_FORMAT=json: one JSON object a line, with the request id") {
  TestDatabase database;
  ServeProcess eventd(database.url(), {{"EVENTD_LOG_FORMAT", "json"}});
  auto response = http_request(eventd.port, "GET", "/healthz", "", {{"X-Request-Id", "json-log-1"}});
  CHECK(response.status == 200);
  std::string line = eventd.process.wait_for_line("json-log-1", 5s);
  REQUIRE_FALSE(line.empty());
  auto entry = nlohmann::json::parse(line);
  CHECK(entry["request_id"] == "json-log-1");
  CHECK(entry["route"] == "/healthz");
  CHECK(entry["status"] == "200");
  CHECK(entry.contains("duration_ms"));
  CHECK(entry.contains("time"));
}

TEST_CASE("the request log of an absolute-form target has its path, never its query or user info") {
  TestDatabase database;
  ServeProcess eventd(database.url(), {{"EVENTD_LOG_FORMAT", "json"}});
  HttpClient client(eventd.port);
  client.send_raw(
      "GET http://events.example/healthz?token=evm_secretInTheQuery HTTP/1.1\r\nHost: x\r\nX-Request-Id: abs-log-1\r\n"
      "\r\n");
  CHECK(client.read_response().status == 200);
  std::string line = eventd.process.wait_for_line("abs-log-1", 5s);
  REQUIRE_FALSE(line.empty());
  auto entry = nlohmann::json::parse(line);
  CHECK(entry["path"] == "/healthz");
  CHECK(entry["route"] == "/healthz");
  CHECK(line.find("secretInTheQuery") == std::string::npos);
  CHECK(line.find("events.example") == std::string::npos);

  client.send_raw(
      "GET http://user:hunter2@events.example/healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: abs-log-2\r\n\r\n");
  CHECK(client.read_response().status == 400);
  line = eventd.process.wait_for_line("abs-log-2", 5s);
  REQUIRE_FALSE(line.empty());
  entry = nlohmann::json::parse(line);
  CHECK(entry["status"] == "400");
  CHECK(entry["path"] == "");
  CHECK(line.find("hunter2") == std::string::npos);
}
