#pragma once
// Query strings and percent-decoding.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace eventd::http {

// Decodes %XX (and '+' as space when plus_is_space); nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

class Query {
 public:
  Query() = default;
  // Throws domain::Error(bad_request) on a malformed escape.
  static Query parse(std::string_view raw);

  std::optional<std::string> get(std::string_view name) const;  // first value
  std::vector<std::string> all(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

}  // namespace eventd::http
