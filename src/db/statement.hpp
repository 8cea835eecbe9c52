#pragma once
// Building a statement from the fragments that apply (filters present, members patched),
// with every value bound as a parameter, and reading nullable columns.
//
// for_each_row and execute run a statement as a server-side prepared statement that lives
// as long as its connection: the first use of a SQL text on a connection prepares it, every
// later use only binds and executes (one round trip, no parse or plan). SOCI 4's own
// `prepare` would deallocate it again when the statement object dies, making a statement
// per request cost three round trips. Rows arrive as soci::row, typed as SOCI would type
// them (int4 → int, int8 → long long, float8 → double, text and anything else → string).
#include <soci/soci.h>

#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "db/support.hpp"

namespace eventd::db {

// Parameters bound by name (:p1, :p2, ...: each placeholder once), so a query can be
// assembled from fragments in any evaluation order. add() returns the placeholder to put
// in the SQL text; the value itself never enters it.
class Params {
 public:
  std::string add(std::string value) {
    values_.push_back({std::move(value), soci::i_ok});
    return ":p" + std::to_string(values_.size());
  }
  std::string add(const std::optional<std::string>& value) {
    values_.push_back({value.value_or(""), value ? soci::i_ok : soci::i_null});
    return ":p" + std::to_string(values_.size());
  }
  std::string add_us(domain::Instant t) { return "eventd_ts(CAST(" + add(std::to_string(to_us(t))) + " AS bigint))"; }
  std::string add_uuid(std::string value) { return "CAST(" + add(std::move(value)) + " AS uuid)"; }

  // For a statement built with SOCI directly.
  void bind(soci::details::prepare_temp_type& prep) {
    std::size_t n = 0;
    for (auto& v : values_) static_cast<void>((prep, soci::use(v.value, v.indicator, "p" + std::to_string(++n))));
  }

  std::size_t size() const { return values_.size(); }
  // The value of :p<number> (from 1); nullptr for NULL.
  const char* value(std::size_t number) const {
    const Value& v = values_.at(number - 1);
    return v.indicator == soci::i_null ? nullptr : v.value.c_str();
  }

 private:
  struct Value {
    std::string value;
    soci::indicator indicator;
  };
  std::deque<Value> values_;  // stable addresses: SOCI keeps references until execution
};

// The rows of one executed statement, handed out one at a time as a soci::row (the same
// soci::row object, refilled for each row).
class ResultRows {
 public:
  explicit ResultRows(void* result);  // takes a PGresult
  ~ResultRows();
  ResultRows(const ResultRows&) = delete;
  ResultRows& operator=(const ResultRows&) = delete;

  std::size_t size() const { return rows_; }
  const soci::row& row(std::size_t i);

 private:
  struct Columns;
  void* result_;
  std::size_t rows_ = 0;
  std::unique_ptr<Columns> columns_;
  soci::row row_;
};

// Runs `sql` with `params` as a prepared statement of this session's connection (see above).
// Errors are thrown as SOCI's are (soci::postgresql_soci_error with the SQLSTATE), so
// sql_error() and throw_if_constraint() see them the same way.
std::unique_ptr<ResultRows> run_prepared(soci::session& session, const std::string& sql, const Params& params);

// The connection was closed or replaced: its prepared statements are gone. (Also detected
// by itself, from the connection and server process; the pool calls this when it reopens.)
void forget_prepared(const soci::session& session);

template <class F>
void for_each_row(soci::session& session, const std::string& sql, Params& params, F&& f) {
  auto rows = run_prepared(session, sql, params);
  for (std::size_t i = 0; i < rows->size(); ++i) f(rows->row(i));
}

inline void execute(soci::session& session, const std::string& sql, Params& params) {
  run_prepared(session, sql, params);
}

inline std::optional<std::string> opt_text(const soci::row& row, std::size_t i) {
  if (row.get_indicator(i) == soci::i_null) return std::nullopt;
  return row.get<std::string>(i);
}

// An instant read with eventd_us(column) (int8), or nullopt for NULL.
inline std::optional<domain::Instant> opt_instant(const soci::row& row, std::size_t i) {
  if (row.get_indicator(i) == soci::i_null) return std::nullopt;
  return from_us(row.get<long long>(i));
}

}  // namespace eventd::db
