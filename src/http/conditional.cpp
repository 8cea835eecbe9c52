#include "http/conditional.hpp"

#include <cstdint>
#include <cstdio>

#include <algorithm>
#include <array>

#include "domain/error.hpp"

namespace eventd::http {

namespace {

// Compares entity tags from a header list ("a", W/"b", *) with `etag`. Weak comparison,
// which RFC 9110 prescribes for If-None-Match; If-Match wants strong, and ours are strong.
bool list_matches(std::string_view header, std::string_view etag, bool ignore_derived = false) {
  // "<id>-<version>.<derived>" → "<id>-<version>" (the part a client's change relies on).
  auto writable = [ignore_derived](std::string_view tag) -> std::string {
    if (!ignore_derived) return std::string(tag);
    auto dot = tag.find('.');
    if (dot == std::string_view::npos || tag.size() < 2) return std::string(tag);
    return std::string(tag.substr(0, dot)) + '"';
  };
  const std::string bare = writable(etag);
  while (!header.empty()) {
    auto comma = header.find(',');
    auto item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == "*") return true;
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (writable(item) == bare) return true;
  }
  return false;
}

constexpr std::array<const char*, 7> day_names{"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
constexpr std::array<const char*, 12> month_names{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

}  // namespace

std::string etag_for(std::string_view id, long long version) {
  // The id keeps tags of different records apart; the version changes on every visible edit.
  return "\"" + std::string(id.substr(0, 8)) + "-" + std::to_string(version) + "\"";
}

std::string etag_for(std::string_view id, long long version, std::string_view derived) {
  return "\"" + std::string(id.substr(0, 8)) + "-" + std::to_string(version) + "." + std::string(derived) + "\"";
}

void check_if_match(const Request& request, const std::string& current_etag) {
  auto header = request.headers.get("If-Match");
  if (!header) return;
  if (!list_matches(*header, current_etag, /*ignore_derived=*/true)) {
    throw domain::Error(domain::Problem::precondition_failed, domain::detail("etag_changed", {{"etag", current_etag}}));
  }
}

bool is_not_modified(const Request& request, const std::string& etag, std::optional<domain::Instant> last_modified) {
  if (auto header = request.headers.get("If-None-Match")) return list_matches(*header, etag);
  if (auto header = request.headers.get("If-Modified-Since"); header && last_modified) {
    auto since = parse_http_date(*header);
    auto modified = std::chrono::floor<std::chrono::seconds>(*last_modified);
    return since && modified <= *since;
  }
  return false;
}

std::string http_date(domain::Instant t) {
  // "Sun, 06 Nov 1994 08:49:37 GMT", without printf: every feed answer carries one.
  using namespace std::chrono;
  auto seconds = floor<std::chrono::seconds>(t);
  auto days = floor<std::chrono::days>(seconds);
  year_month_day ymd{days};
  hh_mm_ss time{seconds - days};
  auto weekday_index = static_cast<std::size_t>((days.time_since_epoch().count() % 7 + 7) % 7);
  std::string out;
  out.reserve(29);
  auto digits = [&out](long value, int width) {
    char text[8];
    for (int i = width - 1; i >= 0; --i, value /= 10) text[i] = static_cast<char>('0' + value % 10);
    out.append(text, static_cast<std::size_t>(width));
  };
  out.append(day_names[weekday_index]).append(", ");
  digits(static_cast<unsigned>(ymd.day()), 2);
  out.append(" ").append(month_names[static_cast<unsigned>(ymd.month()) - 1]).append(" ");
  digits(static_cast<int>(ymd.year()), 4);
  out += ' ';
  digits(time.hours().count(), 2);
  out += ':';
  digits(time.minutes().count(), 2);
  out += ':';
  digits(time.seconds().count(), 2);
  out.append(" GMT");
  return out;
}

namespace {
// The digits at text[at, at + count) as a number; nullopt unless every one is 0-9 (no sign,
// no space: sscanf's %d took "-010" as a year).
std::optional<int> fixed_digits(std::string_view text, std::size_t at, std::size_t count) {
  int value = 0;
  for (char c : text.substr(at, count)) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}
}  // namespace

std::optional<domain::Instant> parse_http_date(std::string_view text) {
  // IMF-fixdate only ("Sun, 06 Nov 1994 08:49:37 GMT"), which is what clients send today:
  // every field at its place. The day name must be one, but need not fit the date.
  if (text.size() != 29 || text.substr(3, 2) != ", " || text[7] != ' ' || text[11] != ' ' || text[16] != ' ' ||
      text[19] != ':' || text[22] != ':' || text.substr(25) != " GMT") {
    return std::nullopt;
  }
  if (std::find(day_names.begin(), day_names.end(), text.substr(0, 3)) == day_names.end()) return std::nullopt;
  const auto month_at = std::find(month_names.begin(), month_names.end(), text.substr(8, 3));
  if (month_at == month_names.end()) return std::nullopt;
  const auto day = fixed_digits(text, 5, 2), year = fixed_digits(text, 12, 4), hour = fixed_digits(text, 17, 2),
             minute = fixed_digits(text, 20, 2), second = fixed_digits(text, 23, 2);
  if (!day || !year || !hour || !minute || !second) return std::nullopt;
  const auto month = static_cast<unsigned>(month_at - month_names.begin()) + 1;
  std::chrono::year_month_day ymd{std::chrono::year(*year), std::chrono::month(month),
                                  std::chrono::day(static_cast<unsigned>(*day))};
  if (!ymd.ok() || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
  return std::chrono::sys_days(ymd) + std::chrono::hours(*hour) + std::chrono::minutes(*minute) +
         std::chrono::seconds(*second);
}

Response not_modified(const std::string& etag, std::optional<domain::Instant> last_modified) {
  Response response;
  response.status = 304;
  set_validators(response, etag, last_modified);
  return response;
}

void set_validators(Response& response, const std::string& etag, std::optional<domain::Instant> last_modified) {
  response.headers.set("ETag", etag);
  if (last_modified) response.headers.set("Last-Modified", http_date(*last_modified));
}

std::string content_digest(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(hash));
  return buffer;
}

std::string etag_of_content(std::string_view body) { return "\"c-" + content_digest(body) + "\""; }

}  // namespace eventd::http
