#include "http/language.hpp"

#include <cctype>
#include <cstdlib>

namespace eventd::http {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "sv", "en" or "" for a language tag.
std::string primary_of(std::string_view tag) {
  std::string primary;
  for (char c : tag) {
    if (c == '-' || c == '_') break;
    primary += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return primary == "sv" || primary == "en" ? primary : "";
}

// The q of "q=0.8" parameters (1 when absent, 0 when malformed: a broken entry is ignored).
double quality_of(std::string_view params) {
  while (!params.empty()) {
    const auto semi = params.find(';');
    std::string_view param = trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view{} : params.substr(semi + 1);
    if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
      const std::string value(param.substr(2));
      if (value.empty() || value.size() > 5) return 0;
      char* end = nullptr;
      const double q = std::strtod(value.c_str(), &end);
      if (end != value.c_str() + value.size() || q < 0 || q > 1) return 0;
      return q;
    }
  }
  return 1;
}

}  // namespace

std::string preferred_language(const Request& request, std::string_view fallback) {
  std::string best;
  double best_q = 0;
  if (auto header = request.headers.get("Accept-Language")) {
    std::string_view rest = *header;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      std::string_view entry = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      const auto semi = entry.find(';');
      const std::string language = primary_of(trim(entry.substr(0, semi)));
      const double q = semi == std::string_view::npos ? 1 : quality_of(entry.substr(semi + 1));
      if (!language.empty() && q > best_q) {
        best = language;
        best_q = q;
      }
    }
  }
  if (!best.empty()) return best;
  const std::string fallback_language = primary_of(fallback);
  return fallback_language.empty() ? "en" : fallback_language;
}

}  // namespace eventd::http
