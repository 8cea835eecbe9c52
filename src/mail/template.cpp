#include "mail/template.hpp"

#include <array>
#include <memory>
#include <unordered_map>
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

// Parsing a template costs more than filling it in, and a registration rush fills the same
// few thousands of times a minute: each thread keeps the engines it parsed (kainjow's engine
// is not shared between threads: it keeps its error while it renders). The templates are
// files of ours, a few dozen; the bound only keeps a mistake from growing without end.
constexpr std::size_t kMaxEnginesPerThread = 256;

using Engines = std::unordered_map<std::string, std::unique_ptr<mustache::mustache>>;

Engines& engines_of_thread(Escaping escaping) {
  thread_local std::array<Engines, 2> by_escaping;
  return by_escaping[escaping == Escaping::html ? 1 : 0];
}

mustache::mustache& engine_for(std::string_view text, Escaping escaping) {
  Engines& engines = engines_of_thread(escaping);
  std::string key(text);
  if (auto found = engines.find(key); found != engines.end()) return *found->second;
  auto engine = std::make_unique<mustache::mustache>(with_line_marks(text));
  if (!engine->is_valid()) throw TemplateError("template: " + engine->error_message());
  if (escaping == Escaping::html) {
    engine->set_custom_escape([](const std::string& s) { return escape_html(s); });
  } else {
    engine->set_custom_escape([](const std::string& s) { return s; });
  }
  if (engines.size() >= kMaxEnginesPerThread) engines.clear();
  return *engines.emplace(std::move(key), std::move(engine)).first->second;
}

}  // namespace

std::string render_template_data(std::string_view text, const TemplateData& data, Escaping escaping) {
  mustache::mustache& engine = engine_for(text, escaping);
  StrictContext context{&data};
  std::string out = engine.render(context);
  if (!engine.is_valid()) {
    // An engine that failed keeps its error: parse the template afresh next time.
    TemplateError error("template: " + engine.error_message());
    engines_of_thread(escaping).erase(std::string(text));
    throw error;
  }
  if (!context.unknown().empty()) throw TemplateError("template names an unknown value: " + context.unknown());
  return without_line_marks(std::move(out));
}

std::string render_template(std::string_view text, const Values& values, Escaping escaping) {
  TemplateData data;
  for (const auto& [name, value] : values) data.set(name, value);
  return render_template_data(text, data, escaping);
}

}  // namespace eventd::mail
