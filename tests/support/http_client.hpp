#pragma once
// A small HTTP/1.1 client over a real socket, for talking to the server under test.
#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace eventd::test {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  bool keep_alive = true;

  std::string header(const std::string& name) const;
  nlohmann::json json() const { return nlohmann::json::parse(body); }
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// One keep-alive connection.
class HttpClient {
 public:
  explicit HttpClient(unsigned short port, std::string host = "127.0.0.1");
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResponse request(const std::string& method, const std::string& target, const std::string& body = "",
                       const HeaderList& headers = {});
  HttpResponse get(const std::string& target, const HeaderList& headers = {}) {
    return request("GET", target, "", headers);
  }
  HttpResponse post_json(const std::string& target, const nlohmann::json& body, const HeaderList& headers = {});

  // Raw bytes, for pipelining and malformed input.
  void send_raw(const std::string& bytes);
  HttpResponse read_response(bool head_request = false);
  // True when the server closed the connection (read returns EOF) within `timeout`.
  bool closed_within(std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A one-shot request on a fresh connection.
HttpResponse http_request(unsigned short port, const std::string& method, const std::string& target,
                          const std::string& body = "", const HeaderList& headers = {});

}  // namespace eventd::test
