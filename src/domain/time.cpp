#include "domain/time.hpp"

#include <date/tz.h>

#include <cstdio>
#include <stdexcept>

namespace eventd::domain {

namespace {

using std::chrono::microseconds;

// Names that exist in the OS tzdb but depend on the machine, not on a place.
bool is_machine_local_name(std::string_view name) { return name == "localtime" || name == "posixrules"; }

// IANA names are ASCII letters, digits and "/_+-", e.g. "America/Port-au-Prince", "Etc/GMT+1".
// Checking the spelling first keeps odd input (paths, control bytes, huge strings) away
// from the tzdb lookup entirely.
bool has_zone_name_shape(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.back() == '/') return false;
  char previous = '\0';
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
                    c == '_' || c == '+' || c == '-';
    if (!ok || (c == '/' && previous == '/')) return false;
    previous = c;
  }
  return true;
}

// nullptr when the zone is unknown or its file cannot be read; never throws.
const date::time_zone* find_zone(std::string_view name) noexcept {
  if (!has_zone_name_shape(name) || is_machine_local_name(name)) return nullptr;
  try {
    const date::time_zone* zone = date::locate_zone(std::string(name));
    // Zones load lazily; asking for an offset proves the file is readable.
    (void)zone->get_info(date::sys_seconds{});
    return zone;
  } catch (const std::exception&) {
    return nullptr;
  }
}

const date::time_zone& zone_or_throw(std::string_view name) {
  const date::time_zone* zone = find_zone(name);
  if (zone == nullptr) throw std::invalid_argument("unknown time zone: " + std::string(name));
  return *zone;
}

// Reads exactly `count` ASCII digits at `pos`.
bool read_digits(std::string_view s, std::size_t pos, std::size_t count, int& out) {
  if (pos + count > s.size()) return false;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    value = value * 10 + (s[i] - '0');
  }
  out = value;
  return true;
}

// "YYYY-MM-DD" at the start of s.
std::optional<Date> read_date(std::string_view s) {
  int y = 0, m = 0, d = 0;
  if (s.size() < 10 || !read_digits(s, 0, 4, y) || s[4] != '-' || !read_digits(s, 5, 2, m) || s[7] != '-' ||
      !read_digits(s, 8, 2, d)) {
    return std::nullopt;
  }
  const Date date{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                  std::chrono::day{static_cast<unsigned>(d)}};
  if (y < 1 || !date.ok()) return std::nullopt;  // ok() rejects Feb 30, month 13, day 0
  return date;
}

// "YYYY-MM-DDThh:mm:ss[.fraction]" at the start of s; `end` receives where it stopped.
std::optional<LocalDateTime> read_wall_time(std::string_view s, std::size_t& end) {
  const auto date = read_date(s);
  if (!date || s.size() < 19 || (s[10] != 'T' && s[10] != 't')) return std::nullopt;
  int hh = 0, mm = 0, ss = 0;
  if (!read_digits(s, 11, 2, hh) || s[13] != ':' || !read_digits(s, 14, 2, mm) || s[16] != ':' ||
      !read_digits(s, 17, 2, ss)) {
    return std::nullopt;
  }
  if (hh > 23 || mm > 59 || ss > 59) return std::nullopt;

  std::size_t pos = 19;
  long long micros = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    const std::size_t first = pos;
    long long scale = 100000;  // the first fraction digit is tenths of a second
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      micros += (s[pos] - '0') * scale;  // digits past the sixth have scale 0: truncated
      scale /= 10;
      ++pos;
    }
    const std::size_t digits = pos - first;
    if (digits == 0 || digits > 9) return std::nullopt;
  }
  end = pos;
  return std::chrono::local_days{*date} + std::chrono::hours{hh} + std::chrono::minutes{mm} + std::chrono::seconds{ss} +
         microseconds{micros};
}

// ".5", ".123456" or "" — RFC 3339 allows any number of digits, so trailing zeros go.
std::string fraction_text(microseconds within_second) {
  long long us = within_second.count();
  if (us == 0) return {};
  std::string digits(6, '0');
  for (int i = 5; i >= 0; --i) {
    digits[static_cast<std::size_t>(i)] = static_cast<char>('0' + us % 10);
    us /= 10;
  }
  while (digits.back() == '0') digits.pop_back();
  return "." + digits;
}

// `value` (0 <= value < 10^width) in `width` digits, as %0<width>d writes it. Without printf:
// a list of 50 events writes 300 times and dates.
void append_digits(std::string& out, int value, int width) {
  char text[4];
  for (int i = width - 1; i >= 0; --i, value /= 10) text[i] = static_cast<char>('0' + value % 10);
  out.append(text, static_cast<std::size_t>(width));
}

// "YYYY-MM-DDThh:mm:ss[.f]" for a wall time given as a duration since 1970-01-01 00:00.
std::string wall_time_text(microseconds since_epoch) {
  const auto day_start = std::chrono::floor<std::chrono::days>(since_epoch);
  const Date date{std::chrono::sys_days{day_start}};
  const std::chrono::hh_mm_ss hms{since_epoch - day_start};
  const int year = static_cast<int>(date.year());
  if (year >= 0 && year <= 9999) {
    std::string out;
    out.reserve(32);
    append_digits(out, year, 4);
    out += '-';
    append_digits(out, static_cast<int>(static_cast<unsigned>(date.month())), 2);
    out += '-';
    append_digits(out, static_cast<int>(static_cast<unsigned>(date.day())), 2);
    out += 'T';
    append_digits(out, static_cast<int>(hms.hours().count()), 2);
    out += ':';
    append_digits(out, static_cast<int>(hms.minutes().count()), 2);
    out += ':';
    append_digits(out, static_cast<int>(hms.seconds().count()), 2);
    out += fraction_text(hms.subseconds());
    return out;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buffer + fraction_text(hms.subseconds());
}

date::local_time<microseconds> to_date_local(LocalDateTime local) {
  return date::local_time<microseconds>{local.time_since_epoch()};
}

}  // namespace

void preload_timezones() {
  const date::tzdb& db = date::get_tzdb();
  for (const date::time_zone& zone : db.zones) {
    try {
      (void)zone.get_info(date::sys_seconds{});
    } catch (const std::exception&) {
      // An unreadable zone file: find_zone() will report that zone as invalid later.
    }
  }
}

bool is_valid_timezone(std::string_view iana) { return find_zone(iana) != nullptr; }

std::optional<OffsetDateTime> parse_rfc3339_with_offset(std::string_view text) {
  std::size_t pos = 0;
  const auto local = read_wall_time(text, pos);
  if (!local || pos >= text.size()) return std::nullopt;

  OffsetDateTime result{};
  result.local = *local;
  const std::string_view zone_part = text.substr(pos);
  if (zone_part == "Z" || zone_part == "z") {
    result.utc_designator = true;
    result.offset = std::chrono::minutes{0};
  } else {
    int oh = 0, om = 0;
    if (zone_part.size() != 6 || (zone_part[0] != '+' && zone_part[0] != '-') || !read_digits(zone_part, 1, 2, oh) ||
        zone_part[3] != ':' || !read_digits(zone_part, 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    const std::chrono::minutes magnitude{oh * 60 + om};
    result.offset = zone_part[0] == '-' ? -magnitude : magnitude;
  }
  result.instant = Instant{local->time_since_epoch() - result.offset};
  return result;
}

std::optional<Instant> parse_rfc3339(std::string_view text) {
  const auto parsed = parse_rfc3339_with_offset(text);
  if (!parsed) return std::nullopt;
  return parsed->instant;
}

std::optional<LocalDateTime> parse_local_datetime(std::string_view text) {
  std::size_t pos = 0;
  const auto local = read_wall_time(text, pos);
  if (!local || pos != text.size()) return std::nullopt;
  return local;
}

std::string format_utc(Instant t) { return wall_time_text(t.time_since_epoch()) + "Z"; }

std::string format_in_zone(Instant t, std::string_view iana) {
  const date::sys_info info = zone_or_throw(iana).get_info(t);
  const std::chrono::seconds offset = info.offset;
  if (offset.count() % 60 != 0) return format_utc(t);

  // Real offsets lie within ±26 hours, so two digits of hours always suffice.
  const int total_minutes = static_cast<int>(offset.count() / 60);
  const int magnitude = (total_minutes < 0 ? -total_minutes : total_minutes) % (100 * 60);
  std::string out = wall_time_text(t.time_since_epoch() + offset);
  out += total_minutes < 0 ? '-' : '+';
  append_digits(out, magnitude / 60, 2);
  out += ':';
  append_digits(out, magnitude % 60, 2);
  return out;
}

std::optional<Date> parse_date(std::string_view text) {
  if (text.size() != 10) return std::nullopt;
  return read_date(text);
}

std::string format_date(Date d) {
  const int year = static_cast<int>(d.year());
  if (year >= 0 && year <= 9999 && d.ok()) {
    std::string out;
    append_digits(out, year, 4);
    out += '-';
    append_digits(out, static_cast<int>(static_cast<unsigned>(d.month())), 2);
    out += '-';
    append_digits(out, static_cast<int>(static_cast<unsigned>(d.day())), 2);
    return out;
  }
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                static_cast<unsigned>(d.day()));
  return buffer;
}

LocalResolution resolve_local(LocalDateTime local, std::string_view iana) {
  const date::local_info info = zone_or_throw(iana).get_info(to_date_local(local));
  const microseconds wall = local.time_since_epoch();
  LocalResolution r;
  switch (info.result) {
    case date::local_info::unique:
      r.result = LocalResult::unique;
      r.earliest = r.latest = Instant{wall - info.first.offset};
      break;
    case date::local_info::nonexistent:
      r.result = LocalResult::nonexistent;
      r.earliest = r.latest = std::chrono::time_point_cast<microseconds>(info.first.end);
      break;
    case date::local_info::ambiguous:
      r.result = LocalResult::ambiguous;
      r.earliest = Instant{wall - info.first.offset};
      r.latest = Instant{wall - info.second.offset};
      break;
  }
  return r;
}

std::chrono::seconds utc_offset(Instant t, std::string_view iana) { return zone_or_throw(iana).get_info(t).offset; }

bool is_consistent_with_zone(std::string_view rfc3339, std::string_view iana) {
  const auto parsed = parse_rfc3339_with_offset(rfc3339);
  const date::time_zone* zone = find_zone(iana);
  if (!parsed || zone == nullptr) return false;
  if (parsed->utc_designator) return true;
  return zone->get_info(parsed->instant).offset == parsed->offset;
}

Instant start_of_day(Date d, std::string_view iana) {
  // Unique or the second half of a gap: the earliest instant is the day's first.
  // Ambiguous midnight: the day starts at the first of the two.
  return resolve_local(LocalDateTime{std::chrono::local_days{d}}, iana).earliest;
}

bool is_supported_date(Date d) {
  return d.ok() && d.year() >= std::chrono::year{1900} && d.year() <= std::chrono::year{2037};
}

bool is_supported_instant(Instant t) { return is_supported_date(Date{std::chrono::floor<std::chrono::days>(t)}); }

}  // namespace eventd::domain
