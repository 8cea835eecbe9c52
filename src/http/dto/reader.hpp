#pragma once
// Reads a JSON request object field by field into domain values, collecting every problem
// (wrong type, bad value, unknown field) as a FieldError with its dotted path, so a client
// hears about all of them at once. `null` counts as absent.
#include <functional>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "domain/time.hpp"
#include "domain/validation.hpp"

namespace eventd::http::dto {

class ObjectReader {
 public:
  // `errors` is shared with nested readers; `path` prefixes field names ("venue").
  ObjectReader(const nlohmann::json& object, domain::Validator& errors, std::string path = {});

  // Each returns nullopt when the field is absent or null, or wrong (then an error is recorded).
  std::optional<std::string> string(std::string_view name);
  std::optional<bool> boolean(std::string_view name);
  std::optional<long long> integer(std::string_view name);
  std::optional<double> number(std::string_view name);
  std::optional<domain::Instant> instant(std::string_view name);  // RFC 3339 with offset
  std::optional<domain::Date> date(std::string_view name);        // YYYY-MM-DD
  // An array of more than `max_items` strings is an error as a whole (checked before any
  // element is looked at, so a list of ids never reaches the database). nullopt too when an
  // element is not a string (each such element is reported).
  std::optional<std::vector<std::string>> strings(std::string_view name,
                                                  std::size_t max_items = static_cast<std::size_t>(-1));
  // Calls `read` with a reader for the nested object.
  bool object(std::string_view name, const std::function<void(ObjectReader&)>& read);
  // Calls `read` for each element (an object) of an array.
  bool objects(std::string_view name, const std::function<void(ObjectReader&, std::size_t)>& read);

  template <class Enum>
  std::optional<Enum> enumeration(std::string_view name, std::optional<Enum> (*parse)(std::string_view),
                                  std::string_view allowed) {
    auto text = string(name);
    if (!text) return std::nullopt;
    auto value = parse(*text);
    if (!value) errors_.add(field(name), domain::FieldCode("not_one_of"), {{"allowed", std::string(allowed)}});
    return value;
  }

  // Whether the field is present (null included): for merge patches, null means "remove".
  bool present(std::string_view name) const;
  void required(std::string_view name);  // records `required` when absent or null

  // Records an error for every field that was never read.
  void reject_unknown();

  std::string field(std::string_view name) const;
  domain::Validator& errors() { return errors_; }

 private:
  const nlohmann::json* value(std::string_view name);

  const nlohmann::json& object_;
  domain::Validator& errors_;
  std::string path_;
  std::set<std::string, std::less<>> read_;
};

// The top-level body must be a JSON object; throws domain::validation otherwise.
void require_object(const nlohmann::json& body);

// PATCH takes back what GET gave (openapi.yaml, "Sending back what you read"): in a merge
// patch, a read-only member of the representation (`read_only`) is dropped when it equals the
// current representation's (`current`), and one that moves with other records (`moving`:
// counts, partners' answers, a waitlist position) is dropped whatever it says. Any other value
// of a read-only member is dropped too and returned as a field error (`read_only`), for
// the caller to report with what reading the rest finds, in one 422.
[[nodiscard]] std::vector<domain::FieldError> drop_read_only(nlohmann::json& patch, const nlohmann::json& current,
                                                             std::initializer_list<std::string_view> read_only,
                                                             std::initializer_list<std::string_view> moving = {});

}  // namespace eventd::http::dto
