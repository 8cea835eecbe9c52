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

EventTime accepted(Instant t) { return EventTime{whole_seconds(t), std::nullopt, FieldCode("invalid_time"), {}}; }

EventTime refused(TimeRefusal why, FieldCode code, MessageParams params = {}) {
  return EventTime{std::nullopt, why, code, std::move(params)};
}

EventTime read_with_offset(const OffsetDateTime& parsed, std::string_view text, std::string_view zone) {
  if (!is_valid_timezone(zone) || is_consistent_with_zone(text, zone)) {
    return accepted(parsed.instant);
  }
  return refused(TimeRefusal::offset_mismatch, FieldCode("offset_mismatch"),
                 {{"time", std::string(text)},
                  {"offset", offset_text(parsed.offset)},
                  {"zone", std::string(zone)},
                  {"actual", offset_text(utc_offset(parsed.instant, zone))}});
}

EventTime read_wall_clock(LocalDateTime local, std::string_view zone) {
  const std::string wall = wall_text(local);
  if (!is_valid_timezone(zone))
    return refused(TimeRefusal::needs_zone, FieldCode("must_have_offset"), {{"time", wall}});
  const LocalResolution resolution = resolve_local(local, zone);
  const std::string in_zone = std::string(zone);
  switch (resolution.result) {
    case LocalResult::unique:
      return accepted(resolution.earliest);
    case LocalResult::nonexistent:
      return refused(TimeRefusal::nonexistent, FieldCode("nonexistent_time"),
                     {{"time", wall}, {"zone", in_zone}, {"first_after", format_in_zone(resolution.earliest, zone)}});
    case LocalResult::ambiguous:
      return refused(TimeRefusal::ambiguous, FieldCode("ambiguous_time"),
                     {{"time", wall},
                      {"zone", in_zone},
                      {"first", wall + offset_text(utc_offset(resolution.earliest, zone))},
                      {"second", wall + offset_text(utc_offset(resolution.latest, zone))}});
  }
  return refused(TimeRefusal::malformed, FieldCode("invalid_time"));
}

}  // namespace

bool is_event_time_form(std::string_view text) {
  return parse_rfc3339_with_offset(text).has_value() || parse_local_datetime(text).has_value();
}

EventTime read_event_time(std::string_view text, std::string_view zone) {
  if (auto parsed = parse_rfc3339_with_offset(text)) return read_with_offset(*parsed, text, zone);
  if (auto local = parse_local_datetime(text)) return read_wall_clock(*local, zone);
  return refused(TimeRefusal::malformed, FieldCode("invalid_time"));
}

std::string format_event_time(Instant t, std::string_view zone) { return format_in_zone(whole_seconds(t), zone); }

}  // namespace eventd::domain
