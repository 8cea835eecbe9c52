#include "services/database.hpp"

#include <soci/soci.h>

#include "db/sql_error.hpp"
#include "domain/error.hpp"

namespace eventd::services {

Database::Database(db::PoolOptions options, std::size_t max_waiting)
    : pool_(options), threads_(options.size == 0 ? 1 : options.size), max_waiting_(max_waiting) {}

Database::~Database() { shutdown(); }

void Database::shutdown() { threads_.join(); }

Database::Admission::Admission(Database& db) : db_(db) {
  if (++db_.waiting_ > db_.max_waiting_) {
    --db_.waiting_;
    throw domain::Error(domain::Problem::unavailable);
  }
}

void Database::rethrow_as_domain_error(soci::session& session) {
  try {
    throw;
  } catch (const std::exception& e) {
    if (auto error = db::sql_error(e)) {
      if (db::is_connection_failure(*error)) {
        pool_.check_after_error(session);
        throw domain::Error(domain::Problem::unavailable, domain::detail("database_unreachable"));
      }
      if (error->sqlstate == db::query_canceled) {
        throw domain::Error(domain::Problem::unavailable, domain::detail("database_too_slow"));
      }
    }
    throw;
  }
}

}  // namespace eventd::services
