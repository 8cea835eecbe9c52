#pragma once
// The HTTP/1.1 server: one coroutine per connection, requests answered in order, limits and
// deadlines on everything a client controls. Beast stays inside server.cpp.
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace eventd::http {

class Router;
class Metrics;
struct Backend;

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  std::size_t threads = 2;
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 1024 * 1024;
  // Client connections open at once; one more is closed as soon as it is accepted. File
  // descriptors are shared with the database pool, the feed listener and the mail sender,
  // so a flood of idle connections must run into this before it starves them.
  std::size_t max_connections = 10'000;
  std::chrono::milliseconds header_timeout{10'000};  // from a request's first byte to its full header
  std::chrono::milliseconds body_timeout{30'000};
  std::chrono::milliseconds idle_timeout{60'000};  // keep-alive connection with no request
  std::chrono::milliseconds write_timeout{30'000};
  std::chrono::milliseconds shutdown_grace{20'000};
  // On shutdown, how long an idle keep-alive connection stays open (bounded by the grace): a
  // proxy may be sending a request on it at this very moment, and a connection closed under
  // such a request loses it (a proxy may not resend a POST). A request that arrives is
  // answered, with Connection: close.
  std::chrono::milliseconds shutdown_idle_linger{2'000};
  std::vector<std::string> cors_origins;
};

class Server {
 public:
  Server(ServerOptions options, const Router& router, Backend& backend, Metrics& metrics);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens; throws std::runtime_error with a clear message on failure.
  void listen();
  unsigned short port() const;
  // Runs the I/O threads until the server has drained after shutdown(); with
  // handle_signals, SIGTERM and SIGINT call shutdown().
  void run(bool handle_signals);
  // Thread- and signal-safe to call: stops accepting (after taking the connections already
  // waiting in the listen queue), answers every request that arrives on an open connection
  // with Connection: close, closes idle connections after shutdown_idle_linger, and lets
  // requests in flight finish within the grace period.
  void shutdown();
  std::size_t open_connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace eventd::http
