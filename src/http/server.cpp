#include "http/server.hpp"

#include <array>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <limits>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_set>

#include "common/log.hpp"
#include "domain/error.hpp"
#include "http/backend.hpp"
#include "http/context.hpp"
#include "http/cors.hpp"
#include "http/dispatch.hpp"
#include "http/log_redaction.hpp"
#include "http/metrics.hpp"
#include "http/problem.hpp"
#include "http/router.hpp"
#include "http/target.hpp"

namespace eventd::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// What the first read of a request may take at once; the header parser reads the rest.
constexpr std::size_t kFirstRead = 1024;

using Clock = std::chrono::steady_clock;

// One client connection. Everything but `deadline` is touched only by the thread of its
// io_context (each connection lives on one; see Server::Impl).
struct Connection {
  explicit Connection(tcp::socket s) : socket(std::move(s)) {
    boost::system::error_code ec;
    auto peer = socket.remote_endpoint(ec);
    if (!ec) peer_address = peer.address().to_string();
  }
  tcp::socket socket;
  std::string peer_address;  // the TCP peer, e.g. 127.0.0.1; the client or a proxy before it
  std::string head;          // a response's status line and header fields, reused for every response
  bool busy = false;         // between a request's first byte and its answer

  // When the current phase (idle wait, header, body, writing) must be over; the server's
  // sweeper closes the connection once it has passed. A store per phase instead of a timer
  // per operation (arming and cancelling a timer for every read and write cost a fifth of
  // a cached feed's time).
  static constexpr Clock::rep kNever = std::numeric_limits<Clock::rep>::max();
  std::atomic<Clock::rep> deadline{kNever};
  void expires_after(Clock::duration d) {
    deadline.store((Clock::now() + d).time_since_epoch().count(), std::memory_order_relaxed);
  }
  void expires_never() { deadline.store(kNever, std::memory_order_relaxed); }
};

std::string new_request_id() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  static constexpr char digits[] = "0123456789abcdef";
  std::string id(32, '0');
  for (int half = 0; half < 2; ++half) {
    std::uint64_t bits = random();
    for (int i = 0; i < 16; ++i) id[half * 16 + i] = digits[(bits >> (i * 4)) & 0xf];
  }
  return id;
}

// A client's own id is kept when it is short and plain, so it can be followed through logs.
std::string request_id_for(const Request& request) {
  if (auto given = request.headers.get("X-Request-Id")) {
    bool plain = !given->empty() && given->size() <= 128 && std::all_of(given->begin(), given->end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == ':';
    });
    if (plain) return std::string(*given);
  }
  return new_request_id();
}

Request to_request(bhttp::request<bhttp::string_body>&& message) {
  Request request;
  request.method = parse_method(message.method_string());
  request.target = std::string(message.target());
  for (const auto& field : message) {
    request.headers.add(std::string(field.name_string()), std::string(field.value()));
  }
  // Origin-form as sent; absolute-form ("GET http://host/healthz", from a proxy) as its path
  // and query, its authority replacing Host (RFC 9112 3.2.2). Any other form leaves the path
  // empty, which dispatch answers with 400 (and the log shows no part of the target).
  if (auto parts = split_target(request.method, request.target)) {
    request.path = std::move(parts->path);
    request.query = std::move(parts->query);
    if (!parts->authority.empty()) request.headers.set("Host", std::move(parts->authority));
  }
  request.body = std::move(message.body());
  return request;
}

bool is_parse_error(const beast::error_code& ec) {
  return ec.category() == beast::error_code(bhttp::error::end_of_stream).category();
}

}  // namespace

// One io_context per I/O thread, each run by exactly one thread: a connection lives on one
// of them from accept to close, so its coroutine, its socket and its deadline need no strand
// or lock. The acceptor and the sweeper live on the first.
struct Server::Impl {
  Impl(ServerOptions o, const Router& r, Backend& b, Metrics& m)
      : options(std::move(o)), router(r), backend(b), metrics(m), cors(options.cors_origins) {
    const std::size_t count = std::max<std::size_t>(options.threads, 1);
    for (std::size_t i = 0; i < count; ++i) {
      contexts.push_back(std::make_unique<asio::io_context>(1));
      work.emplace_back(contexts.back()->get_executor());
    }
    acceptor = std::make_unique<tcp::acceptor>(*contexts.front());
  }

  ServerOptions options;
  const Router& router;
  Backend& backend;
  Metrics& metrics;
  CorsPolicy cors;
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work;  // run() returns only on stop
  std::unique_ptr<tcp::acceptor> acceptor;
  std::size_t next_context = 0;                              // round robin, touched by the accept loop only
  std::chrono::steady_clock::time_point last_refusal_log{};  // accept loop only
  std::size_t open_connections() const;
  std::atomic<bool> draining{false};
  mutable std::mutex connections_mutex;
  std::unordered_set<std::shared_ptr<Connection>> connections;

  asio::awaitable<void> accept_loop();
  void adopt(tcp::socket socket);
  asio::awaitable<void> sweep();
  void stop();
  asio::awaitable<void> serve(std::shared_ptr<Connection> connection);
  asio::awaitable<bool> write(Connection& connection, Response response, bool head, bool keep_alive,
                              const std::string& request_id);
  asio::awaitable<void> drain();
  void begin_shutdown();
};

Server::Server(ServerOptions options, const Router& router, Backend& backend, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), router, backend, metrics)) {}

Server::~Server() = default;

void Server::listen() {
  beast::error_code ec;
  auto address = asio::ip::make_address(impl_->options.host, ec);
  if (ec) throw std::runtime_error("invalid listen address: " + impl_->options.host);
  tcp::endpoint endpoint(address, impl_->options.port);
  auto& acceptor = *impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw std::runtime_error("cannot listen on " + impl_->options.host + ":" + std::to_string(impl_->options.port) +
                             ": " + ec.message());
  }
}

unsigned short Server::port() const { return impl_->acceptor->local_endpoint().port(); }

std::size_t Server::Impl::open_connections() const {
  std::lock_guard lock(connections_mutex);
  return connections.size();
}

std::size_t Server::open_connections() const { return impl_->open_connections(); }

void Server::run(bool handle_signals) {
  auto& first = *impl_->contexts.front();
  asio::co_spawn(first, impl_->accept_loop(), asio::detached);
  asio::co_spawn(first, impl_->sweep(), asio::detached);
  asio::signal_set signals(first);
  if (handle_signals) {
    signals.add(SIGTERM);
    signals.add(SIGINT);
    signals.async_wait([this](const beast::error_code& ec, int) {
      if (!ec) shutdown();
    });
  }
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < impl_->contexts.size(); ++i) {
    threads.emplace_back([this, i] { impl_->contexts[i]->run(); });
  }
  first.run();
  for (auto& thread : threads) thread.join();
}

void Server::shutdown() {
  asio::post(*impl_->contexts.front(), [impl = impl_.get()] { impl->begin_shutdown(); });
}

void Server::Impl::stop() {
  for (auto& guard : work) guard.reset();
  for (auto& context : contexts) context->stop();
}

void Server::Impl::begin_shutdown() {
  if (draining.exchange(true)) return;
  log::info("shutting down: no new connections, finishing requests in flight");
  // Connections the kernel completed but nobody accepted yet would be reset by close(), and
  // their clients (a proxy) may already have sent a request on them: take them first.
  beast::error_code ec;
  acceptor->non_blocking(true, ec);
  std::size_t taken = 0;
  while (!ec) {
    auto& context = *contexts[next_context++ % contexts.size()];
    tcp::socket socket(context);
    acceptor->accept(socket, ec);
    if (!ec) {
      adopt(std::move(socket));
      ++taken;
    }
  }
  acceptor->close(ec);
  if (taken > 0)
    log::info("shutting down: took the connections waiting to be accepted", {{"connections", std::to_string(taken)}});
  // Idle connections stay open a moment: a request already on its way on one is answered
  // (with Connection: close) instead of lost; the sweeper closes them when it has passed.
  const auto linger = std::min(options.shutdown_idle_linger, options.shutdown_grace);
  {
    std::lock_guard lock(connections_mutex);
    for (const auto& connection : connections) {
      asio::post(connection->socket.get_executor(), [connection, linger] {
        if (!connection->busy) connection->expires_after(linger);
      });
    }
  }
  asio::co_spawn(*contexts.front(), drain(), asio::detached);
}

asio::awaitable<void> Server::Impl::drain() {
  auto deadline = std::chrono::steady_clock::now() + options.shutdown_grace;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard lock(connections_mutex);
      if (connections.empty()) break;
    }
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(use_tuple);
  }
  stop();
}

// Once a second, closes the connections whose deadline has passed (so a timeout may take up
// to a second longer than configured).
asio::awaitable<void> Server::Impl::sweep() {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  std::vector<std::shared_ptr<Connection>> expired;
  for (;;) {
    timer.expires_after(std::chrono::seconds(1));
    auto [ec] = co_await timer.async_wait(use_tuple);
    if (ec) co_return;
    const Clock::rep now = Clock::now().time_since_epoch().count();
    {
      std::lock_guard lock(connections_mutex);
      for (const auto& connection : connections) {
        if (connection->deadline.load(std::memory_order_relaxed) <= now) expired.push_back(connection);
      }
    }
    for (auto& connection : expired) {
      connection->expires_never();  // closed once, not every second until it is gone
      asio::post(connection->socket.get_executor(), [connection] {
        beast::error_code ignored;
        connection->socket.close(ignored);  // its pending operation fails; its coroutine ends
      });
    }
    expired.clear();
  }
}

asio::awaitable<void> Server::Impl::accept_loop() {
  asio::steady_timer backoff(co_await asio::this_coro::executor);
  while (!draining) {
    auto& context = *contexts[next_context++ % contexts.size()];
    auto [ec, socket] = co_await acceptor->async_accept(context, use_tuple);
    if (ec) {
      if (draining || ec == asio::error::operation_aborted) co_return;
      // Out of file descriptors and the like: wait a little instead of spinning.
      log::warn("accept failed", {{"error", ec.message()}});
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(use_tuple);
      continue;
    }
    if (open_connections() >= options.max_connections) {
      metrics.connection_refused();
      const auto now = std::chrono::steady_clock::now();
      if (now - last_refusal_log >= std::chrono::seconds(1)) {
        last_refusal_log = now;
        log::warn("connection refused: the limit of open connections is reached",
                  {{"max_connections", std::to_string(options.max_connections)}});
      }
      beast::error_code ignored;
      socket.close(ignored);
      continue;
    }
    adopt(std::move(socket));
  }
}

void Server::Impl::adopt(tcp::socket socket) {
  beast::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  auto connection = std::make_shared<Connection>(std::move(socket));
  {
    std::lock_guard lock(connections_mutex);
    connections.insert(connection);
  }
  asio::co_spawn(connection->socket.get_executor(), serve(connection), asio::detached);
}

asio::awaitable<void> Server::Impl::serve(std::shared_ptr<Connection> connection) {
  auto& stream = connection->socket;
  beast::flat_buffer buffer;
  // A problem with the request before it is understood: told in English.
  auto early_problem = [this](domain::Problem kind, domain::Message detail) {
    return problem(domain::Error(kind, std::move(detail)), ProblemContext{backend.public_url});
  };
  bool keep_alive = true;
  // A connection accepted while draining (from the listen queue) serves one request.
  while (keep_alive) {
    connection->busy = false;
    if (buffer.size() == 0) {
      // Idle keep-alive wait: nothing of the next request has arrived yet. Its first bytes
      // are read straight into the buffer (reused from the last request, so an idle
      // connection holds at most kFirstRead bytes): waiting for readability first
      // (async_wait) cost an epoll_ctl per request on top of the read.
      // While draining, the wait is short (see ServerOptions::shutdown_idle_linger).
      connection->expires_after(draining ? std::min(options.shutdown_idle_linger, options.shutdown_grace)
                                         : options.idle_timeout);
      auto [ec, received] = co_await stream.async_read_some(buffer.prepare(kFirstRead), use_tuple);
      if (ec) break;
      buffer.commit(received);
    }
    connection->busy = true;

    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    parser.body_limit(options.max_body_bytes);
    connection->expires_after(options.header_timeout);
    auto [header_ec, header_bytes] = co_await bhttp::async_read_header(stream, buffer, parser, use_tuple);
    // Made only when needed: an early refusal gets one of its own (request_id = new_request_id(),
    // a named value: see the g++ 12 note in docs/DEVELOPING.md), a request read whole gets its own
    // or the one it sent. (It was made twice for every request.)
    std::string request_id;
    if (header_ec == bhttp::error::body_limit) {
      // Beast compares an announced Content-Length with the limit while parsing the header.
      co_await write(*connection, early_problem(domain::Problem::payload_too_large, domain::detail("body_too_large")),
                     false, false, (request_id = new_request_id()));
      break;
    }
    if (header_ec == bhttp::error::header_limit) {
      co_await write(*connection, early_problem(domain::Problem::header_too_large, domain::detail("header_too_large")),
                     false, false, (request_id = new_request_id()));
      break;
    }
    if (header_ec) {
      if (is_parse_error(header_ec) && header_ec != bhttp::error::end_of_stream) {
        co_await write(*connection, early_problem(domain::Problem::bad_request, domain::detail("not_http")), false,
                       false, (request_id = new_request_id()));
      }
      break;
    }
    // Refuse an announced oversized body before reading any of it.
    if (auto length = parser.content_length(); length && *length > options.max_body_bytes) {
      co_await write(*connection, early_problem(domain::Problem::payload_too_large, domain::detail("body_too_large")),
                     false, false, (request_id = new_request_id()));
      break;
    }
    if (!parser.is_done()) {
      if (bhttp::token_list(parser.get()[bhttp::field::expect]).exists("100-continue")) {
        static const std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";
        co_await asio::async_write(stream, asio::buffer(continue_line), use_tuple);
      }
      connection->expires_after(options.body_timeout);
      auto [body_ec, body_bytes] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
      if (body_ec == bhttp::error::body_limit) {
        co_await write(*connection, early_problem(domain::Problem::payload_too_large, domain::detail("body_too_large")),
                       false, false, (request_id = new_request_id()));
        break;
      }
      if (body_ec) {
        if (is_parse_error(body_ec) && body_ec != bhttp::error::end_of_stream) {
          co_await write(*connection, early_problem(domain::Problem::bad_request, domain::detail("body_not_http")),
                         false, false, (request_id = new_request_id()));
        }
        break;
      }
    }
    connection->expires_never();

    auto message = parser.release();
    keep_alive = message.keep_alive();
    Request request = to_request(std::move(message));
    request.peer_address = connection->peer_address;
    request_id = request_id_for(request);
    auto started = std::chrono::steady_clock::now();
    metrics.request_started();
    auto [response, route, caller] = co_await dispatch(router, cors, backend, request, request_id);
    cors.decorate(request, response);
    auto elapsed = std::chrono::steady_clock::now() - started;
    metrics.request_finished(to_string(request.method), route, response.status, elapsed);
    char status_text[8], duration_text[32];
    const auto status_end = std::to_chars(std::begin(status_text), std::end(status_text), response.status).ptr;
    const auto duration_end =
        std::to_chars(std::begin(duration_text), std::end(duration_text),
                      std::chrono::duration<double, std::milli>(elapsed).count(), std::chars_format::fixed, 6)
            .ptr;
    const std::string path = loggable_path(request.path);
    // The caller's key id only when an API key was used: never the key or a token itself.
    const std::array<log::Field, 8> fields{
        {{"request_id", request_id},
         {"method", to_string(request.method)},
         {"path", path},
         {"route", route},
         {"status", std::string_view(status_text, status_end - status_text)},
         {"duration_ms", std::string_view(duration_text, duration_end - duration_text)},
         {"credential", caller.credential},
         {"key_id", caller.key_id}}};
    log::info("request", std::span<const log::Field>(fields.data(), caller.key_id.empty() ? 7 : 8));
    keep_alive = keep_alive && !draining;
    if (!co_await write(*connection, std::move(response), request.method == Method::head, keep_alive, request_id)) {
      break;
    }
  }
  beast::error_code ec;
  stream.shutdown(tcp::socket::shutdown_send, ec);
  stream.close(ec);
  std::lock_guard lock(connections_mutex);
  connections.erase(connection);
}

asio::awaitable<bool> Server::Impl::write(Connection& connection, Response response, bool head, bool keep_alive,
                                          const std::string& request_id) {
  // The head is written here rather than by Beast's serializer: one buffer per connection,
  // reused, and the body sent from where it lies (a cached feed is shared, not copied).
  const bool bodiless = response.status == 204 || response.status == 304;
  const std::string& body = response.body_bytes();
  std::string& head_text = connection.head;
  head_text.clear();
  auto line = [&head_text](std::string_view name, std::string_view value) {
    head_text.append(name).append(": ").append(value).append("\r\n");
  };
  char number[24];
  head_text.append("HTTP/1.1 ").append(number, std::to_chars(number, number + sizeof number, response.status).ptr);
  head_text.append(" ").append(bhttp::obsolete_reason(static_cast<bhttp::status>(response.status))).append("\r\n");
  for (const auto& [name, value] : response.headers.all()) line(name, value);
  line("X-Request-Id", request_id);
  line("X-Content-Type-Options", "nosniff");
  if (!response.headers.get("Cache-Control")) line("Cache-Control", "no-store");
  if (!bodiless)
    line("Content-Length",
         std::string_view(number, std::to_chars(number, number + sizeof number, body.size()).ptr - number));
  if (!keep_alive) line("Connection", "close");
  head_text.append("\r\n");

  const std::array<asio::const_buffer, 2> buffers{asio::buffer(head_text),
                                                  head || bodiless ? asio::const_buffer() : asio::buffer(body)};
  connection.expires_after(options.write_timeout);
  auto [ec, written] = co_await asio::async_write(connection.socket, buffers, use_tuple);
  connection.expires_never();
  co_return !ec;
}

}  // namespace eventd::http
