#pragma once
// What PostgreSQL said when a statement failed, so repositories can map a named
// constraint to the precise domain error.
#include <exception>
#include <optional>
#include <string>

namespace eventd::db {

struct SqlError {
  std::string sqlstate;    // e.g. "23505" unique_violation, "23P01" exclusion_violation
  std::string constraint;  // the named constraint, when the message names one
  std::string message;
};

// Returns nullopt for exceptions that did not come from PostgreSQL.
std::optional<SqlError> sql_error(const std::exception& e);

inline constexpr const char* unique_violation = "23505";
inline constexpr const char* foreign_key_violation = "23503";
inline constexpr const char* check_violation = "23514";
inline constexpr const char* exclusion_violation = "23P01";
inline constexpr const char* serialization_failure = "40001";
inline constexpr const char* deadlock_detected = "40P01";
inline constexpr const char* query_canceled = "57014";  // statement_timeout

// Connection-level failures (class 08, admin shutdown 57P01..57P03) mean the database is
// unavailable rather than that the request was wrong.
bool is_connection_failure(const SqlError& error);

}  // namespace eventd::db
