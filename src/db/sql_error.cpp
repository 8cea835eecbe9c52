#include "db/sql_error.hpp"

#include <soci/postgresql/soci-postgresql.h>

namespace eventd::db {

namespace {

std::string constraint_from_message(const std::string& message) {
  // PostgreSQL's messages name the constraint as: ... constraint "name"
  const std::string marker = "constraint \"";
  auto start = message.find(marker);
  if (start == std::string::npos) return {};
  start += marker.size();
  auto end = message.find('"', start);
  if (end == std::string::npos) return {};
  return message.substr(start, end - start);
}

}  // namespace

std::optional<SqlError> sql_error(const std::exception& e) {
  if (auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&e)) {
    return SqlError{pg->sqlstate(), constraint_from_message(pg->what()), pg->what()};
  }
  if (auto* soci_error = dynamic_cast<const soci::soci_error*>(&e)) {
    // Errors without a SQLSTATE: typically a lost connection.
    return SqlError{"08000", {}, soci_error->what()};
  }
  return std::nullopt;
}

bool is_connection_failure(const SqlError& error) {
  return error.sqlstate.starts_with("08") || error.sqlstate == "57P01" || error.sqlstate == "57P02" ||
         error.sqlstate == "57P03";
}

}  // namespace eventd::db
