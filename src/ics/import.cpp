#include "ics/import.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <utility>
#include <variant>

#include "domain/event_rules.hpp"
#include "domain/time.hpp"
#include "ics/ical_ptr.hpp"
#include "ics/text.hpp"

namespace eventd::ics {

using detail::ComponentPtr;
using domain::Event;
using domain::Instant;

namespace {

char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (upper(a[i]) != upper(b[i])) return false;
  }
  return true;
}

std::string to_lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

// The byte-level gate before libical sees anything. Returns an error message or nullopt.
std::optional<std::string> prescan(std::string_view text, const ImportLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return "the calendar is larger than " + std::to_string(limits.max_bytes) + " bytes";
  }
  if (text.empty()) return "the calendar is empty";
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t' && c != '\r' && c != '\n') || u == 0x7F) {
      return "the upload contains binary data (control characters), not iCalendar text";
    }
  }
  if (!is_valid_utf8(text)) return "the calendar is not valid UTF-8";

  std::vector<std::string> stack;
  std::size_t components = 0, events = 0, calendars = 0;
  std::string logical;
  bool seen_content = false;
  auto check_line = [&](const std::string& line) -> std::optional<std::string> {
    if (line.empty()) return std::nullopt;
    if (line.size() > limits.max_line_octets) return std::string("a content line is too long");
    const bool begin = line.size() > 6 && iequals(std::string_view(line).substr(0, 6), "BEGIN:");
    const bool end = line.size() > 4 && iequals(std::string_view(line).substr(0, 4), "END:");
    if (!seen_content && !begin) return std::string("the upload does not start with BEGIN:VCALENDAR");
    seen_content = true;
    if (begin) {
      std::string name = trim(std::string_view(line).substr(6));
      for (char& c : name) c = upper(c);
      if (stack.empty()) {
        if (name != "VCALENDAR") return std::string("the upload does not start with BEGIN:VCALENDAR");
        if (++calendars > 1) return std::string("more than one VCALENDAR in the upload");
      }
      if (name == "VEVENT" && ++events > limits.max_events) {
        return "more than " + std::to_string(limits.max_events) + " events";
      }
      if (++components > limits.max_components) {
        return "more than " + std::to_string(limits.max_components) + " components";
      }
      stack.push_back(std::move(name));
      if (stack.size() > limits.max_depth) {
        return "components nested deeper than " + std::to_string(limits.max_depth) + " levels";
      }
    } else if (end) {
      std::string name = trim(std::string_view(line).substr(4));
      for (char& c : name) c = upper(c);
      if (stack.empty() || stack.back() != name) return "END:" + name + " does not match its BEGIN";
      stack.pop_back();
    } else if (stack.empty()) {
      return std::string("content after END:VCALENDAR");
    }
    return std::nullopt;
  };

  std::size_t pos = 0;
  if (text.starts_with("\xEF\xBB\xBF")) pos = 3;  // a byte-order mark
  while (pos < text.size()) {
    auto lf = text.find('\n', pos);
    if (lf == std::string_view::npos) lf = text.size();
    std::string_view line = text.substr(pos, lf - pos);
    pos = lf + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
      if (logical.size() + line.size() > limits.max_line_octets) return std::string("a content line is too long");
      logical.append(line.substr(1));
      continue;
    }
    if (auto e = check_line(logical)) return e;
    logical.assign(line);
  }
  if (auto e = check_line(logical)) return e;
  if (calendars == 0) return std::string("no VCALENDAR in the upload");
  if (!stack.empty()) return "the calendar is truncated: BEGIN:" + stack.back() + " without END";
  return std::nullopt;
}

struct WindowsZone {
  std::string_view windows;
  std::string_view iana;
};
// CLDR's windowsZones.xml, territory "001" (the zone each Windows name stands for): every
// European name, and the most common others. Others are read from the file's VTIMEZONE.
constexpr std::array<WindowsZone, 22> kWindowsZones{{
    {"W. Europe Standard Time", "Europe/Berlin"},
    {"Central Europe Standard Time", "Europe/Budapest"},
    {"Central European Standard Time", "Europe/Warsaw"},
    {"Romance Standard Time", "Europe/Paris"},
    {"GMT Standard Time", "Europe/London"},
    {"Greenwich Standard Time", "Atlantic/Reykjavik"},
    {"FLE Standard Time", "Europe/Helsinki"},
    {"GTB Standard Time", "Europe/Bucharest"},
    {"E. Europe Standard Time", "Europe/Chisinau"},
    {"Russian Standard Time", "Europe/Moscow"},
    {"Turkey Standard Time", "Europe/Istanbul"},
    {"Kaliningrad Standard Time", "Europe/Kaliningrad"},
    {"Belarus Standard Time", "Europe/Minsk"},
    {"Volgograd Standard Time", "Europe/Volgograd"},
    {"Astrakhan Standard Time", "Europe/Astrakhan"},
    {"Russia Time Zone 3", "Europe/Samara"},
    {"Morocco Standard Time", "Africa/Casablanca"},
    {"UTC", "UTC"},
    {"Eastern Standard Time", "America/New_York"},
    {"Central Standard Time", "America/Chicago"},
    {"Mountain Standard Time", "America/Denver"},
    {"Pacific Standard Time", "America/Los_Angeles"},
}};

std::optional<std::string> windows_zone(std::string_view tzid) {
  for (const auto& z : kWindowsZones) {
    if (z.windows == tzid) return std::string(z.iana);
  }
  return std::nullopt;
}

std::chrono::sys_seconds to_sys(const icaltimetype& t) {
  using namespace std::chrono;
  const year_month_day d{year{t.year}, month{static_cast<unsigned>(t.month)}, day{static_cast<unsigned>(t.day)}};
  return sys_days{d} + hours{t.hour} + minutes{t.minute} + seconds{t.second};
}

domain::LocalDateTime to_local(const icaltimetype& t) {
  using namespace std::chrono;
  const year_month_day d{year{t.year}, month{static_cast<unsigned>(t.month)}, day{static_cast<unsigned>(t.day)}};
  return domain::LocalDateTime{local_days{d} + hours{t.hour} + minutes{t.minute} + seconds{t.second}};
}

bool valid_fields(const icaltimetype& t) {
  if (icaltime_is_null_time(t) || t.year < 1 || t.year > 9999 || t.month < 1 || t.month > 12 || t.day < 1 ||
      t.day > 31) {
    return false;
  }
  const std::chrono::year_month_day d{std::chrono::year{t.year}, std::chrono::month{static_cast<unsigned>(t.month)},
                                      std::chrono::day{static_cast<unsigned>(t.day)}};
  if (!d.ok()) return false;
  return t.is_date || (t.hour >= 0 && t.hour < 24 && t.minute >= 0 && t.minute < 60 && t.second >= 0 && t.second < 60);
}

std::string format_local(const icaltimetype& t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", t.year, t.month, t.day, t.hour, t.minute, t.second);
  return buf;
}

// One DATE-TIME value resolved to an instant; `zone` receives the IANA zone it was read in
// (empty when it is UTC or came from the file's own VTIMEZONE).
struct Resolved {
  std::optional<Instant> instant;
  std::string zone;
  std::string error;
};

class Context {
 public:
  Context(icalcomponent* calendar, std::string default_zone)
      : calendar_(calendar), default_zone_(std::move(default_zone)) {
    // The calendar's own zone (X-WR-TIMEZONE) reads floating times, when it is a real one.
    for (icalproperty* p = icalcomponent_get_first_property(calendar, ICAL_X_PROPERTY); p != nullptr;
         p = icalcomponent_get_next_property(calendar, ICAL_X_PROPERTY)) {
      const char* name = icalproperty_get_x_name(p);
      const char* value = icalproperty_get_x(p);
      if (name != nullptr && value != nullptr && iequals(name, "X-WR-TIMEZONE")) {
        if (auto z = iana_for_tzid(trim(value))) default_zone_ = *z;
      }
    }
    if (!domain::is_valid_timezone(default_zone_)) default_zone_ = "Europe/Stockholm";
    if (icalproperty* p = icalcomponent_get_first_property(calendar, ICAL_PRODID_PROPERTY)) {
      const char* id = icalproperty_get_prodid(p);
      from_eventd_ = id != nullptr && std::string_view(id).starts_with("-//eventd//");
    }
  }

  // Written by eventd's own feeds, whose descriptions end in paragraphs it adds.
  bool from_eventd() const { return from_eventd_; }

  const std::string& default_zone() const { return default_zone_; }

  Resolved resolve(icalproperty* prop, const icaltimetype& t) const {
    Resolved r;
    if (icaltime_is_utc(t)) {
      r.instant = Instant{to_sys(t)};
      return r;
    }
    icalparameter* tzparam = icalproperty_get_first_parameter(prop, ICAL_TZID_PARAMETER);
    const char* tzid = tzparam != nullptr ? icalparameter_get_tzid(tzparam) : nullptr;
    std::string zone = default_zone_;  // floating
    bool windows = false;
    if (tzid != nullptr && *tzid != '\0') {
      auto iana = iana_for_tzid(tzid);
      if (!iana) return from_vtimezone(tzid, t);
      windows = windows_zone(tzid).has_value();
      zone = *iana;
    }
    const auto res = domain::resolve_local(to_local(t), zone);
    if (res.result == domain::LocalResult::nonexistent) {
      r.error = format_local(t) + " does not exist in " + zone + " (the clocks move forward then)";
      return r;
    }
    if (res.result == domain::LocalResult::ambiguous) {
      r.error = format_local(t) + " occurs twice in " + zone + " (the clocks move back then)";
      return r;
    }
    r.instant = res.earliest;
    r.zone = zone;
    // A Windows name stands for a group of zones: keep ours when it agrees at that instant.
    if (windows && domain::utc_offset(res.earliest, default_zone_) == domain::utc_offset(res.earliest, zone)) {
      r.zone = default_zone_;
    }
    return r;
  }

 private:
  Resolved from_vtimezone(const char* tzid, const icaltimetype& t) const {
    Resolved r;
    for (icalcomponent* c = icalcomponent_get_first_component(calendar_, ICAL_VTIMEZONE_COMPONENT); c != nullptr;
         c = icalcomponent_get_next_component(calendar_, ICAL_VTIMEZONE_COMPONENT)) {
      icalproperty* id = icalcomponent_get_first_property(c, ICAL_TZID_PROPERTY);
      const char* name = id != nullptr ? icalproperty_get_tzid(id) : nullptr;
      if (name == nullptr || std::string_view(name) != tzid) continue;
      icaltimezone* zone = icaltimezone_new();
      if (zone == nullptr) break;
      if (icaltimezone_set_component(zone, icalcomponent_new_clone(c)) == 0) {
        icaltimezone_free(zone, 1);
        break;
      }
      icaltimetype local = t;
      local.zone = nullptr;
      const time_t secs = icaltime_as_timet_with_zone(local, zone);
      icaltimezone_free(zone, 1);
      r.instant = Instant{std::chrono::sys_seconds{std::chrono::seconds{secs}}};
      return r;
    }
    r.error = "unknown time zone \"" + clean_text(tzid, true) + "\"";
    return r;
  }

  icalcomponent* calendar_;
  std::string default_zone_;
  bool from_eventd_ = false;
};

// The paragraphs calendar_renderer.cpp appends to a description (description_tail, a
// session's "Part of" and a visit's hosts), removed from the end so a re-imported event is
// not described twice.
std::string without_eventd_paragraphs(std::string text) {
  static constexpr std::array<std::string_view, 8> kLabels{"Mer information: ",
                                                           "More information: ",
                                                           "Länk till sändningen: ",
                                                           "Stream: ",
                                                           "Del av: ",
                                                           "Part of: ",
                                                           "Värdar: ",
                                                           "Hosts: "};
  for (;;) {
    const auto cut = text.rfind("\n\n");
    const std::string_view last = std::string_view(text).substr(cut == std::string::npos ? 0 : cut + 2);
    const bool added =
        std::any_of(kLabels.begin(), kLabels.end(), [&](std::string_view l) { return last.starts_with(l); });
    if (!added) return text;
    text.resize(cut == std::string::npos ? 0 : cut);
  }
}

std::string text_of(icalcomponent* v, icalproperty_kind kind) {
  icalproperty* p = icalcomponent_get_first_property(v, kind);
  if (p == nullptr) return {};
  icalvalue* value = icalproperty_get_value(p);
  if (value == nullptr) return {};
  const char* text = nullptr;
  switch (kind) {
    case ICAL_SUMMARY_PROPERTY:
      text = icalproperty_get_summary(p);
      break;
    case ICAL_DESCRIPTION_PROPERTY:
      text = icalproperty_get_description(p);
      break;
    case ICAL_LOCATION_PROPERTY:
      text = icalproperty_get_location(p);
      break;
    case ICAL_UID_PROPERTY:
      text = icalproperty_get_uid(p);
      break;
    case ICAL_URL_PROPERTY:
      text = icalproperty_get_url(p);
      break;
    case ICAL_CONFERENCE_PROPERTY:
      text = icalproperty_get_conference(p);
      break;
    default:
      break;
  }
  return text == nullptr ? std::string{} : clean_text(text);
}

// The value of the first X- property of `v` with this name (case-insensitive), cleaned.
std::string x_text(icalcomponent* v, std::string_view name) {
  for (icalproperty* p = icalcomponent_get_first_property(v, ICAL_X_PROPERTY); p != nullptr;
       p = icalcomponent_get_next_property(v, ICAL_X_PROPERTY)) {
    const char* n = icalproperty_get_x_name(p);
    if (n == nullptr || !iequals(n, name)) continue;
    // With a VALUE parameter (Apple's VALUE=URI) libical keeps a typed value, not an X one.
    const char* value = icalproperty_get_x(p);
    if (value == nullptr || *value == '\0') value = icalproperty_get_value_as_string(p);
    return value == nullptr ? std::string{} : trim(clean_text(value, true));
  }
  return {};
}

// "geo:58.3806,12.3234" (Apple's X-APPLE-STRUCTURED-LOCATION) → latitude, longitude.
std::optional<std::pair<double, double>> geo_uri(std::string_view uri) {
  if (uri.size() < 5 || !iequals(uri.substr(0, 4), "geo:")) return std::nullopt;
  double lat = 0, lon = 0;
  char rest = 0;
  std::string text(uri.substr(4));
  std::erase(text, '\\');  // "58.34\,11.93" when the comma came back escaped
  const int n = std::sscanf(text.c_str(), "%lf,%lf%c", &lat, &lon, &rest);
  if ((n != 2 && !(n == 3 && rest == ';')) || !(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180)) {
    return std::nullopt;
  }
  return std::pair{lat, lon};
}

bool looks_like_url(std::string_view s) { return s.starts_with("https://") || s.starts_with("http://"); }

bool is_online_word(std::string_view s) {
  const std::string l = to_lower_ascii(s);
  // Outlook writes "Microsoft Teams Meeting" (or the localised "Microsoft Teams-möte") as
  // the LOCATION of a Teams invitation.
  for (std::string_view w :
       {"online", "digitalt", "digital", "zoom", "microsoft teams", "teams", "youtube", "webinar", "webbinarium",
        "google meet", "microsoft teams meeting", "microsoft teams-möte", "teams-möte", "zoom meeting"}) {
    if (l == w) return true;
  }
  return false;
}

// Commas and line breaks: Apple Calendar writes the place's name on a line of its own
// ("Folkets Hus\nKungsgatan 15, 462 33 Vänersborg, Sverige").
std::vector<std::string> split_commas(std::string_view s) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= s.size()) {
    const auto comma = s.find_first_of(",\n", start);
    const auto end = comma == std::string_view::npos ? s.size() : comma;
    std::string part = trim(s.substr(start, end - start));
    if (!part.empty()) parts.push_back(std::move(part));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return parts;
}

bool is_postal_code(std::string_view s) {
  // Swedish style "831 82" or "83182", or any 4-5 digit code.
  std::size_t digits = 0;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c != ' ') {
      return false;
    }
  }
  return digits >= 4 && digits <= 6;
}

std::optional<std::string> country_code(std::string_view s) {
  const std::string l = to_lower_ascii(s);
  if (l == "sverige" || l == "sweden" || l == "se") return "SE";
  if (l == "norge" || l == "norway" || l == "no") return "NO";
  if (l == "danmark" || l == "denmark" || l == "dk") return "DK";
  if (l == "finland" || l == "fi") return "FI";
  return std::nullopt;
}

// "Stadsbiblioteket, Kungsgatan 1, 831 82 Östersund, Sverige" → name, street, postal code,
// city, country. A single part is the city; the last part (after any country) is the city.
domain::Venue venue_from(std::string_view location) {
  domain::Venue v;
  auto parts = split_commas(location);
  if (parts.empty()) return v;
  if (parts.size() > 1) {
    if (auto cc = country_code(parts.back())) {
      v.country = *cc;
      parts.pop_back();
    }
  }
  std::string city = parts.back();
  parts.pop_back();
  // "831 82 Östersund": a leading postal code.
  for (std::size_t split = city.size(); split > 0; --split) {
    if (city[split - 1] != ' ') continue;
    const std::string_view head = std::string_view(city).substr(0, split - 1);
    if (is_postal_code(head)) {
      v.postal_code = std::string(head);
      city = trim(std::string_view(city).substr(split));
      break;
    }
  }
  v.city = city;
  if (!parts.empty()) {
    v.name = parts.front();
    if (parts.size() >= 2) v.street = parts[1];
  }
  return v;
}

// A CATEGORIES value that names a kind: its wire name, or a label in Swedish or English
// (lower-cased; to_lower_ascii leaves å, ä, ö alone, so the labels are written in lower case).
template <typename Kind>
struct KindLabel {
  std::string_view text;
  Kind kind;
};

template <typename Kind, std::size_t N, typename Parse>
std::optional<Kind> kind_from_label(std::string_view category, const std::array<KindLabel<Kind>, N>& labels,
                                    Parse parse_wire_name) {
  const std::string l = to_lower_ascii(category);
  if (auto k = parse_wire_name(l)) return k;
  for (const auto& label : labels) {
    if (label.text == l) return label.kind;
  }
  return std::nullopt;
}

std::optional<domain::EventKind> kind_from_category(std::string_view category) {
  using K = domain::EventKind;
  static constexpr std::array<KindLabel<K>, 7> kLabels{{
      {"seminarium", K::seminar},
      {"webbinarium", K::webinar},
      {"konferens", K::conference},
      {"studiebesök", K::study_visit},
      {"study visit", K::study_visit},
      {"studieresa", K::study_visit},
      {"möte", K::meeting},
  }};
  return kind_from_label(category, kLabels, [](std::string_view l) { return domain::parse_event_kind(l); });
}

// Also the labels calendar_renderer.cpp writes for sessions.
std::optional<domain::SessionKind> session_kind_from_category(std::string_view category) {
  using K = domain::SessionKind;
  static constexpr std::array<KindLabel<K>, 7> kLabels{{
      {"föredrag", K::talk},
      {"panelsamtal", K::panel},
      {"studiebesök", K::site_visit},
      {"site visit", K::site_visit},
      {"paus", K::break_},
      {"programpunkt", K::other},
      {"programme item", K::other},
  }};
  return kind_from_label(category, kLabels, [](std::string_view l) { return domain::parse_session_kind(l); });
}

// The UID of the VEVENT of this file that `v` is a programme item of, if any.
std::optional<std::string> parent_in_file(icalcomponent* v, const std::set<std::string>& uids) {
  for (icalproperty* rel = icalcomponent_get_first_property(v, ICAL_RELATEDTO_PROPERTY); rel != nullptr;
       rel = icalcomponent_get_next_property(v, ICAL_RELATEDTO_PROPERTY)) {
    icalparameter* type = icalproperty_get_first_parameter(rel, ICAL_RELTYPE_PARAMETER);
    const bool parent = type == nullptr || icalparameter_get_reltype(type) == ICAL_RELTYPE_PARENT;
    const char* target = icalproperty_get_relatedto(rel);
    if (parent && target != nullptr && uids.count(target) != 0) return std::string(target);
  }
  return std::nullopt;
}

std::string uid_of(icalcomponent* v) { return clean_text(text_of(v, ICAL_UID_PROPERTY), true); }

// SEQUENCE (0 when absent, as RFC 5545 says; a negative or unreadable one counts as 0) and
// LAST-MODIFIED (UTC by the RFC; a local one is read like DTSTART, an unreadable one is
// left out): what tells a later export of the same VEVENT from the one imported before.
void read_revision(icalcomponent* v, const Context& ctx, ImportedEvent& out) {
  if (icalproperty* p = icalcomponent_get_first_property(v, ICAL_SEQUENCE_PROPERTY)) {
    out.sequence = std::max(0, icalproperty_get_sequence(p));
  }
  if (icalproperty* p = icalcomponent_get_first_property(v, ICAL_LASTMODIFIED_PROPERTY)) {
    const icaltimetype t = icalproperty_get_lastmodified(p);
    if (valid_fields(t) && !t.is_date) {
      const Resolved r = ctx.resolve(p, t);
      if (r.instant && domain::is_supported_instant(*r.instant)) out.last_modified = r.instant;
    }
  }
}

struct Skip {
  std::string reason;
};

// One VEVENT → a draft event, or the reason it is skipped.
std::variant<Event, Skip> convert(icalcomponent* v, const Context& ctx) {
  if (icalcomponent_get_first_property(v, ICAL_RRULE_PROPERTY) != nullptr) {
    return Skip{"recurring events (RRULE) are not supported"};
  }
  if (icalcomponent_get_first_property(v, ICAL_RDATE_PROPERTY) != nullptr) {
    return Skip{"recurring events (RDATE) are not supported"};
  }
  if (icalcomponent_get_first_property(v, ICAL_RECURRENCEID_PROPERTY) != nullptr) {
    return Skip{"changes to one occurrence of a recurring event (RECURRENCE-ID) are not supported"};
  }
  if (icalproperty* st = icalcomponent_get_first_property(v, ICAL_STATUS_PROPERTY);
      st != nullptr && icalproperty_get_status(st) == ICAL_STATUS_CANCELLED) {
    return Skip{"cancelled events (STATUS:CANCELLED) are not imported"};
  }
  Event e;
  e.status = domain::EventStatus::draft;
  e.title = trim(clean_text(text_of(v, ICAL_SUMMARY_PROPERTY), true));
  if (e.title.empty()) return Skip{"no SUMMARY (title)"};
  if (icalproperty* s = icalcomponent_get_first_property(v, ICAL_SUMMARY_PROPERTY)) {
    if (icalparameter* lang = icalproperty_get_first_parameter(s, ICAL_LANGUAGE_PARAMETER)) {
      const char* l = icalparameter_get_language(lang);
      if (l != nullptr && *l != '\0' && std::string_view(l).size() <= 35) e.language = clean_text(l, true);
    }
  }
  std::string description = trim(text_of(v, ICAL_DESCRIPTION_PROPERTY));
  if (ctx.from_eventd()) description = without_eventd_paragraphs(std::move(description));
  if (!description.empty()) e.description = std::move(description);

  // Times. A time libical could not read is gone from the component, with an X-LIC-ERROR
  // naming it: refuse rather than guess (a missing DTEND would otherwise mean "one day").
  for (icalproperty* err = icalcomponent_get_first_property(v, ICAL_XLICERROR_PROPERTY); err != nullptr;
       err = icalcomponent_get_next_property(v, ICAL_XLICERROR_PROPERTY)) {
    const char* what = icalproperty_get_xlicerror(err);
    const std::string_view msg = what == nullptr ? "" : what;
    for (std::string_view name : {" DTSTART ", " DTEND ", " DURATION "}) {
      if (msg.find(name) != std::string_view::npos) {
        return Skip{"unreadable " + std::string(trim(name)) + ": " + clean_text(msg, true)};
      }
    }
  }
  icalproperty* start_prop = icalcomponent_get_first_property(v, ICAL_DTSTART_PROPERTY);
  if (start_prop == nullptr) return Skip{"no DTSTART"};
  const icaltimetype start = icalproperty_get_dtstart(start_prop);
  if (!valid_fields(start)) return Skip{"DTSTART is not a valid date or date-time"};
  icalproperty* end_prop = icalcomponent_get_first_property(v, ICAL_DTEND_PROPERTY);
  icalproperty* duration_prop = icalcomponent_get_first_property(v, ICAL_DURATION_PROPERTY);
  std::optional<icaltimetype> end;
  if (end_prop != nullptr) {
    end = icalproperty_get_dtend(end_prop);
    if (!valid_fields(*end)) return Skip{"DTEND is not a valid date or date-time"};
    if (static_cast<bool>(end->is_date) != static_cast<bool>(start.is_date)) {
      return Skip{"DTSTART and DTEND must both be dates or both date-times"};
    }
  }
  std::optional<long long> duration_seconds;
  if (!end && duration_prop != nullptr) {
    const icaldurationtype d = icalproperty_get_duration(duration_prop);
    if (icaldurationtype_is_bad_duration(d) || d.is_neg) return Skip{"DURATION is not a valid positive duration"};
    duration_seconds = icaldurationtype_as_int(d);
  }

  if (start.is_date) {
    using namespace std::chrono;
    e.all_day = true;
    e.timezone = ctx.default_zone();
    const year_month_day first{year{start.year}, month{static_cast<unsigned>(start.month)},
                               day{static_cast<unsigned>(start.day)}};
    year_month_day last = first;  // no DTEND: one day (RFC 5545 §3.6.1)
    if (end) {
      const year_month_day exclusive{year{end->year}, month{static_cast<unsigned>(end->month)},
                                     day{static_cast<unsigned>(end->day)}};
      last = year_month_day{sys_days{exclusive} - days{1}};
    } else if (duration_seconds) {
      const auto n = std::max<long long>(1, *duration_seconds / 86400);
      last = year_month_day{sys_days{first} + days{n - 1}};
    }
    if (sys_days{last} < sys_days{first}) return Skip{"DTEND is not after DTSTART"};
    if (!domain::is_supported_date(first) || !domain::is_supported_date(last)) {
      return Skip{"dates outside the years 1900-2037 are not supported"};
    }
    e.starts_on = first;
    e.ends_on = last;
  } else {
    const Resolved s = ctx.resolve(start_prop, start);
    if (!s.instant) return Skip{"DTSTART: " + s.error};
    Instant end_instant{};
    if (end) {
      const Resolved en = ctx.resolve(end_prop, *end);
      if (!en.instant) return Skip{"DTEND: " + en.error};
      end_instant = *en.instant;
    } else if (duration_seconds) {
      end_instant = *s.instant + std::chrono::seconds{*duration_seconds};
    } else {
      return Skip{"no DTEND or DURATION"};
    }
    if (end_instant <= *s.instant) return Skip{"DTEND is not after DTSTART"};
    if (!domain::is_supported_instant(*s.instant) || !domain::is_supported_instant(end_instant)) {
      return Skip{"times outside the years 1900-2037 are not supported"};
    }
    e.starts_at = *s.instant;
    e.ends_at = end_instant;
    e.timezone = s.zone.empty() ? ctx.default_zone() : s.zone;
  }

  // Place: a venue, a stream, or both.
  const std::string location = trim(text_of(v, ICAL_LOCATION_PROPERTY));
  std::string conference = trim(text_of(v, ICAL_CONFERENCE_PROPERTY));
  std::optional<std::string> platform;
  // The join links Microsoft and Google write beside (or instead of) CONFERENCE.
  if (conference.empty()) {
    if (std::string teams = x_text(v, "X-MICROSOFT-SKYPETEAMSMEETINGURL"); looks_like_url(teams)) {
      conference = std::move(teams);
      platform = "Microsoft Teams";
    } else if (std::string meet = x_text(v, "X-GOOGLE-CONFERENCE"); looks_like_url(meet)) {
      conference = std::move(meet);
      platform = "Google Meet";
    }
  }
  bool online = !conference.empty();
  if (!location.empty()) {
    if (looks_like_url(location)) {
      online = true;
      if (conference.empty()) conference = location;
    } else if (is_online_word(location)) {
      online = true;
      if (!platform) platform = location;
    } else {
      e.venue = venue_from(location);
      if (e.venue->city.empty()) e.venue.reset();
    }
  }
  if (icalproperty* g = icalcomponent_get_first_property(v, ICAL_GEO_PROPERTY); g != nullptr && e.venue) {
    const icalgeotype geo = icalproperty_get_geo(g);
    if (geo.lat >= -90 && geo.lat <= 90 && geo.lon >= -180 && geo.lon <= 180) {
      e.venue->latitude = geo.lat;
      e.venue->longitude = geo.lon;
    }
  }
  if (e.venue && !e.venue->latitude) {
    if (auto point = geo_uri(x_text(v, "X-APPLE-STRUCTURED-LOCATION"))) {
      e.venue->latitude = point->first;
      e.venue->longitude = point->second;
    }
  }
  if (online) {
    domain::Online o;
    o.platform = platform;
    if (!conference.empty() && looks_like_url(conference)) o.stream_url = conference;
    o.access = domain::OnlineAccess::registered;  // never make an imported link public by default
    e.online = o;
    e.format = e.venue ? domain::EventFormat::hybrid : domain::EventFormat::online;
  } else {
    e.format = domain::EventFormat::in_person;
  }

  // Kind and tags.
  bool kind_set = false;
  for (icalproperty* c = icalcomponent_get_first_property(v, ICAL_CATEGORIES_PROPERTY); c != nullptr;
       c = icalcomponent_get_next_property(v, ICAL_CATEGORIES_PROPERTY)) {
    const char* raw = icalproperty_get_categories(c);
    if (raw == nullptr) continue;
    // libical splits a comma-separated CATEGORIES into one property per value, unescaped.
    const std::string category = trim(clean_text(raw, true));
    if (category.empty()) continue;
    {
      if (!kind_set) {
        if (auto k = kind_from_category(category)) {
          e.kind = *k;
          kind_set = true;
          continue;
        }
      }
      if (category.size() <= domain::kMaxTagLength && e.tags.size() < domain::kMaxTags &&
          std::find(e.tags.begin(), e.tags.end(), category) == e.tags.end()) {
        e.tags.push_back(category);
      }
    }
  }
  if (!kind_set && e.format == domain::EventFormat::online) e.kind = domain::EventKind::webinar;
  return e;
}

// A programme item read as an event first (times, title, description), then narrowed.
// A session without a place of its own shows its event's LOCATION in a feed: the same text
// as the parent's is no place of its own.
std::variant<domain::Session, Skip> as_session(icalcomponent* v, const Event& e, std::string_view parent_location) {
  if (e.all_day || !e.starts_at || !e.ends_at) return Skip{"an all-day programme item: a session needs times"};
  domain::Session s;
  s.title = e.title;
  s.description = e.description;
  s.starts_at = *e.starts_at;
  s.ends_at = *e.ends_at;
  if (std::string place = trim(clean_text(text_of(v, ICAL_LOCATION_PROPERTY), true));
      !place.empty() && place != parent_location) {
    s.location = std::move(place);
  }
  for (icalproperty* c = icalcomponent_get_first_property(v, ICAL_CATEGORIES_PROPERTY); c != nullptr;
       c = icalcomponent_get_next_property(v, ICAL_CATEGORIES_PROPERTY)) {
    const char* raw = icalproperty_get_categories(c);
    if (raw == nullptr) continue;
    if (auto k = session_kind_from_category(trim(clean_text(raw, true)))) {
      s.kind = *k;
      break;
    }
  }
  return s;
}

}  // namespace

std::optional<std::string> iana_for_tzid(std::string_view tzid) {
  std::string id = trim(tzid);
  if (id.size() >= 2 && id.front() == '"' && id.back() == '"') id = id.substr(1, id.size() - 2);
  if (id.empty() || id.size() > 200) return std::nullopt;
  if (domain::is_valid_timezone(id)) return id;
  if (auto w = windows_zone(id)) return w;
  // A prefixed name: /freeassociation.sourceforge.net/Europe/Stockholm,
  // /mozilla.org/20050126_1/Europe/Stockholm, /citadel.org/20190914_1/Europe/Stockholm.
  for (std::size_t slash = id.find('/'); slash != std::string::npos; slash = id.find('/', slash + 1)) {
    const std::string_view rest = std::string_view(id).substr(slash + 1);
    if (domain::is_valid_timezone(rest)) return std::string(rest);
  }
  return std::nullopt;
}

ImportResult parse_import(std::string_view ics, const ImportLimits& limits) {
  ImportResult result;
  if (auto error = prescan(ics, limits)) {
    result.error = std::move(*error);
    return result;
  }
  const std::string text(ics);  // libical wants a NUL-terminated string
  ComponentPtr root{icalparser_parse_string(text.c_str())};
  if (!root) {
    result.error = "the calendar could not be parsed";
    return result;
  }
  icalcomponent* calendar = root.get();
  if (icalcomponent_isa(calendar) != ICAL_VCALENDAR_COMPONENT) {
    calendar = icalcomponent_get_first_component(root.get(), ICAL_VCALENDAR_COMPONENT);
  }
  if (calendar == nullptr) {
    result.error = "no VCALENDAR in the upload";
    return result;
  }

  std::vector<icalcomponent*> vevents;
  std::set<std::string> uids;
  std::map<std::string, std::string> location_of;  // UID → LOCATION, for programme items
  for (icalcomponent* v = icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT); v != nullptr;
       v = icalcomponent_get_next_component(calendar, ICAL_VEVENT_COMPONENT)) {
    vevents.push_back(v);
    if (std::string uid = uid_of(v); !uid.empty()) {
      location_of[uid] = trim(clean_text(text_of(v, ICAL_LOCATION_PROPERTY), true));
      uids.insert(std::move(uid));
    }
  }
  if (vevents.empty()) {
    result.error = "the calendar has no events (VEVENT)";
    return result;
  }

  const Context ctx(calendar, limits.default_timezone);
  for (icalcomponent* v : vevents) {
    std::string uid = uid_of(v);
    auto converted = convert(v, ctx);
    if (auto* skip = std::get_if<Skip>(&converted)) {
      result.skipped.push_back({std::move(uid), std::move(skip->reason)});
      continue;
    }
    auto parent = parent_in_file(v, uids);
    if (!parent) {
      ImportedEvent imported;
      imported.uid = std::move(uid);
      imported.event = std::move(std::get<Event>(converted));
      read_revision(v, ctx, imported);
      result.events.push_back(std::move(imported));
      continue;
    }
    auto session = as_session(v, std::get<Event>(converted), location_of[*parent]);
    if (auto* skip = std::get_if<Skip>(&session)) {
      result.skipped.push_back({std::move(uid), std::move(skip->reason)});
    } else {
      result.sessions.push_back({std::move(uid), std::move(*parent), std::move(std::get<domain::Session>(session))});
    }
  }
  return result;
}

}  // namespace eventd::ics
