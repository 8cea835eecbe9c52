// The HTTP server itself, over real sockets: keep-alive, pipelining, limits, deadlines.
#include <doctest/doctest.h>

#include <memory>
#include <thread>
#include <vector>

#include "support/test_server.hpp"

using namespace eventd::test;
using namespace std::chrono_literals;

TEST_CASE("operations endpoints") {
  TestServer server;
  auto health = server.get("/healthz");
  CHECK(health.status == 200);
  CHECK(health.json()["status"] == "ok");

  auto ready = server.get("/readyz");
  CHECK(ready.status == 200);

  auto metrics = server.get("/metrics");
  CHECK(metrics.status == 200);
  CHECK(metrics.header("Content-Type").starts_with("text/plain"));
  CHECK(metrics.body.find("eventd_http_requests_total{method=\"GET\",route=\"/readyz\",status=\"200\"} 1") !=
        std::string::npos);
  CHECK(metrics.body.find("eventd_http_request_duration_seconds_bucket{route=\"/healthz\"") != std::string::npos);
  CHECK(metrics.body.find("eventd_http_requests_in_flight 1") != std::string::npos);  // this very request
  CHECK(metrics.body.find("eventd_db_pool_connections 4") != std::string::npos);

  auto contract = server.get("/openapi.yaml");
  CHECK(contract.status == 200);
  CHECK(contract.body.starts_with("openapi: 3."));
}

TEST_CASE("every answer carries a request id, the client's own when it is plain") {
  TestServer server;
  auto generated = server.get("/healthz");
  CHECK(generated.header("X-Request-Id").size() == 32);
  auto given = server.get("/healthz", {{"X-Request-Id", "trace-42"}});
  CHECK(given.header("X-Request-Id") == "trace-42");
  auto hostile = server.get("/healthz", {{"X-Request-Id", "a b\"c"}});
  CHECK(hostile.header("X-Request-Id") != "a b\"c");
  CHECK(generated.header("X-Content-Type-Options") == "nosniff");
  CHECK(generated.header("Server").empty());
}

TEST_CASE("404 and 405 are problem+json; 405 lists what is allowed") {
  TestServer server;
  auto missing = server.get("/v1/no-such-thing");
  CHECK(missing.status == 404);
  CHECK(missing.header("Content-Type") == "application/problem+json");
  CHECK(missing.json()["status"] == 404);

  auto wrong = server.request("DELETE", "/healthz");
  CHECK(wrong.status == 405);
  CHECK(wrong.header("Content-Type") == "application/problem+json");
  CHECK(wrong.header("Allow") == "GET, HEAD, OPTIONS");

  auto head = server.request("HEAD", "/healthz");
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  CHECK(head.header("Content-Length") == std::to_string(std::string(R"({"status":"ok"})").size()));
}

TEST_CASE("keep-alive: many requests on one connection") {
  TestServer server;
  HttpClient client(server.port());
  for (int i = 0; i < 20; ++i) {
    auto response = client.get("/healthz");
    CHECK(response.status == 200);
    CHECK(response.keep_alive);
  }
}

TEST_CASE("50 pipelined requests are answered in order") {
  TestServer server;
  HttpClient client(server.port());
  std::string burst;
  for (int i = 0; i < 50; ++i) {
    // alternate two routes so that an out-of-order answer would show
    std::string path = i % 2 ? "/healthz" : "/nope";
    burst += "GET " + path + " HTTP/1.1\r\nHost: x\r\nX-Request-Id: req-" + std::to_string(i) + "\r\n\r\n";
  }
  client.send_raw(burst);
  for (int i = 0; i < 50; ++i) {
    auto response = client.read_response();
    CHECK(response.header("X-Request-Id") == "req-" + std::to_string(i));
    CHECK(response.status == (i % 2 ? 200 : 404));
  }
}

TEST_CASE("an announced oversized body is refused with 413 before it is sent") {
  ServerSettings settings;
  settings.max_body_bytes = 4096;
  TestServer server(settings);
  HttpClient client(server.port());
  client.send_raw(
      "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n");
  auto response = client.read_response();
  CHECK(response.status == 413);
  CHECK(response.header("Content-Type") == "application/problem+json");
  CHECK(client.closed_within(2s));
}

TEST_CASE("a chunked body that grows past the limit is refused with 413") {
  ServerSettings settings;
  settings.max_body_bytes = 4096;
  TestServer server(settings);
  HttpClient client(server.port());
  std::string chunk(3000, 'x');
  client.send_raw("POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nbb8\r\n" + chunk +
                  "\r\nbb8\r\n" + chunk + "\r\n0\r\n\r\n");
  auto response = client.read_response();
  CHECK(response.status == 413);
}

TEST_CASE("huge headers are refused with 431") {
  TestServer server;
  HttpClient client(server.port());
  client.send_raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(64 * 1024, 'a') + "\r\n\r\n");
  auto response = client.read_response();
  CHECK(response.status == 431);
}

TEST_CASE("garbage is a 400, not a crash") {
  TestServer server;
  HttpClient client(server.port());
  client.send_raw("HELLO WORLD\r\n\r\n");
  auto response = client.read_response();
  CHECK(response.status == 400);
  CHECK(server.get("/healthz").status == 200);
}

TEST_CASE("the absolute-form request target is served like its path (RFC 9112 3.2.2)") {
  TestServer server;
  HttpClient client(server.port());
  client.send_raw("GET http://events.example/healthz HTTP/1.1\r\nHost: events.example\r\n\r\n");
  auto health = client.read_response();
  CHECK(health.status == 200);
  CHECK(health.json()["status"] == "ok");
  CHECK(health.keep_alive);

  // Any case of http or https, a port, and the query reaches the handler.
  client.send_raw("GET HTTPS://127.0.0.1:8443/v1/organisations?limit=1 HTTP/1.1\r\nHost: x\r\n\r\n");
  auto listed = client.read_response();
  CHECK(listed.status == 200);
  CHECK(listed.json()["items"].is_array());
  client.send_raw("GET http://events.example/v1/organisations?limit=0 HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(client.read_response().status == 400);  // the query was read: limit 0 is refused

  // The path is routed as usual: a 404 names the path, not the URL.
  client.send_raw("GET http://events.example/v1/nothing-here HTTP/1.1\r\nHost: x\r\n\r\n");
  auto missing = client.read_response();
  CHECK(missing.status == 404);
  CHECK(missing.json()["detail"] == "There is nothing at /v1/nothing-here.");

  // An empty path is the root; HEAD too.
  client.send_raw("HEAD http://events.example HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(client.read_response(true).status == 404);
}

TEST_CASE("a request target of no usable form is a clear 400, and the connection stays usable") {
  TestServer server;
  HttpClient client(server.port());
  for (std::string target : {"events.example:443", "*", "healthz", "ftp://events.example/healthz",
                             "http://user:secret@events.example/healthz", "http:///healthz",
                             "http://events.example:99999/healthz", "http://events.example/healthz#top"}) {
    CAPTURE(target);
    client.send_raw("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
    auto response = client.read_response();
    CHECK(response.status == 400);
    CHECK(response.header("Content-Type") == "application/problem+json");
    CHECK(response.json()["detail"].get<std::string>().find("request target") != std::string::npos);
    CHECK(response.body.find("secret") == std::string::npos);
  }
  // OPTIONS * asks about the server: every method it has.
  client.send_raw("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n");
  auto options = client.read_response();
  CHECK(options.status == 204);
  CHECK(options.header("Allow") == "GET, POST, DELETE, PATCH, PUT, HEAD, OPTIONS");
  CHECK(client.get("/healthz").status == 200);
}

TEST_CASE("a client that sends half a header and stalls is cut off, and others are served meanwhile") {
  TestServer server;
  HttpClient stalled(server.port());
  stalled.send_raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Half: ");
  auto started = std::chrono::steady_clock::now();
  // others are not held up while it stalls
  for (int i = 0; i < 5; ++i) CHECK(server.get("/healthz").status == 200);
  CHECK(stalled.closed_within(30s));
  auto waited = std::chrono::steady_clock::now() - started;
  CHECK(waited < 30s);
}

TEST_CASE("connections beyond EVENTD_MAX_CONNECTIONS are closed at once; the open ones go on") {
  ServerSettings settings;
  settings.max_connections = 3;
  TestServer server(settings);
  std::vector<std::unique_ptr<HttpClient>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<HttpClient>(server.port()));
    REQUIRE(held.back()->get("/healthz").status == 200);  // adopted, and kept alive
  }
  HttpClient refused(server.port());
  CHECK(refused.closed_within(5s));
  for (auto& client : held) CHECK(client->get("/healthz").status == 200);

  // Once one closes, a new client is served again (the server notices the close first).
  held.pop_back();
  bool served = false;
  for (int attempt = 0; attempt < 50 && !served; ++attempt) {
    try {
      HttpClient next(server.port());
      auto metrics = next.get("/metrics");
      served = metrics.status == 200;
      if (served) {
        const std::string name = "\neventd_http_connections_refused_total ";
        auto at = metrics.body.find(name);
        REQUIRE(at != std::string::npos);
        CHECK(std::stoi(metrics.body.substr(at + name.size())) >= 1);
      }
    } catch (const std::exception&) {
      std::this_thread::sleep_for(100ms);
    }
  }
  CHECK(served);
}

TEST_CASE("a malformed escape in the query is a 400") {
  TestServer server;
  auto response = server.get("/healthz?x=%zz");
  CHECK(response.status == 400);
  CHECK(response.header("Content-Type") == "application/problem+json");
}

TEST_CASE("CORS: the configured frontend origin is allowed, others are refused") {
  ServerSettings settings;
  settings.cors_origins = "http://frontend.example:5173";
  TestServer server(settings);
  const HeaderList allowed_origin{{"Origin", "http://frontend.example:5173"}};

  auto preflight = server.request("OPTIONS", "/v1/events/integrationsforum-2020", "",
                                  {{"Origin", "http://frontend.example:5173"},
                                   {"Access-Control-Request-Method", "PATCH"},
                                   {"Access-Control-Request-Headers", "authorization, content-type, if-match"}});
  CHECK(preflight.status == 204);
  CHECK(preflight.header("Access-Control-Allow-Origin") == "http://frontend.example:5173");
  CHECK(preflight.header("Access-Control-Allow-Methods").find("PATCH") != std::string::npos);
  CHECK(preflight.header("Access-Control-Allow-Headers").find("If-Match") != std::string::npos);
  CHECK(preflight.header("Access-Control-Allow-Headers").find("Idempotency-Key") != std::string::npos);

  auto refused = server.request("OPTIONS", "/v1/events", "",
                                {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
  CHECK(refused.status == 403);
  CHECK(refused.header("Access-Control-Allow-Origin").empty());

  auto actual = server.get("/healthz", allowed_origin);
  CHECK(actual.header("Access-Control-Allow-Origin") == "http://frontend.example:5173");
  for (const char* exposed : {"ETag", "Location", "Link", "Last-Modified", "Retry-After", "Idempotent-Replayed",
                              "Content-Disposition", "X-Request-Id", "Content-Language"}) {
    CHECK(actual.header("Access-Control-Expose-Headers").find(exposed) != std::string::npos);
  }
  CHECK(actual.header("Vary").find("Origin") != std::string::npos);

  auto other = server.get("/healthz", {{"Origin", "https://evil.example"}});
  CHECK(other.status == 200);
  CHECK(other.header("Access-Control-Allow-Origin").empty());

  auto plain_options = server.request("OPTIONS", "/v1/events");
  CHECK(plain_options.status == 204);
  for (const char* method : {"GET", "POST", "HEAD", "OPTIONS"}) {
    CHECK(plain_options.header("Allow").find(method) != std::string::npos);
  }
}
