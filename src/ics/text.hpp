#pragma once
// Byte-level helpers shared by the renderer, the lint and the importer: UTF-8, TEXT
// escaping (RFC 5545 §3.3.11) and line folding (§3.1). No libical here.
#include <cstddef>
#include <string>
#include <string_view>

namespace eventd::ics {

// Length of the well-formed UTF-8 sequence at s[pos] (1-4), or 0 when it is not one
// (stray continuation byte, overlong form, surrogate, > U+10FFFF, truncated).
std::size_t utf8_sequence_length(std::string_view s, std::size_t pos);

// Whether the whole of s is well-formed UTF-8.
bool is_valid_utf8(std::string_view s);

// Text made safe to put in a calendar: invalid UTF-8 replaced by U+FFFD, CRLF and CR made
// LF, other control characters (except TAB) dropped. `single_line` also turns LF and TAB
// into spaces (for parameter values and one-line texts).
std::string clean_text(std::string_view s, bool single_line = false);

// A parameter value: clean single-line text without '"' (which cannot be escaped in a
// parameter value; it becomes '\'').
std::string clean_param(std::string_view s);

// RFC 5545 TEXT escaping: '\' ';' ',' and newline (as "\n"). Input should be clean_text.
std::string escape_text(std::string_view s);

// The reverse: "\n" / "\N" → LF, "\\" "\;" "\," → the character; other escapes kept as is.
std::string unescape_text(std::string_view s);

// One content line (without its line break) folded into lines of at most 75 octets, each
// ended by CRLF; continuation lines start with one space. Never splits a UTF-8 sequence and
// never produces an empty continuation line.
std::string fold_line(std::string_view line);

inline constexpr std::size_t kMaxLineOctets = 75;

}  // namespace eventd::ics
