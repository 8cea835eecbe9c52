#pragma once
// Our own serialisation of a libical component tree (internal to ics/).
//
// libical 3.0.16 folds lines wrongly when an unbreakable remainder is 73 or 74 octets
// (CR CR LF SP LF / CR LF SP CR LF; fixed upstream in 4.0.3), and it escapes neither commas
// nor semicolons in X-properties and CATEGORIES. So libical builds the components and
// formats each value and parameter, and this code writes the content lines: it escapes
// the TEXT of X-properties and CATEGORIES itself, joins consecutive CATEGORIES into one
// comma-separated line, joins repeated parameters (FEATURE=AUDIO,VIDEO) and folds every
// line with fold_line (75 octets, whole UTF-8 sequences, CRLF).
#include <libical/ical.h>

#include <string>

namespace eventd::ics::detail {

std::string serialise(icalcomponent* component);

}  // namespace eventd::ics::detail
