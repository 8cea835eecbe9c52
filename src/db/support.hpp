#pragma once
// Small things every repository needs: ids, instants, and turning a named constraint into
// the right domain error.
#include <exception>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/error.hpp"
#include "domain/time.hpp"

namespace soci {
class session;
}

namespace eventd::db {

// Instants travel as int8 microseconds: SQL uses eventd_ts(:us) and eventd_us(column)
// (schema/002_time_helpers.sql).
long long to_us(domain::Instant t);
domain::Instant from_us(long long us);

bool is_uuid(std::string_view text);

// A path segment may be an id or a slug: this gives the SQL condition for `column_prefix`
// ("e." for events) and the value to bind, so lookups by either use an index.
std::string id_or_slug_condition(std::string_view id_or_slug, std::string_view table_alias);

// What a violated constraint means to the client: a problem of `kind` with its detail, and
// the field error it makes, if any.
struct ConstraintRule {
  // A problem that is no field's ({"api_keys_key_hash_key", Problem::conflict, detail("...")}).
  ConstraintRule(std::string_view constraint_name, domain::Problem problem, domain::Message why = {})
      : constraint(constraint_name), kind(problem), detail(std::move(why)) {}
  // A field error, in a validation problem unless `problem` says otherwise.
  ConstraintRule(std::string_view constraint_name, std::string field, domain::FieldCode code,
                 domain::MessageParams params = {}, domain::Problem problem = domain::Problem::validation,
                 domain::Message why = {})
      : constraint(constraint_name),
        kind(problem),
        detail(std::move(why)),
        fields{{std::move(field), code, std::move(params)}} {}

  std::string_view constraint;
  domain::Problem kind;
  domain::Message detail;
  std::vector<domain::FieldError> fields;
};

// When `error` is a PostgreSQL constraint violation named in `rules`, throws the mapped
// domain::Error; otherwise returns, and the caller rethrows the original.
void throw_if_constraint(const std::exception& error, std::initializer_list<ConstraintRule> rules);

// Lists of text travel as one string joined by the unit separator (0x1F), which no
// validated text contains: array_to_string(tags, chr(31)) / string_to_array(:tags, chr(31)).
std::string join_list(const std::vector<std::string>& items);
std::vector<std::string> split_list(const std::string& joined);

// A PostgreSQL array literal of texts, NULL for nullopt: bound as one parameter and cast to
// text[], it carries one column of many rows (unnest). Any text fits (only `"` and `\` are
// escaped), and making it is a plain copy, where JSON would escape every line break of a
// message of several kilobytes.
std::string text_array(const std::vector<std::optional<std::string>>& values);

}  // namespace eventd::db
