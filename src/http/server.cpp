#include "http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
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
#include "http/metrics.hpp"
#include "http/problem.hpp"
#include "http/router.hpp"

namespace eventd::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

struct Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {
    boost::system::error_code ec;
    auto peer = stream.socket().remote_endpoint(ec);
    if (!ec) peer_address = peer.address().to_string();
  }
  beast::tcp_stream stream;
  std::string peer_address;  // the TCP peer, e.g. 127.0.0.1; the client or a proxy before it
  bool busy = false;  // between a request's first byte and its answer; touched only on the strand
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
  auto question = request.target.find('?');
  request.path = request.target.substr(0, question);
  if (question != std::string::npos) request.query = request.target.substr(question + 1);
  for (const auto& field : message) {
    request.headers.add(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(message.body());
  return request;
}

bool is_parse_error(const beast::error_code& ec) {
  return ec.category() == beast::error_code(bhttp::error::end_of_stream).category();
}

}  // namespace

struct Server::Impl {
  Impl(ServerOptions o, const Router& r, Backend& b, Metrics& m)
      : options(std::move(o)),
        router(r),
        backend(b),
        metrics(m),
        cors(options.cors_origins),
        io(static_cast<int>(options.threads)),
        acceptor(asio::make_strand(io)) {}

  ServerOptions options;
  const Router& router;
  Backend& backend;
  Metrics& metrics;
  CorsPolicy cors;
  asio::io_context io;
  tcp::acceptor acceptor;
  std::atomic<bool> draining{false};
  mutable std::mutex connections_mutex;
  std::unordered_set<std::shared_ptr<Connection>> connections;

  asio::awaitable<void> accept_loop();
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
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw std::runtime_error("cannot listen on " + impl_->options.host + ":" + std::to_string(impl_->options.port) +
                             ": " + ec.message());
  }
}

unsigned short Server::port() const { return impl_->acceptor.local_endpoint().port(); }

std::size_t Server::open_connections() const {
  std::lock_guard lock(impl_->connections_mutex);
  return impl_->connections.size();
}

void Server::run(bool handle_signals) {
  asio::co_spawn(impl_->acceptor.get_executor(), impl_->accept_loop(), asio::detached);
  asio::signal_set signals(impl_->io);
  if (handle_signals) {
    signals.add(SIGTERM);
    signals.add(SIGINT);
    signals.async_wait([this](const beast::error_code& ec, int) {
      if (!ec) shutdown();
    });
  }
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < impl_->options.threads; ++i) threads.emplace_back([this] { impl_->io.run(); });
  impl_->io.run();
  for (auto& thread : threads) thread.join();
}

void Server::shutdown() {
  asio::post(impl_->acceptor.get_executor(), [impl = impl_.get()] { impl->begin_shutdown(); });
}

void Server::Impl::begin_shutdown() {
  if (draining.exchange(true)) return;
  log::info("shutting down: no new connections, finishing requests in flight");
  beast::error_code ec;
  acceptor.close(ec);
  {
    std::lock_guard lock(connections_mutex);
    for (const auto& connection : connections) {
      asio::post(connection->stream.get_executor(), [connection] {
        if (!connection->busy) connection->stream.cancel();
      });
    }
  }
  asio::co_spawn(acceptor.get_executor(), drain(), asio::detached);
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
  io.stop();
}

asio::awaitable<void> Server::Impl::accept_loop() {
  asio::steady_timer backoff(co_await asio::this_coro::executor);
  while (!draining) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(io), use_tuple);
    if (ec) {
      if (draining || ec == asio::error::operation_aborted) co_return;
      // Out of file descriptors and the like: wait a little instead of spinning.
      log::warn("accept failed", {{"error", ec.message()}});
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(use_tuple);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto connection = std::make_shared<Connection>(std::move(socket));
    {
      std::lock_guard lock(connections_mutex);
      connections.insert(connection);
    }
    asio::co_spawn(connection->stream.get_executor(), serve(connection), asio::detached);
  }
}

asio::awaitable<void> Server::Impl::serve(std::shared_ptr<Connection> connection) {
  auto& stream = connection->stream;
  beast::flat_buffer buffer;
  bool keep_alive = true;
  while (keep_alive && !draining) {
    connection->busy = false;
    if (buffer.size() == 0) {
      // Idle keep-alive wait: nothing of the next request has arrived yet.
      stream.expires_after(options.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(8192), use_tuple);
      if (ec) break;
      buffer.commit(n);
    }
    connection->busy = true;

    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    parser.body_limit(options.max_body_bytes);
    stream.expires_after(options.header_timeout);
    auto [header_ec, header_bytes] = co_await bhttp::async_read_header(stream, buffer, parser, use_tuple);
    std::string request_id = new_request_id();
    if (header_ec == bhttp::error::body_limit) {
      // Beast compares an announced Content-Length with the limit while parsing the header.
      co_await write(*connection, problem(413, "The request body is larger than this server accepts."), false, false,
                     request_id);
      break;
    }
    if (header_ec == bhttp::error::header_limit) {
      co_await write(*connection, problem(431, "The request header is larger than this server accepts."), false, false,
                     request_id);
      break;
    }
    if (header_ec) {
      if (is_parse_error(header_ec) && header_ec != bhttp::error::end_of_stream) {
        co_await write(*connection, problem(400, "The request is not valid HTTP/1.1."), false, false, request_id);
      }
      break;
    }
    // Refuse an announced oversized body before reading any of it.
    if (auto length = parser.content_length(); length && *length > options.max_body_bytes) {
      co_await write(*connection, problem(413, "The request body is larger than this server accepts."), false, false,
                     request_id);
      break;
    }
    if (!parser.is_done()) {
      if (bhttp::token_list(parser.get()[bhttp::field::expect]).exists("100-continue")) {
        static const std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";
        co_await asio::async_write(stream, asio::buffer(continue_line), use_tuple);
      }
      stream.expires_after(options.body_timeout);
      auto [body_ec, body_bytes] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
      if (body_ec == bhttp::error::body_limit) {
        co_await write(*connection, problem(413, "The request body is larger than this server accepts."), false, false,
                       request_id);
        break;
      }
      if (body_ec) {
        if (is_parse_error(body_ec) && body_ec != bhttp::error::end_of_stream) {
          co_await write(*connection, problem(400, "The request body is not valid HTTP/1.1."), false, false,
                         request_id);
        }
        break;
      }
    }
    stream.expires_never();

    auto message = parser.release();
    keep_alive = message.keep_alive();
    Request request = to_request(std::move(message));
    request.peer_address = connection->peer_address;
    request_id = request_id_for(request);
    auto started = std::chrono::steady_clock::now();
    metrics.request_started();
    auto [response, route] = co_await dispatch(router, cors, backend, request, request_id);
    cors.decorate(request, response);
    auto elapsed = std::chrono::steady_clock::now() - started;
    metrics.request_finished(std::string(to_string(request.method)), route, response.status, elapsed);
    log::info("request", {{"request_id", request_id},
                          {"method", std::string(to_string(request.method))},
                          {"path", request.path},
                          {"route", route},
                          {"status", std::to_string(response.status)},
                          {"duration_ms", std::to_string(std::chrono::duration<double, std::milli>(elapsed).count())}});
    keep_alive = keep_alive && !draining;
    if (!co_await write(*connection, std::move(response), request.method == Method::head, keep_alive, request_id)) {
      break;
    }
  }
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.close();
  std::lock_guard lock(connections_mutex);
  connections.erase(connection);
}

asio::awaitable<bool> Server::Impl::write(Connection& connection, Response response, bool head, bool keep_alive,
                                          const std::string& request_id) {
  bhttp::response<bhttp::string_body> message{static_cast<bhttp::status>(response.status), 11};
  for (const auto& [name, value] : response.headers.all()) message.insert(name, value);
  message.set("X-Request-Id", request_id);
  message.set("X-Content-Type-Options", "nosniff");
  if (!response.headers.get("Cache-Control")) message.set(bhttp::field::cache_control, "no-store");
  message.keep_alive(keep_alive);
  const bool bodiless = response.status == 204 || response.status == 304;
  if (!bodiless) message.body() = std::move(response.body);
  message.prepare_payload();

  connection.stream.expires_after(options.write_timeout);
  bhttp::response_serializer<bhttp::string_body> serializer{message};
  beast::error_code ec;
  if (head || bodiless) {
    serializer.split(true);
    std::tie(ec, std::ignore) = co_await bhttp::async_write_header(connection.stream, serializer, use_tuple);
  } else {
    std::tie(ec, std::ignore) = co_await bhttp::async_write(connection.stream, serializer, use_tuple);
  }
  connection.stream.expires_never();
  co_return !ec;
}

}  // namespace eventd::http
