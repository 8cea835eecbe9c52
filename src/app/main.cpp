// eventd: serve, migrate, keys, demo.
#include <soci/soci.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <thread>

#include "app/app.hpp"
#include "app/config.hpp"
#include "common/log.hpp"
#include "domain/error.hpp"
#include "services/database.hpp"

namespace {

using eventd::app::Config;
using eventd::app::RawConfig;

void add_config_options(CLI::App& cli, RawConfig& raw) {
  cli.add_option("--database-url", raw.database_url, "libpq connection string or URI")->envname("EVENTD_DATABASE_URL");
  cli.add_option("--listen", raw.listen, "address:port to listen on")->envname("EVENTD_LISTEN");
  cli.add_option("--public-url", raw.public_url, "base of URLs and of iCalendar UIDs")->envname("EVENTD_PUBLIC_URL");
  cli.add_option("--threads", raw.threads, "I/O threads (default: cores)")->envname("EVENTD_THREADS");
  cli.add_option("--db-pool", raw.db_pool, "database connections (default: 2 x cores)")->envname("EVENTD_DB_POOL");
  cli.add_option("--admin-key", raw.admin_key, "an admin key with this value exists")->envname("EVENTD_ADMIN_KEY");
  cli.add_option("--cors-origins", raw.cors_origins, "comma-separated origins of the web frontend")
      ->envname("EVENTD_CORS_ORIGINS");
  cli.add_option("--log-format", raw.log_format, "text or json")->envname("EVENTD_LOG_FORMAT");
  cli.add_option("--max-body-bytes", raw.max_body_bytes, "largest request body accepted")
      ->envname("EVENTD_MAX_BODY_BYTES");
  cli.add_option("--statement-timeout-ms", raw.statement_timeout_ms, "bound on every SQL statement")
      ->envname("EVENTD_STATEMENT_TIMEOUT_MS");
  cli.add_option("--shutdown-grace", raw.shutdown_grace_s, "seconds to finish requests in flight on SIGTERM")
      ->envname("EVENTD_SHUTDOWN_GRACE_S");
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
    auto status = db.run_blocking(
        [&](soci::session& session) { return eventd::db::migration_status(session, migrations); });
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
  } catch (const eventd::domain::Error& error) {
    std::fprintf(stderr, "eventd: %s\n", error.detail().c_str());
    return 1;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "eventd: %s\n", error.what());
    return 1;
  }
  return 0;
}
