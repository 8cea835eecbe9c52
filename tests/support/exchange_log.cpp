#include "support/exchange_log.hpp"

#include <cstdlib>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "http/router.hpp"
#include "http/routes.hpp"

namespace eventd::test {

namespace {

class ExchangeLog {
 public:
  static ExchangeLog& instance() {
    static ExchangeLog log;
    return log;
  }

  void set_test_case(std::string name) {
    std::lock_guard lock(mutex_);
    test_case_ = std::move(name);
  }

  void write(nlohmann::json line) {
    if (!file_.is_open()) return;
    std::lock_guard lock(mutex_);
    line["test_case"] = test_case_;
    // Replacement, not an exception: a test may provoke a body that is not UTF-8.
    file_ << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    file_.flush();
  }

 private:
  ExchangeLog() {
    const char* path = std::getenv("EVENTD_CONTRACT_LOG");
    if (!path || !*path) return;
    // One writer per test run: the file is started afresh, beginning with the route table.
    file_.open(path, std::ios::out | std::ios::trunc);
    nlohmann::json routes = nlohmann::json::array();
    http::Router router = http::make_router();
    for (const auto& route : router.routes()) {
      routes.push_back({{"method", std::string(http::to_string(route.method))}, {"pattern", route.pattern}});
    }
    file_ << nlohmann::json{{"routes", routes}}.dump() << '\n';
  }

  std::mutex mutex_;
  std::ofstream file_;
  std::string test_case_;
};

nlohmann::json headers_json(const HeaderList& headers) {
  nlohmann::json object = nlohmann::json::object();
  for (const auto& [name, value] : headers) {
    std::string lower;
    for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    object[lower] = value;
  }
  return object;
}

}  // namespace

void set_current_test_case(std::string name) { ExchangeLog::instance().set_test_case(std::move(name)); }

void record_exchange(const std::string& method, const std::string& target, const HeaderList& request_headers,
                     const std::string& request_body, const HttpResponse& response) {
  // The control paths of the tests' own doubles (tests/tools/webhook_receiver.mjs) are no
  // exchanges with eventd.
  if (target.starts_with("/_")) return;
  nlohmann::json request_header_object = headers_json(request_headers);
  if (!request_body.empty() && !request_header_object.contains("content-type")) {
    request_header_object["content-type"] = "application/json";  // what HttpClient::request adds
  }
  ExchangeLog::instance().write({
      {"request", {{"method", method}, {"target", target}, {"headers", request_header_object}, {"body", request_body}}},
      {"response", {{"status", response.status}, {"headers", response.headers}, {"body", response.body}}},
  });
}

}  // namespace eventd::test
