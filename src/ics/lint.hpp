#pragma once
// A byte-level check of iCalendar text (the first layer of checking, see ical.md): every
// line ends in CRLF, no bare CR or LF, no line longer than 75 octets, whole UTF-8, no empty
// continuation lines, no control characters, BEGIN/END balanced and properly nested.
#include <string>
#include <string_view>
#include <vector>

namespace eventd::ics {

// The problems found, each naming its line ("line 12: 76 octets (max 75)"); empty = fine.
std::vector<std::string> lint_ics(std::string_view text);

}  // namespace eventd::ics
