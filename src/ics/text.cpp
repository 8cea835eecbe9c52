#include "ics/text.hpp"

namespace eventd::ics {

std::size_t utf8_sequence_length(std::string_view s, std::size_t pos) {
  if (pos >= s.size()) return 0;
  const auto b0 = static_cast<unsigned char>(s[pos]);
  if (b0 < 0x80) return 1;
  std::size_t len = 0;
  unsigned lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;  // no overlong forms
    if (b0 == 0xED) hi = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (pos + len > s.size()) return 0;
  const auto b1 = static_cast<unsigned char>(s[pos + 1]);
  if (b1 < lo || b1 > hi) return 0;
  for (std::size_t i = 2; i < len; ++i) {
    const auto b = static_cast<unsigned char>(s[pos + i]);
    if (b < 0x80 || b > 0xBF) return 0;
  }
  return len;
}

bool is_valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string clean_text(std::string_view s, bool single_line) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
      continue;
    }
    if (n > 1) {
      out.append(s.substr(i, n));
      i += n;
      continue;
    }
    const char c = s[i++];
    if (c == '\r') {
      if (i < s.size() && s[i] == '\n') ++i;
      out += single_line ? ' ' : '\n';
    } else if (c == '\n') {
      out += single_line ? ' ' : '\n';
    } else if (c == '\t') {
      out += single_line ? ' ' : '\t';
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      // other control characters cannot appear in a content line
    } else {
      out += c;
    }
  }
  return out;
}

std::string clean_param(std::string_view s) {
  std::string out = clean_text(s, true);
  for (char& c : out) {
    if (c == '"') c = '\'';
  }
  return out;
}

std::string escape_text(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case ';':
        out += "\\;";
        break;
      case ',':
        out += "\\,";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string unescape_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    const char next = s[++i];
    switch (next) {
      case 'n':
      case 'N':
        out += '\n';
        break;
      case '\\':
      case ';':
      case ',':
        out += next;
        break;
      default:
        out += '\\';
        out += next;
    }
  }
  return out;
}

std::string fold_line(std::string_view line) {
  std::string out;
  out.reserve(line.size() + line.size() / 70 * 3 + 2);
  std::size_t pos = 0;
  std::size_t budget = kMaxLineOctets;  // the first line: 75 octets; continuations: 1 space + 74
  bool first = true;
  while (true) {
    const std::size_t remaining = line.size() - pos;
    if (remaining <= budget) {
      if (!first) out += ' ';
      out.append(line.substr(pos));
      out += "\r\n";
      return out;
    }
    // Take as many whole UTF-8 sequences as fit in the budget.
    std::size_t take = 0;
    while (take < budget) {
      std::size_t n = utf8_sequence_length(line, pos + take);
      if (n == 0) n = 1;  // not expected (input is clean), but never loop forever
      if (take + n > budget) break;
      take += n;
    }
    if (take == 0) take = 1;  // cannot happen with budget >= 4; defensive
    if (!first) out += ' ';
    out.append(line.substr(pos, take));
    out += "\r\n";
    pos += take;
    first = false;
    budget = kMaxLineOctets - 1;
  }
}

}  // namespace eventd::ics
