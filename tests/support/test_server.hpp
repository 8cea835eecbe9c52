#pragma once
// The real service, in this process, on a free port, over a fresh database.
#include <memory>
#include <string>
#include <thread>

#include "app/app.hpp"
#include "support/http_client.hpp"
#include "support/test_database.hpp"

namespace eventd::test {

struct ServerSettings {
  std::string admin_key = "test-admin-key-0123456789abcdef0123456789";
  std::string cors_origins;
  std::size_t max_body_bytes = 1024 * 1024;
  std::size_t max_connections = 10000;
  std::size_t signup_queue = 1024;
  std::size_t threads = 2;
  std::size_t db_pool = 4;
  // Longer than the service's 5 s: under ThreadSanitizer on a slow machine a batch of the
  // registration rush takes seconds, and the other instance's wait for the event's lock
  // counts against this bound (a 503 for its whole batch).
  std::string statement_timeout_ms = "30000";
  // Public writes are not limited unless a test says so: most tests register many
  // participants from one address.
  std::string rate_limit_per_minute = "0";
  std::string rate_limit_burst = "10";
  std::string trusted_proxies;
  // The seed events (api/examples) are of 2019-2022: the list feeds of most tests show
  // them, so the window reaches back far enough. Tests of the window set their own.
  std::string feed_past_days = "36500";
  std::string feed_max_events = "1000";
  std::string retention_days = "90";
  std::string retention_sweep_s = "3600";
  std::string task_reminder_hours = "48";
  std::string travel_data_days = "30";
  std::string data_key = "test-data-key-0123456789abcdef0123456789abcdef";
  // Another server's database (two instances on one database); empty: a fresh one.
  std::string database_url;
  std::string smtp_url;  // empty: no sender, the outbox only fills
  std::string smtp_ca_file;
  std::string mail_from = "Eventd Test <noreply@eventd.test>";
  std::string mail_retry_ms = "100";
  std::string mail_retry_max_ms = "400";
  std::string mail_poll_ms = "50";
  // Change notices go at once unless a test says otherwise.
  std::string change_notice_delay_s = "0";
  std::string frontend_url;  // EVENTD_FRONTEND_URL (empty: eventd's own pages)
  // Webhooks: none may go to loopback unless a test allows it; retries come quickly.
  std::string webhook_allowed_networks;
  std::string webhook_timeout_ms = "2000";
  std::string webhook_retry_unit_ms = "20";
  std::string webhook_poll_ms = "200";
};

class TestServer {
 public:
  explicit TestServer(ServerSettings settings = {});
  // A second instance over another server's database (several instances, one database).
  TestServer(TestDatabase& shared, ServerSettings settings = {});
  ~TestServer();

  unsigned short port() const { return port_; }
  TestDatabase& database() { return *database_; }
  const ServerSettings& settings() const { return settings_; }

  HttpResponse request(const std::string& method, const std::string& target, const std::string& body = "",
                       const HeaderList& headers = {}) {
    return http_request(port_, method, target, body, headers);
  }
  HttpResponse get(const std::string& target, const HeaderList& headers = {}) {
    return request("GET", target, "", headers);
  }
  // A counter or gauge of /metrics without labels; -1 when absent (or /metrics fails).
  long long metric(const std::string& name);

 private:
  void start();

  ServerSettings settings_;
  std::unique_ptr<TestDatabase> own_database_;
  TestDatabase* database_;
  std::unique_ptr<app::App> app_;
  std::thread thread_;
  unsigned short port_ = 0;
};

}  // namespace eventd::test
