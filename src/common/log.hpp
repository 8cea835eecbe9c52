#pragma once
// One line per event on stderr: text for people, JSON lines for log collectors
// (EVENTD_LOG_FORMAT=json). Never pass a key or token as a field.
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace eventd::log {

enum class Format { text, json };
void set_format(Format format);

// The value is a view: a temporary (std::to_string(...)) lives until the call returns.
using Field = std::pair<std::string_view, std::string_view>;
void write(std::string_view level, std::string_view message, std::span<const Field> fields);
inline void write(std::string_view level, std::string_view message, std::initializer_list<Field> fields = {}) {
  write(level, message, std::span<const Field>(fields.begin(), fields.size()));
}

inline void info(std::string_view message, std::initializer_list<Field> fields = {}) { write("info", message, fields); }
inline void info(std::string_view message, std::span<const Field> fields) { write("info", message, fields); }
inline void warn(std::string_view message, std::initializer_list<Field> fields = {}) { write("warn", message, fields); }
inline void error(std::string_view message, std::initializer_list<Field> fields = {}) {
  write("error", message, fields);
}

}  // namespace eventd::log
