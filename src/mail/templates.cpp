#include "mail/templates.hpp"

#include <optional>

#include "app/embedded.hpp"

namespace eventd::mail {

namespace {

std::optional<std::string_view> find_template(std::string_view path) {
  for (const auto& file : embedded::mail_templates()) {
    if (file.name == path) return file.content;
  }
  return std::nullopt;
}

std::string crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += text[i];
  }
  return out;
}

}  // namespace

std::string template_language(std::string_view language) {
  std::string primary(language.substr(0, language.find('-')));
  for (auto& c : primary) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!primary.empty() && find_template(primary + "/registration_confirmed.txt")) return primary;
  return "en";
}

RenderedText render_mail(std::string_view kind, std::string_view language, const Values& values) {
  RenderedText out;
  out.language = template_language(language);
  const std::string base = out.language + "/" + std::string(kind);
  auto text = find_template(base + ".txt");
  auto html = find_template(base + ".html");
  if (!text || !html) throw TemplateError("no mail template " + base + ".txt/.html");
  constexpr std::string_view kSubject = "Subject: ";
  const auto line_end = text->find('\n');
  if (text->substr(0, kSubject.size()) != kSubject || line_end == std::string_view::npos) {
    throw TemplateError(base + ".txt must start with a Subject: line");
  }
  out.subject = render_template(text->substr(kSubject.size(), line_end - kSubject.size()), values, Escaping::none);
  std::string_view body = text->substr(line_end + 1);
  if (!body.empty() && body.front() == '\n') body.remove_prefix(1);
  out.text = crlf(render_template(body, values, Escaping::none));
  out.html = crlf(render_template(*html, values, Escaping::html));
  return out;
}

std::vector<std::string> template_names() {
  std::vector<std::string> names;
  for (const auto& file : embedded::mail_templates()) names.emplace_back(file.name);
  return names;
}

}  // namespace eventd::mail
