#include "http/form.hpp"

#include <algorithm>

#include "domain/error.hpp"
#include "domain/validation.hpp"
#include "http/message.hpp"
#include "http/query.hpp"

namespace eventd::http {

namespace {

using domain::detail;
using domain::Error;
using domain::Problem;

// A typed value without the spaces and line breaks around it.
std::string_view trim_value(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Form Form::parse(std::string_view body, const FormLimits& limits) {
  if (body.size() > limits.max_bytes) {
    throw Error(Problem::payload_too_large, detail("form_too_large", {{"max", std::to_string(limits.max_bytes)}}));
  }
  Form form;
  std::size_t pos = 0;
  while (pos <= body.size()) {
    const auto end = std::min(body.find('&', pos), body.size());
    const auto pair = body.substr(pos, end - pos);
    pos = end + 1;
    if (pair.empty()) {
      if (end == body.size()) break;
      continue;
    }
    if (form.fields_.size() == limits.max_fields) {
      throw Error(Problem::bad_request, detail("form_too_many_fields", {{"max", std::to_string(limits.max_fields)}}));
    }
    const auto eq = pair.find('=');
    auto name = percent_decode(pair.substr(0, eq), true);
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
    if (!name || !value) throw Error(Problem::bad_request, detail("form_bad_escape"));
    if (name->size() > limits.max_name_bytes) {
      throw Error(Problem::bad_request, detail("form_name_too_long", {{"max", std::to_string(limits.max_name_bytes)}}));
    }
    if (value->size() > limits.max_value_bytes) {
      throw Error(Problem::bad_request,
                  detail("form_value_too_long", {{"max", std::to_string(limits.max_value_bytes)}}));
    }
    if (!domain::is_valid_utf8(*name) || !domain::is_valid_utf8(*value)) {
      throw Error(Problem::bad_request, detail("form_invalid_utf8"));
    }
    const auto repeats = std::count_if(form.fields_.begin(), form.fields_.end(),
                                       [&name](const auto& field) { return field.first == *name; });
    if (static_cast<std::size_t>(repeats) >= limits.max_repeats) {
      throw Error(Problem::bad_request, detail("form_too_many_values", {{"max", std::to_string(limits.max_repeats)}}));
    }
    form.fields_.emplace_back(std::move(*name), std::move(*value));
  }
  return form;
}

std::optional<std::string> Form::get(std::string_view name) const {
  for (const auto& [n, v] : fields_) {
    if (n == name) return v;
  }
  return std::nullopt;
}

std::string Form::text(std::string_view name) const {
  auto value = get(name);
  return value ? std::string(trim_value(*value)) : std::string();
}

std::vector<std::string> Form::all(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [n, v] : fields_) {
    if (n == name) out.push_back(v);
  }
  return out;
}

Form parse_form_body(const Request& request, const FormLimits& limits) {
  const auto content_type = request.headers.get("Content-Type");
  const std::string type = lower(content_type ? trim_ows(content_type->substr(0, content_type->find(';'))) : "");
  if (type != "application/x-www-form-urlencoded") {
    throw Error(Problem::unsupported_media_type, detail("send_form"));
  }
  if (const auto semicolon = content_type->find(';'); semicolon != std::string_view::npos) {
    const std::string params = lower(content_type->substr(semicolon + 1));
    const auto charset = params.find("charset=");
    if (charset != std::string::npos) {
      auto value = trim_ows(std::string_view(params).substr(charset + 8));
      value = value.substr(0, value.find(';'));
      if (!value.empty() && value.front() == '"') value = value.substr(1, value.find('"', 1) - 1);
      if (value != "utf-8") throw Error(Problem::unsupported_media_type, detail("send_form_utf8"));
    }
  }
  return Form::parse(request.body, limits);
}

}  // namespace eventd::http
