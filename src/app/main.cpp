// eventd: serve, migrate, keys, demo.
#include <soci/soci.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <map>
#include <thread>

#include "app/app.hpp"
#include "app/config.hpp"
#include "common/log.hpp"
#include "db/migrations.hpp"
#include "domain/api_key.hpp"
#include "domain/error.hpp"
#include "pages/catalogue.hpp"
#include "services/api_key_service.hpp"
#include "services/database.hpp"
#include "services/secrets.hpp"

namespace {

using eventd::app::Config;
using eventd::app::RawConfig;

void add_config_options(CLI::App& cli, RawConfig& raw) {
  // --help shows each default: deploy/eventd.env is checked against it (tests/tools/check_env_file.py).
  cli.option_defaults()->always_capture_default();
  cli.add_option("--database-url", raw.database_url, "libpq connection string or URI")->envname("EVENTD_DATABASE_URL");
  cli.add_option("--listen", raw.listen, "address:port to listen on")->envname("EVENTD_LISTEN");
  cli.add_option("--public-url", raw.public_url, "base of URLs and of iCalendar UIDs")->envname("EVENTD_PUBLIC_URL");
  cli.add_option("--frontend-url", raw.frontend_url, "the web frontend people's links lead to (empty: eventd's pages)")
      ->envname("EVENTD_FRONTEND_URL");
  cli.add_option("--default-timezone", raw.default_timezone, "the zone of plain dates in queries without ?tz=")
      ->envname("EVENTD_DEFAULT_TIMEZONE");
  cli.add_option("--threads", raw.threads, "I/O threads (default: cores)")->envname("EVENTD_THREADS");
  cli.add_option("--db-pool", raw.db_pool, "database connections (default: 2 x cores)")->envname("EVENTD_DB_POOL");
  cli.add_option("--admin-key", raw.admin_key, "an admin key with this value exists")->envname("EVENTD_ADMIN_KEY");
  cli.add_option("--cors-origins", raw.cors_origins, "comma-separated origins of the web frontend")
      ->envname("EVENTD_CORS_ORIGINS");
  cli.add_option("--log-format", raw.log_format, "text or json")->envname("EVENTD_LOG_FORMAT");
  cli.add_option("--max-body-bytes", raw.max_body_bytes, "largest request body accepted")
      ->envname("EVENTD_MAX_BODY_BYTES");
  cli.add_option("--signup-queue", raw.signup_queue,
                 "sign-ups of one event waiting for their batch at once (more are answered 503)")
      ->envname("EVENTD_SIGNUP_QUEUE");
  cli.add_option("--max-connections", raw.max_connections, "client connections open at once (more are closed)")
      ->envname("EVENTD_MAX_CONNECTIONS");
  cli.add_option("--statement-timeout-ms", raw.statement_timeout_ms, "bound on every SQL statement")
      ->envname("EVENTD_STATEMENT_TIMEOUT_MS");
  cli.add_option("--shutdown-grace", raw.shutdown_grace_s, "seconds to finish requests in flight on SIGTERM")
      ->envname("EVENTD_SHUTDOWN_GRACE_S");
  cli.add_option("--feed-cache-mb", raw.feed_cache_mb, "memory for rendered calendar feeds (0: no cache)")
      ->envname("EVENTD_FEED_CACHE_MB");
  cli.add_option("--feed-past-days", raw.feed_past_days,
                 "list feeds hold every event not yet ended and those ended this many days ago")
      ->envname("EVENTD_FEED_PAST_DAYS");
  cli.add_option("--feed-max-events", raw.feed_max_events,
                 "events a list feed holds at most; past ones beyond it are dropped, furthest past first")
      ->envname("EVENTD_FEED_MAX_EVENTS");
  cli.add_option("--retention-days", raw.retention_days, "anonymise registrations this long after their event ended")
      ->envname("EVENTD_RETENTION_DAYS");
  cli.add_option("--retention-sweep", raw.retention_sweep_s, "seconds between retention sweeps")
      ->envname("EVENTD_RETENTION_SWEEP_S");
  cli.add_option("--task-reminder-hours", raw.task_reminder_hours,
                 "hours before a study trip's task falls due that its open-task reminder is e-mailed")
      ->envname("EVENTD_TASK_REMINDER_HOURS");
  cli.add_option("--travel-data-days", raw.travel_data_days,
                 "delete travellers' passport details this many days after their trip ended")
      ->envname("EVENTD_TRAVEL_DATA_DAYS");
  cli.add_option("--data-key", raw.data_key,
                 "seals passport details and webhook secrets at rest (at least 32 characters); empty: none are kept")
      ->envname("EVENTD_DATA_KEY");
  cli.add_option("--rate-limit-per-minute", raw.rate_limit_per_minute,
                 "public writes per client address and minute (0: no limit)")
      ->envname("EVENTD_RATE_LIMIT_PER_MINUTE");
  cli.add_option("--rate-limit-burst", raw.rate_limit_burst, "public writes a client may make at once")
      ->envname("EVENTD_RATE_LIMIT_BURST");
  cli.add_option("--trusted-proxies", raw.trusted_proxies,
                 "comma-separated proxy addresses/networks whose X-Forwarded-For is believed")
      ->envname("EVENTD_TRUSTED_PROXIES");
  cli.add_option(
         "--smtp-url", raw.smtp_url,
         "smtp://[user:password@]host[:port][?starttls=required] or smtps://...; empty: mail stays in the outbox")
      ->envname("EVENTD_SMTP_URL");
  cli.add_option("--smtp-ca-file", raw.smtp_ca_file,
                 "PEM file of the CA certificates to verify the SMTP server's certificate with (default: the system's)")
      ->envname("EVENTD_SMTP_CA_FILE");
  cli.add_option("--mail-from", raw.mail_from, "sender of the messages, e.g. 'eventd <noreply@example.org>'")
      ->envname("EVENTD_MAIL_FROM");
  cli.add_option("--mail-retry-ms", raw.mail_retry_ms, "first retry after a failed delivery; doubles each time")
      ->envname("EVENTD_MAIL_RETRY_MS");
  cli.add_option("--mail-retry-max-ms", raw.mail_retry_max_ms, "longest wait between delivery attempts")
      ->envname("EVENTD_MAIL_RETRY_MAX_MS");
  cli.add_option("--mail-max-attempts", raw.mail_max_attempts, "delivery attempts before a message is given up")
      ->envname("EVENTD_MAIL_MAX_ATTEMPTS");
  cli.add_option("--mail-poll-ms", raw.mail_poll_ms, "how often the sender looks for due messages")
      ->envname("EVENTD_MAIL_POLL_MS");
  cli.add_option("--change-notice-delay-s", raw.change_notice_delay_s,
                 "how long a change notice to participants waits for further changes (0: at once)")
      ->envname("EVENTD_CHANGE_NOTICE_DELAY_S");
  cli.add_option("--webhook-allowed-networks", raw.webhook_allowed_networks,
                 "comma-separated networks webhooks may go to although private or loopback (plain http too)")
      ->envname("EVENTD_WEBHOOK_ALLOWED_NETWORKS");
  cli.add_option("--webhook-timeout-ms", raw.webhook_timeout_ms, "the longest one webhook POST may take")
      ->envname("EVENTD_WEBHOOK_TIMEOUT_MS");
  cli.add_option("--webhook-retry-unit-ms", raw.webhook_retry_unit_ms,
                 "unit of the webhook retry schedule (5000: retries over about three days)")
      ->envname("EVENTD_WEBHOOK_RETRY_UNIT_MS");
  cli.add_option("--webhook-poll-ms", raw.webhook_poll_ms, "how often the webhook sender looks for due deliveries")
      ->envname("EVENTD_WEBHOOK_POLL_MS");
}

int serve(const Config& config) {
  eventd::app::App app(config);
  app.start();
  app.run(/*handle_signals=*/true);
  return 0;
}

int migrate(const Config& config, bool status_only) {
  eventd::services::Database db({config.database_url, 1, config.statement_timeout}, 1);
  auto migrations = eventd::app::bundled_migrations();
  if (status_only) {
    auto status =
        db.run_blocking([&](soci::session& session) { return eventd::db::migration_status(session, migrations); });
    for (const auto& m : status) {
      std::printf("%-40s %s\n", m.name.c_str(), m.applied ? ("applied " + m.applied_at).c_str() : "pending");
    }
    return 0;
  }
  int applied =
      db.run_blocking([&](soci::session& session) { return eventd::db::apply_migrations(session, migrations); });
  std::printf("%d migration(s) applied, %zu known\n", applied, migrations.size());
  return 0;
}

struct KeysCreateOptions {
  std::string role;
  std::string organisation;  // slug or id; empty for an admin key
  std::string name = "created with eventd keys create";
};

// Prints the new key, alone on one line of stdout, so a script can capture it; what it is
// goes to stderr. Needs a migrated database: it never migrates by itself.
int keys_create(const Config& config, const KeysCreateOptions& options) {
  eventd::services::Database db({config.database_url, 1, config.statement_timeout}, 1);
  auto migrations = eventd::app::bundled_migrations();
  bool migrated =
      db.run_blocking([&](soci::session& session) { return eventd::db::is_fully_migrated(session, migrations); });
  if (!migrated) {
    std::fprintf(stderr, "eventd: the database is not migrated (or not fully); run `eventd migrate` first\n");
    return 1;
  }
  eventd::services::NewApiKey request;
  request.name = options.name;
  request.role = eventd::domain::parse_role(options.role).value_or(eventd::domain::Role::organiser);
  if (!options.organisation.empty()) request.organisation = options.organisation;
  auto created = eventd::services::create_api_key_blocking(db, request);
  std::printf("%s\n", created.key.c_str());
  std::fflush(stdout);
  std::fprintf(stderr, "created %s key %s (%s)%s%s\n", options.role.c_str(), created.record.id.c_str(),
               created.record.key_prefix.c_str(), created.record.organisation_id ? " for organisation " : "",
               created.record.organisation_id.value_or("").c_str());
  return 0;
}

// Loads the demo events through the route table with a key that exists only for this run.
// Idempotent: what exists (by slug) is left alone.
int demo(Config config) {
  config.admin_key = eventd::services::new_secret("evk_demo_");
  eventd::app::App app(config);
  app.migrate(std::chrono::seconds(30));
  auto report = app.load_demo();
  for (const auto& failure : report.failures) std::fprintf(stderr, "eventd demo: %s\n", failure.c_str());
  std::printf("demo data: %d created, %d already there%s\n", report.created, report.existing,
              report.failures.empty() ? "" : ", some failed (see above)");
  return report.failures.empty() ? 0 : 1;
}

// A 422 from the use case, as one line per field, in the command line's terms, with the
// value that was given (`given`: option name → value).
void print_error(const eventd::domain::Error& error, const std::map<std::string, std::string>& given = {}) {
  // The command line speaks English, as its options do.
  std::fprintf(stderr, "eventd: %s\n", eventd::pages::problem_detail(error, eventd::pages::Language::en).c_str());
  for (const auto& field : error.fields()) {
    std::string name = field.field == "organisation_id" ? "--organisation"
                       : field.field == "name"          ? "--name"
                                                        : field.field;
    auto value = given.find(name);
    std::fprintf(stderr, "  %s%s: %s\n", name.c_str(), value == given.end() ? "" : (" " + value->second).c_str(),
                 eventd::pages::field_message(field, eventd::pages::Language::en).c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"eventd: seminars, webinars, digital conferences and study trips, as a REST service"};
  cli.set_version_flag("--version", EVENTD_VERSION);
  cli.require_subcommand(1);
  cli.fallthrough();
  RawConfig raw;
  add_config_options(cli, raw);

  auto* serve_cmd = cli.add_subcommand("serve", "run the HTTP service (applies pending migrations first)");
  auto* migrate_cmd = cli.add_subcommand("migrate", "apply pending migrations and exit");
  bool status_only = false;
  migrate_cmd->add_flag("--status", status_only, "list migrations and whether they are applied");

  auto* keys_cmd = cli.add_subcommand("keys", "manage API keys (needs a migrated database)");
  keys_cmd->require_subcommand(1);
  auto* keys_create_cmd = keys_cmd->add_subcommand("create", "create an API key and print it once, on stdout");
  KeysCreateOptions keys_options;
  keys_create_cmd->add_option("--role", keys_options.role, "admin or organiser")
      ->required()
      ->check(CLI::IsMember({"admin", "organiser"}));
  keys_create_cmd->add_option("--organisation", keys_options.organisation,
                              "the organisation (slug or id) an organiser key acts for");
  keys_create_cmd->add_option("--name", keys_options.name, "who or what the key is for")->capture_default_str();

  auto* demo_cmd = cli.add_subcommand("demo", "load the demo events (idempotent)");

  CLI11_PARSE(cli, argc, argv);

  Config config;
  try {
    config = eventd::app::parse_config(raw, std::thread::hardware_concurrency());
  } catch (const eventd::app::ConfigError& error) {
    std::fprintf(stderr, "eventd: invalid configuration: %s\n", error.what());
    return 2;
  }
  eventd::log::set_format(config.log_format);

  try {
    if (serve_cmd->parsed()) return serve(config);
    if (migrate_cmd->parsed()) return migrate(config, status_only);
    if (keys_create_cmd->parsed()) return keys_create(config, keys_options);
    if (demo_cmd->parsed()) return demo(config);
  } catch (const eventd::domain::Error& error) {
    print_error(error, {{"--organisation", keys_options.organisation}, {"--name", keys_options.name}});
    return 1;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "eventd: %s\n", error.what());
    return 1;
  }
  return 0;
}
