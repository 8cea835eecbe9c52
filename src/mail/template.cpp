#include "mail/template.hpp"

#include <vector>

namespace eventd::mail {

namespace mustache = kainjow::mustache;

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

// Marks the end of every template line, so that no line holds only section tags and
// whitespace (kainjow drops those); removed from the output afterwards. A control character
// no text of ours contains; values lose it too, which only drops a control character.
constexpr char kLineMark = '\x01';

// kainjow's own lookup (innermost object first, dotted names), recording names found nowhere,
// and answering an empty string as `false`, so that it is empty in a section too.
class StrictContext final : public mustache::basic_context<std::string> {
 public:
  explicit StrictContext(const TemplateData* root) { push(root); }

  void push(const TemplateData* data) override { items_.insert(items_.begin(), data); }
  void pop() override { items_.erase(items_.begin()); }

  const TemplateData* get(const std::string& name) const override {
    if (name == ".") return items_.front();
    for (const TemplateData* item : items_) {
      const TemplateData* found = item;
      std::size_t start = 0;
      while (found && start <= name.size()) {
        const auto dot = name.find('.', start);
        const auto part = name.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        found = found->get(part);
        if (dot == std::string::npos) break;
        start = dot + 1;
      }
      if (found) return found->is_string() && found->string_value().empty() ? &kEmpty : found;
    }
    if (unknown_.empty()) unknown_ = name;
    return nullptr;
  }

  const TemplateData* get_partial(const std::string& name) const override {
    if (unknown_.empty()) unknown_ = "partial " + name;
    return nullptr;
  }

  const std::string& unknown() const { return unknown_; }

 private:
  inline static const TemplateData kEmpty{false};
  std::vector<const TemplateData*> items_;
  mutable std::string unknown_;
};

std::string with_line_marks(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (char c : text) {
    if (c == '\n') out += kLineMark;
    out += c;
  }
  return out;
}

std::string without_line_marks(std::string text) {
  std::erase(text, kLineMark);
  return text;
}

}  // namespace

std::string render_template_data(std::string_view text, const TemplateData& data, Escaping escaping) {
  mustache::mustache engine{with_line_marks(text)};
  if (!engine.is_valid()) throw TemplateError("template: " + engine.error_message());
  if (escaping == Escaping::html) {
    engine.set_custom_escape([](const std::string& s) { return escape_html(s); });
  } else {
    engine.set_custom_escape([](const std::string& s) { return s; });
  }
  StrictContext context{&data};
  std::string out = engine.render(context);
  if (!engine.is_valid()) throw TemplateError("template: " + engine.error_message());
  if (!context.unknown().empty()) throw TemplateError("template names an unknown value: " + context.unknown());
  return without_line_marks(std::move(out));
}

std::string render_template(std::string_view text, const Values& values, Escaping escaping) {
  TemplateData data;
  for (const auto& [name, value] : values) data.set(name, value);
  return render_template_data(text, data, escaping);
}

}  // namespace eventd::mail
