#include "domain/event_time.hpp"

#include <chrono>
#include <cstdio>

namespace eventd::domain {

namespace {

Instant whole_seconds(Instant t) { return std::chrono::floor<std::chrono::seconds>(t); }

std::string offset_text(std::chrono::seconds offset) {
  const long long minutes = (offset.count() < 0 ? -offset.count() : offset.count()) / 60;
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%c%02lld:%02lld", offset.count() < 0 ? '-' : '+', minutes / 60 % 100,
                minutes % 60);
  return buffer;
}

// "2027-03-28T02:30:00": the wall time as written, without a fraction.
std::string wall_text(LocalDateTime local) {
  const std::string utc = format_utc(Instant{std::chrono::floor<std::chrono::seconds>(local).time_since_epoch()});
  return utc.substr(0, utc.size() - 1);
}

EventTime refused(TimeRefusal why, std::string message) { return EventTime{std::nullopt, why, std::move(message)}; }

EventTime read_with_offset(const OffsetDateTime& parsed, std::string_view text, std::string_view zone) {
  if (!is_valid_timezone(zone) || is_consistent_with_zone(text, zone)) {
    return EventTime{whole_seconds(parsed.instant), std::nullopt, {}};
  }
  const std::string actual = offset_text(utc_offset(parsed.instant, zone));
  std::string message = std::string(text) + ": " + offset_text(parsed.offset) + " is not " + std::string(zone) +
                        "'s offset on that date (it is " + actual + " at that instant";
  if (resolve_local(parsed.local, zone).result == LocalResult::nonexistent) {
    message += ", and that local time does not exist there";
  }
  message += "); write the time in the zone's offset, in UTC with Z, or without an offset to mean the zone";
  return refused(TimeRefusal::offset_mismatch, std::move(message));
}

EventTime read_wall_clock(LocalDateTime local, std::string_view zone) {
  const std::string wall = wall_text(local);
  if (!is_valid_timezone(zone)) {
    return refused(TimeRefusal::needs_zone,
                   wall + " has no offset, so it means the event's timezone, and that is not a valid zone");
  }
  const LocalResolution resolution = resolve_local(local, zone);
  const std::string in_zone = std::string(zone);
  switch (resolution.result) {
    case LocalResult::unique:
      return EventTime{whole_seconds(resolution.earliest), std::nullopt, {}};
    case LocalResult::nonexistent:
      return refused(TimeRefusal::nonexistent, wall + " does not exist in " + in_zone +
                                                   ": the clocks are put forward that night and skip it; the first "
                                                   "time after the gap is " +
                                                   format_in_zone(resolution.earliest, zone));
    case LocalResult::ambiguous:
      return refused(TimeRefusal::ambiguous, wall + " happens twice in " + in_zone +
                                                 ": the clocks are put back that night; say which with "
                                                 "its offset, " +
                                                 wall + offset_text(utc_offset(resolution.earliest, zone)) +
                                                 " (the first) or " + wall +
                                                 offset_text(utc_offset(resolution.latest, zone)) + " (the second)");
  }
  return refused(TimeRefusal::malformed, "cannot be read");
}

}  // namespace

bool is_event_time_form(std::string_view text) {
  return parse_rfc3339_with_offset(text).has_value() || parse_local_datetime(text).has_value();
}

EventTime read_event_time(std::string_view text, std::string_view zone) {
  if (auto parsed = parse_rfc3339_with_offset(text)) return read_with_offset(*parsed, text, zone);
  if (auto local = parse_local_datetime(text)) return read_wall_clock(*local, zone);
  return refused(TimeRefusal::malformed,
                 "must be a date-time such as 2027-03-10T09:00:00 (in the event's timezone) or with an offset, "
                 "2027-03-10T09:00:00+01:00");
}

std::string format_event_time(Instant t, std::string_view zone) { return format_in_zone(whole_seconds(t), zone); }

}  // namespace eventd::domain
