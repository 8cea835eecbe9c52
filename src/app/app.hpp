#pragma once
// Wiring: configuration -> database -> migrations -> routes -> server.
#include <memory>
#include <vector>

#include "app/config.hpp"
#include "app/demo.hpp"
#include "db/migrations.hpp"

namespace eventd::services {
class Database;
}

namespace eventd::app {

std::vector<db::Migration> bundled_migrations();

class App {
 public:
  explicit App(Config config);
  ~App();

  // Applies pending migrations (waiting up to `wait` for the database to come up), then
  // binds the listening socket. Throws std::runtime_error with a one-line reason.
  void start(std::chrono::seconds wait = std::chrono::seconds(30));
  void migrate(std::chrono::seconds wait);

  // Loads the demo events through the route table, as the admin key of the configuration.
  DemoReport load_demo();
  unsigned short port() const;
  // Serves until shutdown() or, with signals, SIGTERM/SIGINT; then closes the pool.
  void run(bool handle_signals);
  void shutdown();

  services::Database& database();

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace eventd::app
