#pragma once
// A time as a person writes it for an event (its times, its registration window, its
// sessions): RFC 3339 with an offset, or a wall-clock time without one, which means the
// event's zone ("2027-03-10T09:00:00" in Stockholm is 09:00 there, whatever the season).
// Included only by the readers of such times, so that time.hpp, which nearly everything
// includes, stays as it is.
#include <optional>
#include <string>
#include <string_view>

#include "domain/error.hpp"
#include "domain/time.hpp"

namespace eventd::domain {

// Why a written time was refused. Each is its own field error (the stable codes of the
// API's problem details name them).
enum class TimeRefusal {
  malformed,        // neither RFC 3339 with an offset nor a wall-clock time
  offset_mismatch,  // an offset the zone does not have at that instant (09:00+02:00 in a Stockholm November)
  nonexistent,      // a wall-clock time in the spring gap (02:30 on 2027-03-28 in Stockholm)
  ambiguous,        // a wall-clock time of the autumn overlap (02:30 on 2027-10-31 in Stockholm)
  needs_zone,       // a wall-clock time, and the zone it would mean is not valid
};

struct EventTime {
  std::optional<Instant> instant;  // set when accepted
  std::optional<TimeRefusal> refusal;
  // When refused, the field error's code (invalid_time, offset_mismatch, nonexistent_time,
  // ambiguous_time, must_have_offset) and the values its message names.
  FieldCode code = FieldCode("invalid_time");
  MessageParams params;
};

// Whether `text` could be an event time at all, before its zone is known (readers check the
// form first and the zone later, when they know it).
bool is_event_time_form(std::string_view text);

// Reads `text` in `zone` (an IANA name; invalid zones are reported by the zone's own check,
// and a time with an offset is still read). Whole seconds: a calendar has no use for
// fractions, and people should not see microseconds (JavaScript's toISOString writes
// ".000Z", which is why a fraction is accepted and dropped rather than refused).
EventTime read_event_time(std::string_view text, std::string_view zone);

// An event time for people: in `zone`, to the second ("2027-03-10T09:00:00+01:00").
std::string format_event_time(Instant t, std::string_view zone);

}  // namespace eventd::domain
