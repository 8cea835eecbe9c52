#pragma once
// The mail templates' language (templates/mail/<lang>/<kind>.{txt,html}): {{name}} is
// replaced by a value (HTML-escaped in .html templates), {{#name}}...{{/name}} is kept only
// when the value is not empty, {{^name}}...{{/name}} only when it is. Sections do not nest
// with the same name. An unknown name is an error, so a typo in a template fails its test.
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

namespace eventd::mail {

using Values = std::map<std::string, std::string, std::less<>>;

enum class Escaping { none, html };

struct TemplateError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string render_template(std::string_view text, const Values& values, Escaping escaping);

std::string escape_html(std::string_view text);

}  // namespace eventd::mail
