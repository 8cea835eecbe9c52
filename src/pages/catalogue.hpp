#pragma once
// The texts people read, one catalogue per language, compiled in: the pages
// (templates/pages/messages/<lang>.txt) and the problems of the API and the pages
// (<lang>.problems.txt: each kind's title, detail and explanation, each detail a use case
// gives, each field error code's message).
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/error.hpp"
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
  const std::string* find(std::string_view key) const;
  // For errors, which must be told even when a text is missing: the text with its values,
  // else the English one, else the key itself. Never throws for a missing key or value.
  std::string message(std::string_view key, const Placeholders& values) const;

 private:
  std::map<std::string, std::string, std::less<>> texts_;
};

const Catalogue& catalogue(Language language);

// A problem's texts in `language` (see domain::Problem).
std::string problem_title(domain::Problem kind, Language language);
std::string problem_about(domain::Problem kind, Language language);
std::string problem_detail(const domain::Error& error, Language language);
std::string field_message(const domain::FieldError& error, Language language);

// Reads "key = text" lines ('#' starts a comment line); throws mail::TemplateError for a
// line of another shape or a key given twice.
std::map<std::string, std::string, std::less<>> parse_catalogue(std::string_view text);

}  // namespace eventd::pages
