#include "pages/render.hpp"

#include "app/embedded.hpp"

namespace eventd::pages {

namespace {

std::string_view file(std::string_view name) {
  for (const auto& f : embedded::page_files()) {
    if (f.name == name) return f.content;
  }
  throw mail::TemplateError("no page file " + std::string(name));
}

}  // namespace

std::string render_page(Language language, std::string_view name, std::string_view title, mail::TemplateData data) {
  const mail::TemplateData texts = catalogue(language).data();
  const std::string lang(code_of(language));
  data.set("t", texts);
  data.set("lang", lang);
  const std::string body = mail::render_template_data(file(std::string(name) + ".html"), data, mail::Escaping::html);
  mail::TemplateData frame;
  frame.set("t", texts);
  frame.set("lang", lang);
  frame.set("title", std::string(title));
  frame.set("body", body);
  return mail::render_template_data(file("layout.html"), frame, mail::Escaping::html);
}

std::string_view stylesheet() { return file("pages.css"); }

std::vector<std::string> page_names() {
  std::vector<std::string> names;
  for (const auto& f : embedded::page_files()) {
    const std::string_view n = f.name;
    if (n.ends_with(".html") && n.find('/') == std::string_view::npos && n != "layout.html") {
      names.emplace_back(n.substr(0, n.size() - 5));
    }
  }
  return names;
}

}  // namespace eventd::pages
