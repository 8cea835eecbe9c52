#include "http/json.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <functional>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "domain/error.hpp"
#include "domain/validation.hpp"

namespace eventd::http {

namespace {

std::string_view media_type(std::string_view content_type) {
  auto semicolon = content_type.find(';');
  auto type = content_type.substr(0, semicolon);
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  return type;
}

// Follows the parser's events with a stack of the open containers and records the first
// limit that is exceeded. From then on every value is discarded, so the parser only scans
// the rest of the body without building anything.
class LimitGuard {
 public:
  explicit LimitGuard(const JsonLimits& limits) : limits_(limits) {}

  bool operator()(int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    if (problem_) return false;
    switch (event) {
      case Event::object_start:
      case Event::array_start:
        count_array_element();
        if (open_.size() >= limits_.max_depth) {
          fail(domain::detail("json_too_deep", {{"max", std::to_string(limits_.max_depth)}}));
        }
        open_.push_back({event == Event::array_start, 0});
        break;
      case Event::object_end:
      case Event::array_end:
        if (!open_.empty()) open_.pop_back();
        break;
      case Event::key:
        if (parsed.is_string() && parsed.get_ref<const std::string&>().size() > limits_.max_key_bytes) {
          fail(domain::detail("json_name_too_long", {{"max", std::to_string(limits_.max_key_bytes)}}));
        }
        count_member();
        break;
      case Event::value:
        if (parsed.is_string() && parsed.get_ref<const std::string&>().size() > limits_.max_string_bytes) {
          fail(domain::detail("json_string_too_long", {{"max", std::to_string(limits_.max_string_bytes)}}));
        }
        count_array_element();
        break;
    }
    return !problem_;
  }

  const std::optional<domain::Message>& problem() const { return problem_; }

 private:
  struct Open {
    bool is_array;
    std::size_t count;
  };

  void count_array_element() {
    if (!open_.empty() && open_.back().is_array) count_item();
  }
  void count_member() {
    if (!open_.empty() && !open_.back().is_array) count_item();
  }
  void count_item() {
    if (++open_.back().count > limits_.max_items) {
      fail(domain::detail("json_too_many_entries", {{"max", std::to_string(limits_.max_items)}}));
    }
  }
  void fail(domain::Message message) {
    if (!problem_) problem_ = std::move(message);
  }

  const JsonLimits& limits_;
  std::vector<Open> open_;
  std::optional<domain::Message> problem_;
};

// The parser's own DOM builder (what nlohmann::json::parse uses with a callback), told not to
// throw: it records where parsing stopped and why, so the client hears that in plain words
// instead of the library's exception text.
class LocatingParser : public nlohmann::detail::json_sax_dom_callback_parser<nlohmann::json> {
 public:
  using Base = nlohmann::detail::json_sax_dom_callback_parser<nlohmann::json>;
  LocatingParser(nlohmann::json& result, LimitGuard& guard) : Base(result, std::ref(guard), false) {}

  bool parse_error(std::size_t position, const std::string& token, const nlohmann::detail::exception& ex) {
    failure_ = Failure{position, ex.id};
    return Base::parse_error(position, token, ex);
  }

  struct Failure {
    std::size_t position;  // bytes read when parsing stopped, the offending one included
    int id;                // 101: malformed; 406: a number beyond double's range ("1e400")
  };
  const std::optional<Failure>& failure() const { return failure_; }

 private:
  std::optional<Failure> failure_;
};

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_token_char(char c) { return is_letter(c) || (c >= '0' && c <= '9') || c == '.' || c == '+' || c == '-'; }

// Offset of the first byte that does not begin or continue a well-formed UTF-8 sequence.
std::optional<std::size_t> first_invalid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    std::size_t length = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    if (length == 0 || i + length > text.size() || !domain::is_valid_utf8(text.substr(i, length))) return i;
    i += length;
  }
  return std::nullopt;
}

// Where a 0-based offset lies (the end of the text allowed), as the values of a detail's
// "line {line}, column {column} (byte {byte})". Columns count characters, as editors do; the
// byte is 1-based like line and column.
domain::MessageParams location(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b == '\n') {
      ++line;
      column = 1;
    } else if ((b & 0xC0) != 0x80) {
      ++column;
    }
  }
  return {{"line", std::to_string(line)}, {"column", std::to_string(column)}, {"byte", std::to_string(offset + 1)}};
}

// A detail located at `offset`: its values and those of location().
domain::Message at(domain::Message message, std::string_view text, std::size_t offset) {
  message.params.merge(location(text, offset));
  return message;
}

// A token from the body, for a detail that quotes it: only [A-Za-z0-9.+-] reach here,
// shortened when long.
std::string shortened(std::string_view token) {
  return std::string(token.substr(0, 24)) + (token.size() > 24 ? "..." : "");
}

std::string hex_byte(unsigned char b) {
  static constexpr char digits[] = "0123456789ABCDEF";
  return std::string{digits[b >> 4], digits[b & 0xF]};
}

bool is_json_number(std::string_view t) {
  std::size_t i = 0;
  auto digits = [&] {
    const std::size_t start = i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
    return i > start;
  };
  if (i < t.size() && t[i] == '-') ++i;
  if (i < t.size() && t[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < t.size() && t[i] == '.' && (++i, !digits())) return false;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == t.size();
}

// What is wrong where the parser stopped, as a detail. The parser consumed text[0, offset)
// without complaint, so a scan of that prefix tells whether the offending byte lies in a
// string (and in an escape sequence), or between values.
domain::Message describe_failure(std::string_view text, const LocatingParser::Failure& failure) {
  using domain::detail;
  const std::size_t offset = std::min(failure.position > 0 ? failure.position - 1 : 0, text.size());
  if (auto bad = first_invalid_utf8(text); bad && *bad <= offset) {
    return at(detail("body_invalid_utf8", {{"value", hex_byte(static_cast<unsigned char>(text[*bad]))}}), text, *bad);
  }
  if (offset >= text.size()) return at(detail("json_unexpected_end"), text, text.size());

  bool in_string = false;
  std::size_t string_start = 0;
  // A '\' whose sequence is not complete yet, or npos (not an optional: g++ -O3 warns of it
  // as maybe-uninitialized).
  std::size_t escape_start = std::string_view::npos;
  std::size_t escape_left = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    const char c = text[i];
    if (!in_string) {
      if (c == '"') {
        in_string = true;
        string_start = i;
      }
    } else if (escape_start != std::string_view::npos) {
      if (escape_left > 0) {
        --escape_left;
      } else if (c == 'u' && i == escape_start + 1) {
        escape_left = 4;
        continue;
      }
      if (escape_left == 0) escape_start = std::string_view::npos;
    } else if (c == '\\') {
      escape_start = i;
    } else if (c == '"') {
      in_string = false;
    }
  }
  const char c = text[offset];
  const auto byte = static_cast<unsigned char>(c);
  if (in_string) {
    if (escape_start != std::string_view::npos) return at(detail("json_invalid_escape"), text, escape_start);
    if (byte < 0x20) return at(detail("json_control_character_in_string", {{"value", hex_byte(byte)}}), text, offset);
    // A high surrogate escape (\uD800-\uDBFF) that no low one follows: the parser stops
    // at the byte after it, whatever that is.
    if (offset >= 6 && text.substr(offset - 6, 2) == "\\u" && (text[offset - 4] == 'D' || text[offset - 4] == 'd') &&
        std::string_view("89ABab").find(text[offset - 3]) != std::string_view::npos) {
      return at(detail("json_unpaired_surrogate"), text, offset - 6);
    }
    if (c == '"') return at(detail("json_unexpected_string"), text, string_start);
    return at(detail("json_invalid_string"), text, string_start);
  }
  // A literal or number: the run of token characters at the offset, or the one the
  // offending byte cut short ("tru}").
  std::size_t start = offset, end = offset;
  if (is_token_char(c)) {
    while (end < text.size() && is_token_char(text[end])) ++end;
  }
  while (start > 0 && is_token_char(text[start - 1])) --start;
  if (start < end) {
    const std::string_view token = text.substr(start, end - start);
    const domain::MessageParams quoted = {{"token", shortened(token)}};
    if (failure.id == 406) return at(detail("json_number_too_large", quoted), text, start);
    if (token == "true" || token == "false" || token == "null")
      return at(detail("json_unexpected_literal", quoted), text, start);
    if (is_letter(token.front())) return at(detail("json_invalid_literal", quoted), text, start);
    if (is_json_number(token)) return at(detail("json_unexpected_number", quoted), text, start);
    return at(detail("json_invalid_number", quoted), text, start);
  }
  if (byte >= 0x21 && byte < 0x7F)
    return at(detail("json_unexpected_character", {{"character", std::string(1, c)}}), text, offset);
  if (is_json_space(c)) return at(detail("json_unexpected_space"), text, offset);
  if (byte < 0x80) return at(detail("json_unexpected_control_character", {{"value", hex_byte(byte)}}), text, offset);
  return at(detail("json_unexpected_byte", {{"value", hex_byte(byte)}}), text, offset);
}

}  // namespace

namespace {

// Per byte: 1 when dump() escapes it (", \\, the control characters), 2 when it is not ASCII
// (the text's UTF-8 is then checked).
constexpr std::array<unsigned char, 256> json_byte_class = [] {
  std::array<unsigned char, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = 1;
  table['"'] = 1;
  table['\\'] = 1;
  for (int c = 0x80; c < 0x100; ++c) table[c] = 2;
  return table;
}();

void append_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\f':
      out += "\\f";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default: {
      static constexpr char hex[] = "0123456789abcdef";
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  // One pass: runs of bytes that need no escape are copied whole, eight bytes classified at a
  // time (most text has nothing to escape). Text that is not ASCII is checked as UTF-8 after;
  // invalid UTF-8 is left to nlohmann, which throws type_error 316.
  const std::size_t start = out.size();
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  out.reserve(start + size + 2);
  out += '"';
  unsigned char seen = 0;
  std::size_t run = 0;
  std::size_t i = 0;
  while (i < size) {
    if (i + 8 <= size) {
      const unsigned char chunk = json_byte_class[bytes[i]] | json_byte_class[bytes[i + 1]] |
                                  json_byte_class[bytes[i + 2]] | json_byte_class[bytes[i + 3]] |
                                  json_byte_class[bytes[i + 4]] | json_byte_class[bytes[i + 5]] |
                                  json_byte_class[bytes[i + 6]] | json_byte_class[bytes[i + 7]];
      seen |= chunk;
      if ((chunk & 1) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = bytes[i];
    seen |= json_byte_class[c];
    if (json_byte_class[c] & 1) {
      out.append(text.data() + run, i - run);
      append_escape(out, c);
      run = i + 1;
    }
    ++i;
  }
  out.append(text.data() + run, size - run);
  out += '"';
  if ((seen & 2) && !domain::is_valid_utf8(text)) {
    out.resize(start);
    out += nlohmann::json(std::string(text)).dump();
  }
}

void append_json_number(std::string& out, long long value) {
  char text[24];
  const auto end = std::to_chars(std::begin(text), std::end(text), value).ptr;
  out.append(text, end);
}

void append_json_number(std::string& out, double value) {
  // nlohmann's own shortest form (and null for NaN and infinities); rare enough to go through it.
  out += nlohmann::json(value).dump();
}

Response json_response(int status, const nlohmann::json& body) {
  Response response;
  response.status = status;
  response.headers.set("Content-Type", "application/json");
  response.body = body.dump();
  return response;
}

nlohmann::json parse_json_text(std::string_view text, const JsonLimits& limits) {
  using domain::Error;
  using domain::Problem;
  if (std::all_of(text.begin(), text.end(), is_json_space)) {
    throw Error(Problem::bad_request, domain::detail("empty_json_body"));
  }
  LimitGuard guard(limits);
  nlohmann::json body;
  LocatingParser parser(body, guard);
  // Not only malformed JSON fails here: a number beyond double's range ("1e400") too (found
  // by fuzzing; it was a 500). A limit exceeded is reported first: the rest was only scanned.
  const bool parsed = nlohmann::json::sax_parse(text, &parser, nlohmann::json::input_format_t::json, true);
  if (guard.problem()) throw Error(Problem::bad_request, *guard.problem());
  if (!parsed || parser.failure()) {
    const auto failure = parser.failure().value_or(LocatingParser::Failure{text.size() + 1, 101});
    throw Error(Problem::bad_request, describe_failure(text, failure));
  }
  if (body.is_discarded()) body = nullptr;  // as nlohmann::json::parse does
  return body;
}

nlohmann::json parse_json_body(const Request& request, bool merge_patch) {
  using domain::Error;
  using domain::Problem;
  auto type = media_type(request.headers.get("Content-Type").value_or(""));
  bool accepted = iequals(type, "application/json") || (merge_patch && iequals(type, "application/merge-patch+json"));
  if (!accepted) {
    throw Error(Problem::unsupported_media_type,
                merge_patch ? domain::detail("send_merge_patch") : domain::detail("send_json"));
  }
  return parse_json_text(request.body);
}

}  // namespace eventd::http
