#include "app/app.hpp"

#include <thread>

#include "app/embedded.hpp"
#include "common/log.hpp"
#include "domain/error.hpp"
#include "http/backend.hpp"
#include "http/metrics.hpp"
#include "http/routes.hpp"
#include "http/server.hpp"
#include "services/auth.hpp"
#include "services/database.hpp"

namespace eventd::app {

std::vector<db::Migration> bundled_migrations() {
  std::vector<db::Migration> migrations;
  for (const auto& file : embedded::migrations()) migrations.push_back({0, std::string(file.name), file.content});
  return db::order_migrations(std::move(migrations));
}

namespace {
std::string_view bundled_contract() {
  auto files = embedded::contract();
  return files.empty() ? std::string_view{} : files.front().content;
}
}  // namespace

struct App::Parts {
  explicit Parts(Config c)
      : config(std::move(c)),
        db(db::PoolOptions{config.database_url, config.db_pool, config.statement_timeout},
           /*max_waiting=*/config.db_pool * 64),
        auth(config.admin_key),
        backend{db, auth, metrics, bundled_migrations(), bundled_contract(), config.public_url, {}},
        router(http::make_router()),
        server(server_options(config), router, backend, metrics) {
    backend.open_connections = [this] { return server.open_connections(); };
  }

  static http::ServerOptions server_options(const Config& config) {
    http::ServerOptions options;
    options.host = config.host;
    options.port = config.port;
    options.threads = config.threads;
    options.max_body_bytes = config.max_body_bytes;
    options.cors_origins = config.cors_origins;
    options.shutdown_grace = config.shutdown_grace;
    return options;
  }

  Config config;
  http::Metrics metrics;
  services::Database db;
  services::Authenticator auth;
  http::Backend backend;
  http::Router router;
  http::Server server;
};

App::App(Config config) : parts_(std::make_unique<Parts>(std::move(config))) {}

App::~App() = default;

services::Database& App::database() { return parts_->db; }

void App::start(std::chrono::seconds wait) {
  auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    try {
      int applied = parts_->db.run_blocking(
          [&](soci::session& session) { return db::apply_migrations(session, parts_->backend.migrations); });
      log::info("database migrated", {{"applied", std::to_string(applied)}});
      break;
    } catch (const domain::Error& error) {
      if (error.code() != domain::ErrorCode::unavailable || std::chrono::steady_clock::now() >= deadline) {
        throw std::runtime_error("cannot start: " + error.detail());
      }
      log::warn("waiting for the database", {{"reason", error.detail()}});
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  }
  parts_->server.listen();
  log::info("listening", {{"address", parts_->config.host + ":" + std::to_string(port())},
                          {"public_url", parts_->config.public_url}});
}

unsigned short App::port() const { return parts_->server.port(); }

void App::run(bool handle_signals) {
  parts_->server.run(handle_signals);
  parts_->db.shutdown();
  log::info("stopped");
}

void App::shutdown() { parts_->server.shutdown(); }

}  // namespace eventd::app
