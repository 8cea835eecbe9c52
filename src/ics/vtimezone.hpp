#pragma once
// A compact VTIMEZONE generated from the tzdb (date/tz), internal to ics/.
//
// Only the rules covering the years a feed needs: for a zone whose transitions in those
// years follow one yearly rule each way (Europe/Stockholm: last Sunday of March and of
// October), one DAYLIGHT and one STANDARD observance with an RRULE and no UNTIL; for any
// other zone, one observance per transition (plus the one in force at the start). Never the
// history back to 1879, which several consumers (Python's icalendar among them) mishandle.
// The TZID is the plain IANA name (never libical's /freeassociation.sourceforge.net/ prefix).
#include <libical/ical.h>

#include <string>

#include "ics/ical_ptr.hpp"

namespace eventd::ics::detail {

// Covers local times in the years [first_year, last_year] (the year before is included,
// so the observance in force on 1 January of first_year has started). Throws
// std::invalid_argument for an unknown zone.
ComponentPtr make_vtimezone(const std::string& iana, int first_year, int last_year);

}  // namespace eventd::ics::detail
