#include "pages/catalogue.hpp"

#include <algorithm>

#include "app/embedded.hpp"

namespace eventd::pages {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// messages/<lang>.txt (the pages) and messages/<lang>.problems.txt (errors of the API and the
// pages): one catalogue per language, a key in only one of its files.
Catalogue load(std::string_view language) {
  const std::string pages = "messages/" + std::string(language) + ".txt";
  const std::string problems = "messages/" + std::string(language) + ".problems.txt";
  std::map<std::string, std::string, std::less<>> texts;
  int found = 0;
  for (const auto& file : embedded::page_files()) {
    if (file.name != pages && file.name != problems) continue;
    ++found;
    for (auto& [key, text] : parse_catalogue(file.content)) {
      if (!texts.emplace(key, std::move(text)).second) {
        throw mail::TemplateError(std::string(file.name) + ": repeated key " + key);
      }
    }
  }
  if (found != 2) throw mail::TemplateError("no message catalogue " + pages + " and " + problems);
  return Catalogue(std::move(texts));
}

// {name} replaced by its value. A placeholder without a value stays as it is when `strict`
// is false (an error must still be told), else it is a TemplateError naming `key`.
std::string fill(std::string_view key, std::string_view pattern, const Placeholders& values, bool strict) {
  std::string out;
  std::size_t pos = 0;
  while (pos < pattern.size()) {
    const auto open = pattern.find('{', pos);
    const auto close = open == std::string_view::npos ? std::string_view::npos : pattern.find('}', open);
    if (close == std::string_view::npos) {
      out.append(pattern.substr(pos));
      break;
    }
    out.append(pattern.substr(pos, open - pos));
    const std::string_view name = pattern.substr(open + 1, close - open - 1);
    auto value = values.find(name);
    if (value != values.end()) {
      out += value->second;
    } else if (strict) {
      throw mail::TemplateError("page text " + std::string(key) + " needs {" + std::string(name) + "}");
    } else {
      out.append(pattern.substr(open, close - open + 1));
    }
    pos = close + 1;
  }
  return out;
}

}  // namespace

std::string_view code_of(Language language) { return language == Language::sv ? "sv" : "en"; }

Language language_of(std::string_view code) { return code == "sv" ? Language::sv : Language::en; }

std::map<std::string, std::string, std::less<>> parse_catalogue(std::string_view text) {
  std::map<std::string, std::string, std::less<>> texts;
  int number = 0;
  while (!text.empty()) {
    ++number;
    const auto newline = text.find('\n');
    const auto line = trim(text.substr(0, newline));
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    if (line.empty() || line.front() == '#') continue;
    const auto equals = line.find(" = ");
    if (equals == std::string_view::npos) {
      throw mail::TemplateError("catalogue line " + std::to_string(number) + " is not \"key = text\"");
    }
    const std::string key(trim(line.substr(0, equals)));
    if (key.empty() || !texts.emplace(key, std::string(trim(line.substr(equals + 3)))).second) {
      throw mail::TemplateError("catalogue line " + std::to_string(number) + ": empty or repeated key " + key);
    }
  }
  return texts;
}

const std::string& Catalogue::text(std::string_view key) const {
  auto it = texts_.find(key);
  if (it == texts_.end()) throw mail::TemplateError("no page text " + std::string(key));
  return it->second;
}

std::string Catalogue::format(std::string_view key, const Placeholders& values) const {
  return fill(key, text(key), values, /*strict=*/true);
}

mail::TemplateData Catalogue::data() const {
  mail::TemplateData out;
  for (const auto& [key, value] : texts_) out.set(key, value);
  return out;
}

std::vector<std::string> Catalogue::keys() const {
  std::vector<std::string> out;
  for (const auto& entry : texts_) out.push_back(entry.first);
  return out;
}

const std::string* Catalogue::find(std::string_view key) const {
  auto it = texts_.find(key);
  return it == texts_.end() ? nullptr : &it->second;
}

std::string Catalogue::message(std::string_view key, const Placeholders& values) const {
  if (const std::string* text = find(key)) return fill(key, *text, values, /*strict=*/false);
  // An error must still be reported: the English text, else the key (a test keeps this
  // from happening: tests/tools/check_messages.py).
  if (const std::string* english = catalogue(Language::en).find(key))
    return fill(key, *english, values, /*strict=*/false);
  return std::string(key);
}

std::string problem_title(domain::Problem kind, Language language) {
  return catalogue(language).message("problem_" + domain::catalogue_stem(kind) + "_title", {});
}

std::string problem_about(domain::Problem kind, Language language) {
  return catalogue(language).message("problem_" + domain::catalogue_stem(kind) + "_about", {});
}

std::string problem_detail(const domain::Error& error, Language language) {
  return catalogue(language).message(error.detail_key(), error.detail_params());
}

std::string field_message(const domain::FieldError& error, Language language) {
  return catalogue(language).message("field_" + std::string(error.code.name()), error.params);
}

const Catalogue& catalogue(Language language) {
  // Loaded once, on first use (thread-safe static initialisation).
  static const Catalogue swedish = load("sv");
  static const Catalogue english = load("en");
  return language == Language::sv ? swedish : english;
}

}  // namespace eventd::pages
