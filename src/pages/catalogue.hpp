#pragma once
// The texts of the pages, one catalogue per language (templates/pages/messages/<lang>.txt,
// compiled in).
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mail/template.hpp"

namespace eventd::pages {

enum class Language { sv, en };

std::string_view code_of(Language language);  // "sv", "en"

// "sv" → sv, anything else → en (http::preferred_language chooses the code).
Language language_of(std::string_view code);

using Placeholders = std::map<std::string, std::string, std::less<>>;

class Catalogue {
 public:
  explicit Catalogue(std::map<std::string, std::string, std::less<>> texts) : texts_(std::move(texts)) {}

  // The text of `key`; throws mail::TemplateError for a key it lacks.
  const std::string& text(std::string_view key) const;
  // The text with {name} replaced by the values given (plain text: the page escapes it).
  std::string format(std::string_view key, const Placeholders& values) const;
  // Every text, for templates: {{t.key}}.
  mail::TemplateData data() const;
  std::vector<std::string> keys() const;

 private:
  std::map<std::string, std::string, std::less<>> texts_;
};

const Catalogue& catalogue(Language language);

// Reads "key = text" lines ('#' starts a comment line); throws mail::TemplateError for a
// line of another shape or a key given twice.
std::map<std::string, std::string, std::less<>> parse_catalogue(std::string_view text);

}  // namespace eventd::pages
