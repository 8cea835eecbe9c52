#include "app/config.hpp"

#include <charconv>
#include <filesystem>
#include <tuple>

#include "domain/time.hpp"
#include "webhook/address_policy.hpp"

namespace eventd::app {

namespace {

std::size_t parse_count(const std::string& text, const char* variable, std::size_t min, std::size_t max) {
  std::size_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) {
    throw ConfigError(std::string(variable) + ": '" + text + "' is not a whole number from " + std::to_string(min) +
                      " to " + std::to_string(max));
  }
  return value;
}

// An origin is scheme://host[:port], nothing after.
bool is_origin(const std::string& text) {
  std::string_view rest;
  if (text.starts_with("http://")) {
    rest = std::string_view(text).substr(7);
  } else if (text.starts_with("https://")) {
    rest = std::string_view(text).substr(8);
  } else {
    return false;
  }
  return !rest.empty() && rest.find_first_of("/?# ") == std::string_view::npos;
}

std::vector<std::string> parse_origins(const std::string& text) {
  std::vector<std::string> origins;
  std::string_view rest = text;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string item(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    auto first = item.find_first_not_of(' ');
    auto last = item.find_last_not_of(' ');
    if (first == std::string::npos) continue;
    item = item.substr(first, last - first + 1);
    if (!is_origin(item)) {
      throw ConfigError("EVENTD_CORS_ORIGINS: '" + item + "' is not an origin like https://events.example.org");
    }
    origins.push_back(item);
  }
  return origins;
}

std::vector<http::Network> parse_networks(const std::string& text) {
  std::vector<http::Network> networks;
  std::string_view rest = text;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string item(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (item.find_first_not_of(' ') == std::string::npos) continue;
    auto network = http::Network::parse(item);
    if (!network) {
      throw ConfigError("EVENTD_TRUSTED_PROXIES: '" + item + "' is not an address or network like 10.0.0.0/8");
    }
    networks.push_back(*network);
  }
  return networks;
}

}  // namespace

std::pair<std::string, unsigned short> parse_listen(const std::string& text) {
  auto fail = [&] { return ConfigError("EVENTD_LISTEN: '" + text + "' is not host:port (e.g. 127.0.0.1:8080)"); };
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) throw fail();
  std::string host = text.substr(0, colon);
  if (host.front() == '[') {
    if (host.back() != ']') throw fail();
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) throw fail();
  std::string port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc{} || end != port_text.data() + port_text.size() || port > 65535) {
    throw fail();
  }
  return {host, static_cast<unsigned short>(port)};
}

Config parse_config(const RawConfig& raw, unsigned cores) {
  Config config;
  if (raw.database_url.empty()) throw ConfigError("EVENTD_DATABASE_URL: must not be empty");
  config.database_url = raw.database_url;
  std::tie(config.host, config.port) = parse_listen(raw.listen);
  if (!raw.public_url.starts_with("http://") && !raw.public_url.starts_with("https://")) {
    throw ConfigError("EVENTD_PUBLIC_URL: '" + raw.public_url + "' must start with http:// or https://");
  }
  config.public_url = raw.public_url;
  while (config.public_url.ends_with('/')) config.public_url.pop_back();
  if (!raw.frontend_url.empty()) {
    if ((!raw.frontend_url.starts_with("http://") && !raw.frontend_url.starts_with("https://")) ||
        raw.frontend_url.find_first_of("?# ") != std::string::npos) {
      throw ConfigError("EVENTD_FRONTEND_URL: '" + raw.frontend_url +
                        "' must be an http:// or https:// base URL without a query or fragment");
    }
    config.frontend_url = raw.frontend_url;
    while (config.frontend_url.ends_with('/')) config.frontend_url.pop_back();
  }
  if (!domain::is_valid_timezone(raw.default_timezone)) {
    throw ConfigError("EVENTD_DEFAULT_TIMEZONE: '" + raw.default_timezone + "' is not an IANA time zone");
  }
  config.default_timezone = raw.default_timezone;
  cores = cores == 0 ? 1 : cores;
  config.threads = raw.threads.empty() ? cores : parse_count(raw.threads, "EVENTD_THREADS", 1, 256);
  config.db_pool = raw.db_pool.empty() ? 2 * cores : parse_count(raw.db_pool, "EVENTD_DB_POOL", 1, 1000);
  if (!raw.admin_key.empty()) {
    if (raw.admin_key.size() < 32) {
      throw ConfigError("EVENTD_ADMIN_KEY: must be at least 32 characters (e.g. openssl rand -hex 32)");
    }
    config.admin_key = raw.admin_key;
  }
  config.cors_origins = parse_origins(raw.cors_origins);
  if (raw.log_format == "text") {
    config.log_format = log::Format::text;
  } else if (raw.log_format == "json") {
    config.log_format = log::Format::json;
  } else {
    throw ConfigError("EVENTD_LOG_FORMAT: '" + raw.log_format + "' must be text or json");
  }
  config.max_body_bytes = parse_count(raw.max_body_bytes, "EVENTD_MAX_BODY_BYTES", 1024, 64 * 1024 * 1024);
  config.max_connections = parse_count(raw.max_connections, "EVENTD_MAX_CONNECTIONS", 1, 1000000);
  config.signup_queue = parse_count(raw.signup_queue, "EVENTD_SIGNUP_QUEUE", 1, 1000000);
  config.statement_timeout =
      std::chrono::milliseconds(parse_count(raw.statement_timeout_ms, "EVENTD_STATEMENT_TIMEOUT_MS", 10, 600000));
  config.shutdown_grace = std::chrono::seconds(parse_count(raw.shutdown_grace_s, "EVENTD_SHUTDOWN_GRACE_S", 0, 3600));
  config.feed_cache_bytes = parse_count(raw.feed_cache_mb, "EVENTD_FEED_CACHE_MB", 0, 64 * 1024) * 1024 * 1024;
  config.feed_past_days = static_cast<int>(parse_count(raw.feed_past_days, "EVENTD_FEED_PAST_DAYS", 0, 36500));
  config.feed_max_events =
      static_cast<std::size_t>(parse_count(raw.feed_max_events, "EVENTD_FEED_MAX_EVENTS", 1, 1000000));
  config.retention_days = static_cast<int>(parse_count(raw.retention_days, "EVENTD_RETENTION_DAYS", 1, 36500));
  config.retention_sweep =
      std::chrono::seconds(parse_count(raw.retention_sweep_s, "EVENTD_RETENTION_SWEEP_S", 1, 86400));
  config.task_reminder_lead =
      std::chrono::hours(parse_count(raw.task_reminder_hours, "EVENTD_TASK_REMINDER_HOURS", 1, 24 * 60));
  config.travel_data_days = static_cast<int>(parse_count(raw.travel_data_days, "EVENTD_TRAVEL_DATA_DAYS", 1, 36500));
  // A guessable key would seal nothing: at least 32 characters (openssl rand -hex 32).
  if (!raw.data_key.empty() && raw.data_key.size() < 32) {
    throw ConfigError("EVENTD_DATA_KEY must be at least 32 characters (e.g. openssl rand -hex 32)");
  }
  config.data_key = raw.data_key;
  config.rate_limit_per_minute =
      static_cast<double>(parse_count(raw.rate_limit_per_minute, "EVENTD_RATE_LIMIT_PER_MINUTE", 0, 1000000));
  config.rate_limit_burst =
      static_cast<double>(parse_count(raw.rate_limit_burst, "EVENTD_RATE_LIMIT_BURST", 1, 1000000));
  config.trusted_proxies = parse_networks(raw.trusted_proxies);
  if (!raw.smtp_url.empty()) {
    try {
      config.smtp = mail::parse_smtp_url(raw.smtp_url);
    } catch (const std::invalid_argument& error) {
      // Not the URL itself: it may hold a password.
      throw ConfigError(std::string("EVENTD_SMTP_URL: ") + error.what());
    }
    if (!raw.smtp_ca_file.empty()) {
      std::error_code error;
      if (!std::filesystem::is_regular_file(raw.smtp_ca_file, error)) {
        throw ConfigError("EVENTD_SMTP_CA_FILE: '" + raw.smtp_ca_file + "' is not a file (PEM CA certificates)");
      }
      config.smtp->ca_file = raw.smtp_ca_file;
    }
    auto from = mail::parse_mailbox(raw.mail_from);
    if (!from) {
      throw ConfigError(
          "EVENTD_MAIL_FROM: '" + raw.mail_from +
          "' must be an address like 'eventd <noreply@events.example.org>' (needed with EVENTD_SMTP_URL)");
    }
    config.mail_from = *from;
  } else if (auto from = mail::parse_mailbox(raw.mail_from)) {
    // Without SMTP nothing is sent, but invitations (invite.ics, the outbox) still name the
    // address as their ORGANIZER or SENT-BY.
    config.mail_from = *from;
  }
  config.mail_retry = std::chrono::milliseconds(parse_count(raw.mail_retry_ms, "EVENTD_MAIL_RETRY_MS", 10, 86400000));
  config.mail_retry_max =
      std::chrono::milliseconds(parse_count(raw.mail_retry_max_ms, "EVENTD_MAIL_RETRY_MAX_MS", 10, 7 * 86400000LL));
  config.mail_max_attempts = static_cast<int>(parse_count(raw.mail_max_attempts, "EVENTD_MAIL_MAX_ATTEMPTS", 1, 1000));
  config.mail_poll = std::chrono::milliseconds(parse_count(raw.mail_poll_ms, "EVENTD_MAIL_POLL_MS", 10, 3600000));
  config.change_notice_delay =
      std::chrono::seconds(parse_count(raw.change_notice_delay_s, "EVENTD_CHANGE_NOTICE_DELAY_S", 0, 86400));
  try {
    webhook::AddressPolicy::parse(raw.webhook_allowed_networks);
  } catch (const std::invalid_argument& error) {
    throw ConfigError(std::string("EVENTD_WEBHOOK_ALLOWED_NETWORKS: ") + error.what());
  }
  config.webhook_allowed_networks = raw.webhook_allowed_networks;
  config.webhook_timeout =
      std::chrono::milliseconds(parse_count(raw.webhook_timeout_ms, "EVENTD_WEBHOOK_TIMEOUT_MS", 100, 60000));
  config.webhook_retry_unit =
      std::chrono::milliseconds(parse_count(raw.webhook_retry_unit_ms, "EVENTD_WEBHOOK_RETRY_UNIT_MS", 1, 60000));
  config.webhook_poll =
      std::chrono::milliseconds(parse_count(raw.webhook_poll_ms, "EVENTD_WEBHOOK_POLL_MS", 10, 3600000));
  return config;
}

}  // namespace eventd::app
