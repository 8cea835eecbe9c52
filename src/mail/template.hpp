#pragma once
// The one template language of eventd (mail: templates/mail/<lang>/<kind>.{txt,html}; pages:
// templates/pages/), Mustache rendered by kainjow/mustache: {{name}} is replaced by a value
// (HTML-escaped with Escaping::html), {{#name}}...{{/name}} is kept when the value is not
// empty (once per item of a list), {{^name}}...{{/name}} when it is. Two rules differ from
// plain Mustache, on purpose:
//  - An unknown name is an error (TemplateError), so a typo in a template fails its test.
//  - An empty string counts as empty in sections (Mustache keeps it), and every newline of a
//    template is kept (Mustache drops a line that holds only section tags): the mail
//    templates were written for these rules.
#include <kainjow/mustache.hpp>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

namespace eventd::mail {

// Flat values, for the mail templates.
using Values = std::map<std::string, std::string, std::less<>>;

// Nested values (objects, lists, booleans), for the pages.
using TemplateData = kainjow::mustache::data;

enum class Escaping { none, html };

struct TemplateError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string render_template(std::string_view text, const Values& values, Escaping escaping);
std::string render_template_data(std::string_view text, const TemplateData& data, Escaping escaping);

std::string escape_html(std::string_view text);

}  // namespace eventd::mail
