#include "db/migrations.hpp"

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <stdexcept>

namespace eventd::db {

namespace {

// Any fixed number; all instances agree on it.
constexpr long long migration_lock_key = 7406251988;

// A migration file may hold many statements; libpq's simple query protocol runs them all.
void exec_script(soci::session& session, std::string_view sql, const std::string& name) {
  auto* backend = static_cast<soci::postgresql_session_backend*>(session.get_backend());
  PGresult* result = PQexec(backend->conn_, std::string(sql).c_str());
  const bool ok = result && (PQresultStatus(result) == PGRES_COMMAND_OK || PQresultStatus(result) == PGRES_TUPLES_OK);
  std::string message = ok ? "" : PQerrorMessage(backend->conn_);
  PQclear(result);
  if (!ok) throw std::runtime_error("migration " + name + " failed: " + message);
}

class AdvisoryLock {
 public:
  explicit AdvisoryLock(soci::session& session) : session_(session) {
    session_ << "SELECT pg_advisory_lock(" << migration_lock_key << ")";
  }
  ~AdvisoryLock() {
    try {
      session_ << "SELECT pg_advisory_unlock(" << migration_lock_key << ")";
    } catch (...) {
      // The lock is released with the session anyway.
    }
  }
  AdvisoryLock(const AdvisoryLock&) = delete;
  AdvisoryLock& operator=(const AdvisoryLock&) = delete;

 private:
  soci::session& session_;
};

struct Applied {
  std::string name;
  std::string checksum;
  std::string applied_at;
};

bool table_exists(soci::session& session) {
  soci::indicator ind;
  std::string regclass;
  session << "SELECT to_regclass('schema_migrations')::text", soci::into(regclass, ind);
  return ind == soci::i_ok;
}

std::map<int, Applied> read_applied(soci::session& session) {
  std::map<int, Applied> applied;
  if (!table_exists(session)) return applied;
  soci::rowset<soci::row> rows = (session.prepare << "SELECT version, name, checksum, "
                                                     "to_char(applied_at, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
                                                     "FROM schema_migrations ORDER BY version");
  for (const auto& row : rows) {
    applied[row.get<int>(0)] = Applied{row.get<std::string>(1), row.get<std::string>(2), row.get<std::string>(3)};
  }
  return applied;
}

void verify_unchanged(const Migration& m, const Applied& a) {
  if (a.checksum != sha256_hex(m.sql)) {
    throw std::runtime_error("migration " + m.name +
                             " was changed after it was applied; migrations are forward-only, add a new one instead");
  }
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char byte : digest) {
    hex += digits[byte >> 4];
    hex += digits[byte & 0x0f];
  }
  return hex;
}

std::vector<Migration> order_migrations(std::vector<Migration> migrations) {
  for (auto& m : migrations) {
    int version = 0;
    auto [end, ec] = std::from_chars(m.name.data(), m.name.data() + m.name.size(), version);
    if (ec != std::errc{} || end == m.name.data() || *end != '_' || version <= 0 || !m.name.ends_with(".sql")) {
      throw std::runtime_error("migration file name must look like 001_name.sql: " + m.name);
    }
    m.version = version;
  }
  std::sort(migrations.begin(), migrations.end(), [](auto& a, auto& b) { return a.version < b.version; });
  for (std::size_t i = 1; i < migrations.size(); ++i) {
    if (migrations[i].version == migrations[i - 1].version) {
      throw std::runtime_error("two migrations share version " + std::to_string(migrations[i].version));
    }
  }
  return migrations;
}

namespace {

// Sets client_min_messages for a while; the session's own level comes back afterwards (pool
// connections rely on theirs: see db::ConnectionPool::capture_notices).
class MessageLevel {
 public:
  MessageLevel(soci::session& session, const std::string& level) : session_(session) {
    session_ << "SHOW client_min_messages", soci::into(previous_);
    session_ << "SELECT set_config('client_min_messages', :level, false)", soci::use(level);
  }
  ~MessageLevel() {
    try {
      session_ << "SELECT set_config('client_min_messages', :level, false)", soci::use(previous_);
    } catch (...) {
      // A broken connection is reopened (with its settings) by the pool.
    }
  }
  MessageLevel(const MessageLevel&) = delete;
  MessageLevel& operator=(const MessageLevel&) = delete;

 private:
  soci::session& session_;
  std::string previous_;
};

}  // namespace

int apply_migrations(soci::session& session, const std::vector<Migration>& migrations) {
  // Migrations say IF NOT EXISTS often; their NOTICEs are noise on the terminal.
  MessageLevel quiet(session, "warning");
  AdvisoryLock lock(session);
  session << "CREATE TABLE IF NOT EXISTS schema_migrations ("
             " version integer CONSTRAINT schema_migrations_pkey PRIMARY KEY,"
             " name text NOT NULL,"
             " checksum text NOT NULL,"
             " applied_at timestamptz NOT NULL DEFAULT now())";
  auto applied = read_applied(session);
  int count = 0;
  for (const auto& m : migrations) {
    if (auto it = applied.find(m.version); it != applied.end()) {
      verify_unchanged(m, it->second);
      continue;
    }
    exec_script(session, "BEGIN", m.name);
    try {
      exec_script(session, m.sql, m.name);
      std::string name = m.name;
      std::string checksum = sha256_hex(m.sql);
      int version = m.version;
      session << "INSERT INTO schema_migrations (version, name, checksum) VALUES (:v, :n, :c)", soci::use(version),
          soci::use(name), soci::use(checksum);
      exec_script(session, "COMMIT", m.name);
    } catch (...) {
      try {
        exec_script(session, "ROLLBACK", m.name);
      } catch (...) {
      }
      throw;
    }
    ++count;
  }
  for (const auto& [version, a] : applied) {
    bool known = std::any_of(migrations.begin(), migrations.end(), [&](auto& m) { return m.version == version; });
    if (!known) {
      throw std::runtime_error("the database has migration " + a.name +
                               ", which this eventd does not know: it is older than the database");
    }
  }
  return count;
}

std::vector<MigrationStatus> migration_status(soci::session& session, const std::vector<Migration>& migrations) {
  auto applied = read_applied(session);
  std::vector<MigrationStatus> status;
  for (const auto& m : migrations) {
    auto it = applied.find(m.version);
    status.push_back({m.version, m.name, it != applied.end(), it != applied.end() ? it->second.applied_at : ""});
  }
  return status;
}

bool is_fully_migrated(soci::session& session, const std::vector<Migration>& migrations) {
  auto applied = read_applied(session);
  return std::all_of(migrations.begin(), migrations.end(), [&](auto& m) { return applied.contains(m.version); });
}

}  // namespace eventd::db
