#pragma once
// Numbered, forward-only migrations from schema/, compiled into the binary.
#include <string>
#include <string_view>
#include <vector>

namespace soci {
class session;
}

namespace eventd::db {

struct Migration {
  int version;       // from the file name: 001_catalogue.sql -> 1
  std::string name;  // the file name
  std::string_view sql;
};

struct MigrationStatus {
  int version;
  std::string name;
  bool applied;
  std::string applied_at;  // empty when pending
};

// Parses the version from each file name and sorts; throws std::runtime_error on a
// malformed name or a repeated version.
std::vector<Migration> order_migrations(std::vector<Migration> migrations);

// Applies what is pending, each in its own transaction, under a PostgreSQL advisory lock
// so that several instances starting together apply each migration exactly once. Throws
// std::runtime_error with a clear message when an applied migration was edited since.
// Returns the number applied.
int apply_migrations(soci::session& session, const std::vector<Migration>& migrations);

std::vector<MigrationStatus> migration_status(soci::session& session, const std::vector<Migration>& migrations);

// True when every known migration is applied (for /readyz).
bool is_fully_migrated(soci::session& session, const std::vector<Migration>& migrations);

std::string sha256_hex(std::string_view data);

}  // namespace eventd::db
