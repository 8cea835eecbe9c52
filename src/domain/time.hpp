#pragma once
// Instants, dates and IANA time zones, and their RFC 3339 text forms.
//
// Only std::chrono types appear here; the zone rules come from Howard Hinnant's date/tz
// (reading the OS tzdb), which stays inside time.cpp so callers need not include it.
//
// Thread safety: the tzdb and each zone are loaded lazily on first use (guarded by
// std::call_once inside date/tz, so it is safe but reads files). Call preload_timezones()
// once at start-up, before the I/O threads run, so no request ever pays for disk reads.
//
// Range: date/tz 3.0.1 does not read the rule footer of the OS zone files, so DST is known
// only up to the last explicit transition (2037). Times after that would silently get
// standard time; see is_supported_instant() and its use in the event rules.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace eventd::domain {

using Instant = std::chrono::sys_time<std::chrono::microseconds>;

// The current instant, to the microsecond (what the database keeps).
inline Instant now() {
  return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}
using Date = std::chrono::year_month_day;
// A wall-clock reading without a zone ("09:00 on 26 November 2020").
using LocalDateTime = std::chrono::local_time<std::chrono::microseconds>;

// Loads the tzdb and every zone in it. Call once at start-up; cheap afterwards.
void preload_timezones();

// True for a zone name the tzdb knows (e.g. "Europe/Stockholm", "UTC"); false for empty,
// oddly spelled or machine-dependent names ("localtime"), never throws.
bool is_valid_timezone(std::string_view iana);

// Strict RFC 3339 date-time: YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm). The offset and the
// seconds are required; 'T'/'Z' may be lower case (RFC 3339 §5.6 allows it). Fractions finer
// than a microsecond are truncated. Rejects space separators, missing offsets, impossible
// dates (Feb 30), hour 24 and leap seconds (:60, which std::chrono cannot represent).
std::optional<Instant> parse_rfc3339(std::string_view text);

// The same, also returning what was written: the local wall time and its offset.
struct OffsetDateTime {
  Instant instant;
  LocalDateTime local;          // the wall time as written
  std::chrono::minutes offset;  // as written; 0 for 'Z'
  bool utc_designator = false;  // written with 'Z' (a plain UTC instant, no local claim)
};
std::optional<OffsetDateTime> parse_rfc3339_with_offset(std::string_view text);

// "2020-11-26T08:00:00Z"; the fraction only when non-zero, without trailing zeros.
std::string format_utc(Instant t);

// RFC 3339 in the offset `iana` has at that instant: 2019-09-04T09:00:00+02:00 in September,
// 2020-11-26T09:00:00+01:00 in November for Europe/Stockholm. Precondition: a valid zone
// (throws std::invalid_argument otherwise). Historic offsets with seconds (local mean time
// before ~1900) cannot be written in RFC 3339 and fall back to UTC ("Z").
std::string format_in_zone(Instant t, std::string_view iana);

// Strict "YYYY-MM-DD", a real calendar date, year 0001-9999.
std::optional<Date> parse_date(std::string_view text);
std::string format_date(Date d);

// Strict "YYYY-MM-DDThh:mm:ss[.fraction]" without any offset (a floating wall time).
std::optional<LocalDateTime> parse_local_datetime(std::string_view text);

// How a wall time maps onto instants in a zone.
//  - unique: exactly one instant.
//  - nonexistent: the wall time falls in a spring-forward gap (02:30 on 2021-03-28 in
//    Stockholm); `earliest` == `latest` == the transition instant (the first valid one after).
//  - ambiguous: it occurs twice at fall-back (02:30 on 2021-10-31 in Stockholm);
//    `earliest` is the first occurrence (summer time), `latest` the second.
// The rule of the service: input in the last two cases is refused with a 422, never shifted.
enum class LocalResult { unique, nonexistent, ambiguous };
struct LocalResolution {
  LocalResult result = LocalResult::unique;
  Instant earliest{};
  Instant latest{};
};
// Precondition: a valid zone (throws std::invalid_argument otherwise).
LocalResolution resolve_local(LocalDateTime local, std::string_view iana);

// The offset `iana` has at instant t. Precondition: a valid zone.
std::chrono::seconds utc_offset(Instant t, std::string_view iana);

// Whether an RFC 3339 time with offset agrees with the event's zone: the written offset
// must be the one the zone has at that instant ("2020-11-26T09:00:00+01:00" is fine for
// Stockholm, "2020-11-26T09:00:00+02:00" is not: nobody in Stockholm reads 09:00+02:00 in
// November). A 'Z' time names a UTC instant and makes no claim about local time, so it is
// always consistent. False also for unparsable text or an unknown zone.
bool is_consistent_with_zone(std::string_view rfc3339, std::string_view iana);

// The first instant of local day `d` in zone `iana` (usually local midnight; if midnight
// falls in a DST gap, the first instant after the gap). Used for all-day events.
// Precondition: a valid zone.
Instant start_of_day(Date d, std::string_view iana);

// Instants whose zone offsets date/tz knows reliably: years 1900-2037 (see the note above).
bool is_supported_instant(Instant t);
bool is_supported_date(Date d);

}  // namespace eventd::domain
