#pragma once
// The service's configuration: environment variables, each with a --flag twin.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/log.hpp"
#include "http/client_address.hpp"
#include "mail/mime.hpp"
#include "mail/smtp.hpp"

namespace eventd::app {

inline constexpr const char* default_database_url = "postgresql://eventd@127.0.0.1:54320/eventd";

struct Config {
  std::string database_url = default_database_url;
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  std::string public_url = "http://127.0.0.1:8080";
  std::string frontend_url;  // empty: people's links lead to eventd's own pages (domain/links.hpp)
  // The zone of a plain date in a query (?from=2027-05-01) when the request names none (?tz=).
  std::string default_timezone = "Europe/Stockholm";
  std::size_t threads = 2;
  std::size_t db_pool = 4;
  std::optional<std::string> admin_key;
  std::vector<std::string> cors_origins;
  log::Format log_format = log::Format::text;
  std::size_t max_body_bytes = 1024 * 1024;
  std::size_t max_connections = 10000;
  std::size_t signup_queue = 1024;
  std::chrono::milliseconds statement_timeout{5000};
  std::chrono::milliseconds shutdown_grace{20000};
  std::size_t feed_cache_bytes = 64 * 1024 * 1024;  // rendered feeds kept in memory; 0: none
  // List feeds: every event not ended, and those ended in the last feed_past_days days while
  // the feed holds fewer than feed_max_events (services/feed_service.hpp).
  int feed_past_days = 90;
  std::size_t feed_max_events = 1000;
  // Registrations of events that ended longer ago than this are anonymised by the service.
  int retention_days = 90;
  std::chrono::seconds retention_sweep{3600};
  // How long before a task of a study trip falls due its reminder goes (services/task_service.hpp).
  std::chrono::hours task_reminder_lead{48};
  // Travellers' passport details are deleted this long after their trip ended.
  int travel_data_days = 30;
  // Seals them at rest (services/travel_document_service.hpp); empty: none are kept.
  std::string data_key;
  // Public writes (registrations, media requests) per client address: a token bucket.
  double rate_limit_per_minute = 30;  // 0: no limit
  double rate_limit_burst = 10;
  std::vector<http::Network> trusted_proxies;  // whose X-Forwarded-For is believed
  // E-mail: without an SMTP server the outbox still fills (and can be read through the API).
  std::optional<mail::SmtpSettings> smtp;
  mail::Mailbox mail_from;                      // required with smtp; also the invitations' ORGANIZER/SENT-BY
  std::chrono::milliseconds mail_retry{30000};  // first retry; doubles up to mail_retry_max
  std::chrono::milliseconds mail_retry_max{3600000};
  int mail_max_attempts = 50;
  std::chrono::milliseconds mail_poll{2000};  // how often the sender looks for due messages
  // A change notice waits this long for further changes: a burst of edits makes one message.
  std::chrono::seconds change_notice_delay{300};
  // Webhooks (services/webhook_service.hpp): networks a target may be in although they are
  // private or loopback (and where plain http is allowed), the time one POST may take, the
  // unit of the retry schedule (5 s: about three days in all), how often the sender looks.
  std::string webhook_allowed_networks;
  std::chrono::milliseconds webhook_timeout{10000};
  std::chrono::milliseconds webhook_retry_unit{5000};
  std::chrono::milliseconds webhook_poll{1000};
};

// The raw texts as given on the command line or in the environment.
struct RawConfig {
  std::string database_url = default_database_url;
  std::string listen = "127.0.0.1:8080";
  std::string public_url = "http://127.0.0.1:8080";
  std::string frontend_url;
  std::string default_timezone = "Europe/Stockholm";
  std::string threads;  // empty: number of cores
  std::string db_pool;  // empty: 2 x cores
  std::string admin_key;
  std::string cors_origins;
  std::string log_format = "text";
  std::string max_body_bytes = "1048576";
  std::string max_connections = "10000";
  std::string signup_queue = "1024";
  std::string statement_timeout_ms = "5000";
  std::string shutdown_grace_s = "20";
  std::string feed_cache_mb = "64";
  std::string feed_past_days = "90";
  std::string feed_max_events = "1000";
  std::string retention_days = "90";
  std::string retention_sweep_s = "3600";
  std::string task_reminder_hours = "48";
  std::string travel_data_days = "30";
  std::string data_key;
  std::string rate_limit_per_minute = "30";
  std::string rate_limit_burst = "10";
  std::string trusted_proxies;
  std::string smtp_url;
  std::string smtp_ca_file;
  std::string mail_from;
  std::string mail_retry_ms = "30000";
  std::string mail_retry_max_ms = "3600000";
  std::string mail_max_attempts = "50";
  std::string mail_poll_ms = "2000";
  std::string change_notice_delay_s = "300";
  std::string webhook_allowed_networks;
  std::string webhook_timeout_ms = "10000";
  std::string webhook_retry_unit_ms = "5000";
  std::string webhook_poll_ms = "1000";
};

// Throws ConfigError naming the variable and what is wrong, in one line.
Config parse_config(const RawConfig& raw, unsigned cores);

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// "127.0.0.1:8080", "[::1]:8080" -> host and port.
std::pair<std::string, unsigned short> parse_listen(const std::string& text);

}  // namespace eventd::app
