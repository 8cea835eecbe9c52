#include "mail/template.hpp"

namespace eventd::mail {

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

const std::string& lookup(const Values& values, std::string_view name) {
  auto it = values.find(name);
  if (it == values.end()) throw TemplateError("template names an unknown value: " + std::string(name));
  return it->second;
}

}  // namespace

std::string render_template(std::string_view text, const Values& values, Escaping escaping) {
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    out.append(text.substr(pos, open - pos));
    const auto close = text.find("}}", open + 2);
    if (close == std::string_view::npos) throw TemplateError("unclosed {{ in template");
    std::string_view tag = text.substr(open + 2, close - open - 2);
    pos = close + 2;
    if (!tag.empty() && (tag[0] == '#' || tag[0] == '^')) {
      const std::string name(tag.substr(1));
      const std::string end = "{{/" + name + "}}";
      const auto section_end = text.find(end, pos);
      if (section_end == std::string_view::npos) throw TemplateError("section without " + end);
      const bool filled = !lookup(values, name).empty();
      if (filled == (tag[0] == '#')) {
        out += render_template(text.substr(pos, section_end - pos), values, escaping);
      }
      pos = section_end + end.size();
      continue;
    }
    const std::string& value = lookup(values, tag);
    out += escaping == Escaping::html ? escape_html(value) : value;
  }
  return out;
}

}  // namespace eventd::mail
