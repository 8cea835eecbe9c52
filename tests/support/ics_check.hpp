#pragma once
// The independent iCalendar check shared by unit and API tests: tests/tools/check_ics.py
// (python3-icalendar, python3-vobject with validate=True, and ical.js under node) over a
// calendar text.
#include <string>
#include <vector>

namespace eventd::test {

struct IcsCheck {
  int status = -1;     // 0: all three parsers accept the text and agree
  std::string output;  // stdout and stderr: one "<UID> <DTSTART> <DTEND>" line per VEVENT (UTC), or why not
};

// The interpreter with Debian's python3-icalendar and python3-vobject: EVENTD_PYTHON, else
// /usr/bin/python3 (a pyenv or venv python3 earlier in PATH usually lacks them).
std::string checker_python();

// Writes the calendar to a temp file and runs tests/tools/check_ics.py over it; `details`:
// its lines are "<UID> <DTSTART> <DTEND> <SEQUENCE> <STATUS>" (--details).
IcsCheck run_ics_checker(const std::string& text, bool details = false);

// Undoes line folding (CRLF followed by a space).
std::string unfold(const std::string& text);
// The content lines of a calendar, unfolded, without their CRLF.
std::vector<std::string> lines_of(const std::string& text);

}  // namespace eventd::test
