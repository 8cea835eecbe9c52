#include <doctest/doctest.h>

#include <cstdio>
#include <stdexcept>

#include "domain/time.hpp"

using namespace eventd::domain;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {

Instant utc(year_month_day d, hours h, minutes m = 0min, seconds s = 0s) { return Instant{sys_days{d} + h + m + s}; }

LocalDateTime local(year_month_day d, hours h, minutes m = 0min) { return LocalDateTime{local_days{d} + h + m}; }

}  // namespace

TEST_CASE("time zones are validated against the tzdb") {
  preload_timezones();
  CHECK(is_valid_timezone("Europe/Stockholm"));
  CHECK(is_valid_timezone("UTC"));
  CHECK(is_valid_timezone("America/Port-au-Prince"));
  CHECK(is_valid_timezone("Etc/GMT+1"));
  CHECK_FALSE(is_valid_timezone(""));
  CHECK_FALSE(is_valid_timezone("europe/stockholm"));  // names are case-sensitive
  CHECK_FALSE(is_valid_timezone("Europe/Stockholm "));
  CHECK_FALSE(is_valid_timezone("Europe/Östersund"));
  CHECK_FALSE(is_valid_timezone("Mars/Olympus_Mons"));
  CHECK_FALSE(is_valid_timezone("../../etc/passwd"));
  CHECK_FALSE(is_valid_timezone("/Europe/Stockholm"));
  CHECK_FALSE(is_valid_timezone("localtime"));  // depends on the machine, not a place
  CHECK_FALSE(is_valid_timezone(std::string(1000, 'A')));
}

TEST_CASE("parse_rfc3339 accepts explicit offsets and fractions") {
  CHECK(parse_rfc3339("2020-11-26T09:00:00+01:00") == utc(2020y / 11 / 26, 8h));
  CHECK(parse_rfc3339("2019-09-04T09:00:00+02:00") == utc(2019y / 9 / 4, 7h));
  CHECK(parse_rfc3339("2020-11-26T08:00:00Z") == utc(2020y / 11 / 26, 8h));
  CHECK(parse_rfc3339("2020-11-26t08:00:00z") == utc(2020y / 11 / 26, 8h));
  CHECK(parse_rfc3339("2020-11-26T03:30:00-04:30") == utc(2020y / 11 / 26, 8h));
  CHECK(parse_rfc3339("2020-11-26T08:00:00.5Z") == utc(2020y / 11 / 26, 8h) + 500ms);
  CHECK(parse_rfc3339("2020-11-26T08:00:00.123456Z") == utc(2020y / 11 / 26, 8h) + 123456us);
  // Nanoseconds are truncated to microseconds, not rejected.
  CHECK(parse_rfc3339("2020-11-26T08:00:00.123456789Z") == utc(2020y / 11 / 26, 8h) + 123456us);
  CHECK(parse_rfc3339("2020-02-29T00:00:00Z") == utc(2020y / 2 / 29, 0h));  // leap year
}

TEST_CASE("parse_rfc3339 rejects everything else") {
  for (const char* bad : {
           "2020-11-26T09:00:00",              // no offset
           "2020-11-26 09:00:00+01:00",        // space separator
           "2020-11-26T09:00+01:00",           // no seconds
           "2020-02-30T09:00:00Z",             // February 30
           "2019-02-29T09:00:00Z",             // not a leap year
           "2020-13-01T09:00:00Z",             // month 13
           "2020-11-26T24:00:00Z",             // hour 24
           "2020-11-26T23:60:00Z",             // minute 60
           "2016-12-31T23:59:60Z",             // leap second
           "2020-11-26T09:00:00+0100",         // offset without colon
           "2020-11-26T09:00:00+01",           // short offset
           "2020-11-26T09:00:00+24:00",        // offset out of range
           "2020-11-26T09:00:00.Z",            // empty fraction
           "2020-11-26T09:00:00.1234567890Z",  // more than nine fraction digits
           "2020-11-26T09:00:00Z ",            // trailing space
           "20201126T090000Z",                 // basic format
           "2020-11-26",                       // a date is not a date-time
           "",
       }) {
    CAPTURE(bad);
    CHECK_FALSE(parse_rfc3339(bad).has_value());
  }
}

TEST_CASE("format_in_zone uses the zone's offset for that instant") {
  const Instant september = utc(2019y / 9 / 4, 7h);
  const Instant november = utc(2020y / 11 / 26, 8h);
  CHECK(format_in_zone(september, "Europe/Stockholm") == "2019-09-04T09:00:00+02:00");
  CHECK(format_in_zone(november, "Europe/Stockholm") == "2020-11-26T09:00:00+01:00");
  CHECK(format_in_zone(november, "UTC") == "2020-11-26T08:00:00+00:00");
  CHECK(format_in_zone(november, "America/New_York") == "2020-11-26T03:00:00-05:00");
  CHECK(format_in_zone(november, "Asia/Kolkata") == "2020-11-26T13:30:00+05:30");
  CHECK(format_in_zone(november + 250ms, "Europe/Stockholm") == "2020-11-26T09:00:00.25+01:00");
  CHECK_THROWS_AS(format_in_zone(november, "Nowhere/Special"), std::invalid_argument);
}

TEST_CASE("formatting round-trips through parsing") {
  const Instant t = utc(2020y / 11 / 26, 8h, 15min, 30s) + 1us;
  CHECK(format_utc(t) == "2020-11-26T08:15:30.000001Z");
  CHECK(format_utc(utc(2020y / 11 / 26, 8h)) == "2020-11-26T08:00:00Z");
  CHECK(parse_rfc3339(format_utc(t)) == t);
  CHECK(parse_rfc3339(format_in_zone(t, "Europe/Stockholm")) == t);
}

TEST_CASE("dates are strict YYYY-MM-DD") {
  CHECK(parse_date("2019-09-04") == 2019y / 9 / 4);
  CHECK(parse_date("2024-02-29") == 2024y / 2 / 29);
  CHECK_FALSE(parse_date("2020-02-30").has_value());
  CHECK_FALSE(parse_date("2019-9-4").has_value());
  CHECK_FALSE(parse_date("2019-09-04T00:00:00Z").has_value());
  CHECK_FALSE(parse_date("0000-01-01").has_value());
  CHECK_FALSE(parse_date("04/09/2019").has_value());
  CHECK(format_date(2019y / 9 / 4) == "2019-09-04");
  CHECK(format_date(2019y / 9 / 5) == "2019-09-05");
}

TEST_CASE("local wall times parse without an offset") {
  CHECK(parse_local_datetime("2021-03-28T02:30:00") == local(2021y / 3 / 28, 2h, 30min));
  CHECK_FALSE(parse_local_datetime("2021-03-28T02:30:00Z").has_value());
  CHECK_FALSE(parse_local_datetime("2021-03-28T02:30").has_value());
}

TEST_CASE("resolve_local reports DST gaps and overlaps instead of shifting") {
  SUBCASE("an ordinary wall time is unique") {
    const LocalResolution r = resolve_local(local(2020y / 11 / 26, 9h), "Europe/Stockholm");
    CHECK(r.result == LocalResult::unique);
    CHECK(r.earliest == utc(2020y / 11 / 26, 8h));
    CHECK(r.latest == r.earliest);
  }
  SUBCASE("02:30 on 2021-03-28 does not exist in Stockholm (spring forward)") {
    const LocalResolution r = resolve_local(local(2021y / 3 / 28, 2h, 30min), "Europe/Stockholm");
    CHECK(r.result == LocalResult::nonexistent);
    CHECK(r.earliest == utc(2021y / 3 / 28, 1h));  // the transition: 02:00 CET became 03:00 CEST
  }
  SUBCASE("02:30 on 2021-10-31 occurs twice in Stockholm (fall back)") {
    const LocalResolution r = resolve_local(local(2021y / 10 / 31, 2h, 30min), "Europe/Stockholm");
    CHECK(r.result == LocalResult::ambiguous);
    CHECK(r.earliest == utc(2021y / 10 / 31, 0h, 30min));  // 02:30 CEST
    CHECK(r.latest == utc(2021y / 10 / 31, 1h, 30min));    // 02:30 CET
  }
  SUBCASE("the same wall time is unique in a zone without DST") {
    CHECK(resolve_local(local(2021y / 3 / 28, 2h, 30min), "UTC").result == LocalResult::unique);
  }
}

TEST_CASE("an RFC 3339 time must carry the zone's own offset") {
  CHECK(is_consistent_with_zone("2020-11-26T09:00:00+01:00", "Europe/Stockholm"));
  CHECK(is_consistent_with_zone("2019-09-04T09:00:00+02:00", "Europe/Stockholm"));
  CHECK_FALSE(is_consistent_with_zone("2020-11-26T09:00:00+02:00", "Europe/Stockholm"));  // summer offset in November
  CHECK(is_consistent_with_zone("2020-11-26T08:00:00Z", "Europe/Stockholm"));             // UTC makes no local claim
  CHECK_FALSE(is_consistent_with_zone("2020-11-26T09:00:00", "Europe/Stockholm"));
  CHECK_FALSE(is_consistent_with_zone("2020-11-26T09:00:00+01:00", "Nowhere/Special"));
  // Both 02:30s of the fall-back night are consistent: the offset says which one is meant.
  CHECK(is_consistent_with_zone("2021-10-31T02:30:00+02:00", "Europe/Stockholm"));
  CHECK(is_consistent_with_zone("2021-10-31T02:30:00+01:00", "Europe/Stockholm"));
  CHECK(utc_offset(utc(2019y / 9 / 4, 7h), "Europe/Stockholm") == 2h);
}

TEST_CASE("start_of_day is local midnight in the zone") {
  CHECK(start_of_day(2019y / 9 / 4, "Europe/Stockholm") == utc(2019y / 9 / 3, 22h));
  CHECK(start_of_day(2020y / 11 / 26, "Europe/Stockholm") == utc(2020y / 11 / 25, 23h));
  CHECK(start_of_day(2020y / 11 / 26, "UTC") == utc(2020y / 11 / 26, 0h));
  // In Santiago de Chile clocks went from 00:00 to 01:00 on 2019-09-08: the day began at 01:00 -03.
  CHECK(start_of_day(2019y / 9 / 8, "America/Santiago") == utc(2019y / 9 / 8, 4h));
}

TEST_CASE("zone offsets are only trusted up to 2037") {
  CHECK(is_supported_date(2019y / 9 / 4));
  CHECK(is_supported_date(2037y / 12 / 31));
  CHECK_FALSE(is_supported_date(2038y / 1 / 1));
  CHECK_FALSE(is_supported_instant(utc(1899y / 12 / 31, 23h)));
  CHECK(is_supported_instant(utc(2020y / 11 / 26, 8h)));
}

TEST_CASE("format_utc and format_date write what %04d-%02u-%02uT%02d:%02d:%02d wrote") {
  // Times and dates are written without printf; the same text across the years, both sides of
  // the epoch.
  using namespace std::chrono;
  for (long long step = -719000; step <= 2900000; step += 9973) {
    const auto t = eventd::domain::Instant{seconds{step * 86400LL + step * 37 % 86400}};
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss hms{floor<seconds>(t) - day};
    char expected[40];
    std::snprintf(expected, sizeof expected, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
    CHECK(eventd::domain::format_utc(t) == expected);
    std::snprintf(expected, sizeof expected, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    CHECK(eventd::domain::format_date(eventd::domain::Date{ymd}) == expected);
  }
}
