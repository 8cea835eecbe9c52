#include "http/dto/csv.hpp"

namespace eventd::http::dto {

std::string csv_cell(std::string text, char delimiter) {
  if (!text.empty() && (text.front() == '=' || text.front() == '+' || text.front() == '-' || text.front() == '@' ||
                        text.front() == '\t' || text.front() == '\r')) {
    text.insert(text.begin(), '\'');
  }
  if (text.find_first_of(std::string{delimiter, '"', '\r', '\n'}) == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

}  // namespace eventd::http::dto
