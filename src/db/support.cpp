#include "db/support.hpp"

#include <cctype>

#include "db/sql_error.hpp"

namespace eventd::db {

long long to_us(domain::Instant t) { return t.time_since_epoch().count(); }

domain::Instant from_us(long long us) { return domain::Instant(std::chrono::microseconds(us)); }

bool is_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

std::string id_or_slug_condition(std::string_view id_or_slug, std::string_view table_alias) {
  return std::string(table_alias) +  // sql-safe: a literal alias ("e.", "o." or "") at every call site
         (is_uuid(id_or_slug) ? "id = CAST(:key AS uuid)" : "slug = :key");
}

void throw_if_constraint(const std::exception& error, std::initializer_list<ConstraintRule> rules) {
  auto sql = sql_error(error);
  if (!sql || sql->constraint.empty()) return;
  for (const auto& rule : rules) {
    if (rule.constraint != sql->constraint) continue;
    throw domain::Error(rule.kind, rule.detail, rule.fields);
  }
}

std::string join_list(const std::vector<std::string>& items) {
  std::string joined;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) joined += '\x1f';
    joined += items[i];
  }
  return joined;
}

std::vector<std::string> split_list(const std::string& joined) {
  std::vector<std::string> items;
  if (joined.empty()) return items;
  std::size_t start = 0;
  while (true) {
    auto end = joined.find('\x1f', start);
    items.push_back(joined.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return items;
}

std::string text_array(const std::vector<std::optional<std::string>>& values) {
  std::size_t size = 2;
  for (const auto& value : values) size += (value ? value->size() + 3 : 5);
  std::string out;
  out.reserve(size + size / 64);
  out += '{';
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    if (!values[i]) {
      out += "NULL";
      continue;
    }
    out += '"';
    std::string_view rest = *values[i];
    while (true) {
      const auto special = rest.find_first_of("\"\\");
      out.append(rest.substr(0, special));
      if (special == std::string_view::npos) break;
      out += '\\';
      out += rest[special];
      rest.remove_prefix(special + 1);
    }
    out += '"';
  }
  out += '}';
  return out;
}

}  // namespace eventd::db
