#include "support/http_client.hpp"

#include "support/exchange_log.hpp"

#include <poll.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>

namespace eventd::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

std::string HttpResponse::header(const std::string& name) const {
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto it = headers.find(lower);
  return it == headers.end() ? "" : it->second;
}

struct HttpClient::Impl {
  asio::io_context io;
  tcp::socket socket{io};
  beast::flat_buffer buffer;
};

HttpClient::HttpClient(unsigned short port, std::string host) : impl_(std::make_unique<Impl>()) {
  impl_->socket.connect(tcp::endpoint(asio::ip::make_address(host), port));
  impl_->socket.set_option(tcp::no_delay(true));
}

HttpClient::~HttpClient() = default;

HttpResponse HttpClient::request(const std::string& method, const std::string& target, const std::string& body,
                                 const HeaderList& headers) {
  bhttp::request<bhttp::string_body> request{bhttp::string_to_verb(method), target, 11};
  request.set(bhttp::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  if (!body.empty() && request.find(bhttp::field::content_type) == request.end()) {
    request.set(bhttp::field::content_type, "application/json");
  }
  request.prepare_payload();
  bhttp::write(impl_->socket, request);
  HttpResponse response = read_response(method == "HEAD");
  record_exchange(method, target, headers, body, response);
  return response;
}

HttpResponse HttpClient::post_json(const std::string& target, const nlohmann::json& body, const HeaderList& headers) {
  return request("POST", target, body.dump(), headers);
}

void HttpClient::send_raw(const std::string& bytes) { asio::write(impl_->socket, asio::buffer(bytes)); }

HttpResponse HttpClient::read_response(bool head_request) {
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  parser.skip(head_request);
  bhttp::read(impl_->socket, impl_->buffer, parser);
  auto& message = parser.get();
  HttpResponse response;
  response.status = static_cast<int>(message.result_int());
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto [it, inserted] = response.headers.emplace(name, std::string(field.value()));
    if (!inserted) it->second += ", " + std::string(field.value());
  }
  response.body = message.body();
  response.keep_alive = message.keep_alive();
  return response;
}

bool HttpClient::closed_within(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char byte;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd fd{impl_->socket.native_handle(), POLLIN, 0};
    int left = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count());
    if (::poll(&fd, 1, std::max(left, 1)) > 0) {
      beast::error_code ec;
      std::size_t n = impl_->socket.read_some(asio::buffer(&byte, 1), ec);
      if (ec || n == 0) return true;
    }
  }
  return false;
}

HttpResponse http_request(unsigned short port, const std::string& method, const std::string& target,
                          const std::string& body, const HeaderList& headers) {
  HttpClient client(port);
  return client.request(method, target, body, headers);
}

}  // namespace eventd::test
