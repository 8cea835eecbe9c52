#pragma once
// A page: its body template (templates/pages/<name>.html) rendered with the handler's values,
// {{t.key}} (the language's texts) and {{lang}}, inside layout.html. Values are HTML-escaped.
#include <string>
#include <string_view>
#include <vector>

#include "mail/template.hpp"
#include "pages/catalogue.hpp"

namespace eventd::pages {

std::string render_page(Language language, std::string_view name, std::string_view title, mail::TemplateData data);

// GET /pages.css
std::string_view stylesheet();

// The body templates' names ("event", ...), for the tests.
std::vector<std::string> page_names();

}  // namespace eventd::pages
