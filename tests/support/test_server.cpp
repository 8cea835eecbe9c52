#include "support/test_server.hpp"

#include <sstream>

namespace eventd::test {

TestServer::TestServer(ServerSettings settings)
    : settings_(std::move(settings)), own_database_(std::make_unique<TestDatabase>()), database_(own_database_.get()) {
  start();
}

TestServer::TestServer(TestDatabase& shared, ServerSettings settings)
    : settings_(std::move(settings)), database_(&shared) {
  start();
}

void TestServer::start() {
  app::RawConfig raw;
  raw.database_url = settings_.database_url.empty() ? database_->url() : settings_.database_url;
  raw.listen = "127.0.0.1:0";
  raw.admin_key = settings_.admin_key;
  raw.cors_origins = settings_.cors_origins;
  raw.threads = std::to_string(settings_.threads);
  raw.db_pool = std::to_string(settings_.db_pool);
  raw.statement_timeout_ms = settings_.statement_timeout_ms;
  raw.max_body_bytes = std::to_string(settings_.max_body_bytes);
  raw.max_connections = std::to_string(settings_.max_connections);
  raw.signup_queue = std::to_string(settings_.signup_queue);
  raw.rate_limit_per_minute = settings_.rate_limit_per_minute;
  raw.rate_limit_burst = settings_.rate_limit_burst;
  raw.trusted_proxies = settings_.trusted_proxies;
  raw.feed_past_days = settings_.feed_past_days;
  raw.feed_max_events = settings_.feed_max_events;
  raw.retention_days = settings_.retention_days;
  raw.retention_sweep_s = settings_.retention_sweep_s;
  raw.task_reminder_hours = settings_.task_reminder_hours;
  raw.travel_data_days = settings_.travel_data_days;
  raw.data_key = settings_.data_key;
  raw.smtp_url = settings_.smtp_url;
  raw.smtp_ca_file = settings_.smtp_ca_file;
  raw.mail_from = settings_.mail_from;
  raw.mail_retry_ms = settings_.mail_retry_ms;
  raw.mail_retry_max_ms = settings_.mail_retry_max_ms;
  raw.mail_poll_ms = settings_.mail_poll_ms;
  raw.change_notice_delay_s = settings_.change_notice_delay_s;
  raw.frontend_url = settings_.frontend_url;
  raw.webhook_allowed_networks = settings_.webhook_allowed_networks;
  raw.webhook_timeout_ms = settings_.webhook_timeout_ms;
  raw.webhook_retry_unit_ms = settings_.webhook_retry_unit_ms;
  raw.webhook_poll_ms = settings_.webhook_poll_ms;
  auto config = app::parse_config(raw, 2);
  app_ = std::make_unique<app::App>(config);
  app_->start();
  port_ = app_->port();
  thread_ = std::thread([this] { app_->run(false); });
}

TestServer::~TestServer() {
  app_->shutdown();
  thread_.join();
}

long long TestServer::metric(const std::string& name) {
  const auto r = get("/metrics");
  if (r.status != 200) return -1;
  std::istringstream lines(r.body);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(name + " ", 0) == 0) return std::stoll(line.substr(name.size() + 1));
  }
  return -1;
}

}  // namespace eventd::test
