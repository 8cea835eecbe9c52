#pragma once
// application/x-www-form-urlencoded bodies (the forms of eventd's own pages), read within
// limits: a form is small, so anything larger is refused before it costs memory or time.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace eventd::http {

struct Request;

struct FormLimits {
  std::size_t max_bytes = 64 * 1024;       // the whole body (a registration with needs and choices)
  std::size_t max_fields = 200;            // name=value pairs
  std::size_t max_name_bytes = 64;         // a field's name, decoded
  std::size_t max_value_bytes = 8 * 1024;  // a field's value, decoded
  std::size_t max_repeats = 100;           // values of one name (checkboxes: the programme's sessions)
};

class Form {
 public:
  // Throws domain::Error: 413 above max_bytes, 400 for a malformed escape, a value that is
  // not UTF-8, or a limit exceeded (saying which).
  static Form parse(std::string_view body, const FormLimits& limits = {});

  // The first value of `name`.
  std::optional<std::string> get(std::string_view name) const;
  // The value of `name`, trimmed; empty when absent.
  std::string text(std::string_view name) const;
  std::vector<std::string> all(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// The body of a form POST: 415 unless Content-Type is application/x-www-form-urlencoded
// (a charset parameter, if any, must be UTF-8), then Form::parse.
Form parse_form_body(const Request& request, const FormLimits& limits = {});

}  // namespace eventd::http
