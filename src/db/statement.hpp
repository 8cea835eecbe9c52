#pragma once
// Building a statement from the fragments that apply (filters present, members patched),
// with every value bound as a parameter, and reading nullable columns.
#include <soci/soci.h>

#include <deque>
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

  void bind(soci::details::prepare_temp_type& prep) {
    std::size_t n = 0;
    for (auto& v : values_) static_cast<void>((prep, soci::use(v.value, v.indicator, "p" + std::to_string(++n))));
  }

 private:
  struct Value {
    std::string value;
    soci::indicator indicator;
  };
  std::deque<Value> values_;  // stable addresses: SOCI keeps references until execution
};

template <class F>
void for_each_row(soci::session& session, const std::string& sql, Params& params, F&& f) {
  soci::details::prepare_temp_type prep = (session.prepare << sql);
  params.bind(prep);
  soci::rowset<soci::row> rows(prep);
  for (const soci::row& row : rows) f(row);
}

inline void execute(soci::session& session, const std::string& sql, Params& params) {
  soci::details::prepare_temp_type prep = (session.prepare << sql);
  params.bind(prep);
  soci::statement statement(prep);
  statement.execute(true);
}

inline std::optional<std::string> opt_text(const soci::row& row, std::size_t i) {
  if (row.get_indicator(i) == soci::i_null) return std::nullopt;
  return row.get<std::string>(i);
}

}  // namespace eventd::db
