#include "ics/vtimezone.hpp"

#include <date/tz.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <vector>

namespace eventd::ics::detail {

namespace {

using std::chrono::seconds;
using sys_seconds = std::chrono::sys_seconds;

struct Transition {
  sys_seconds at;
  seconds from;
  seconds to;
  bool daylight;
  std::string abbrev;
};

// The wall-clock reading of `at` in the offset `offset`, as a floating icaltimetype.
icaltimetype local_time(sys_seconds at, seconds offset) {
  const auto local = at + offset;
  const auto day = std::chrono::floor<std::chrono::days>(local);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{local - day};
  icaltimetype t = icaltime_null_time();
  t.year = static_cast<int>(ymd.year());
  t.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  t.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  t.hour = static_cast<int>(hms.hours().count());
  t.minute = static_cast<int>(hms.minutes().count());
  t.second = static_cast<int>(hms.seconds().count());
  t.is_date = 0;
  t.zone = nullptr;
  return t;
}

icalcomponent* observance(bool daylight, sys_seconds at, seconds from, seconds to, const std::string& abbrev) {
  icalcomponent* o = daylight ? icalcomponent_new_xdaylight() : icalcomponent_new_xstandard();
  icalcomponent_add_property(o, icalproperty_new_dtstart(local_time(at, from)));
  icalcomponent_add_property(o, icalproperty_new_tzoffsetfrom(static_cast<int>(from.count())));
  icalcomponent_add_property(o, icalproperty_new_tzoffsetto(static_cast<int>(to.count())));
  if (!abbrev.empty()) icalcomponent_add_property(o, icalproperty_new_tzname(abbrev.c_str()));
  return o;
}

// The yearly rule all of `ts` follow (one per year, same month, weekday, week of the month
// or last week, and local time), or nullopt.
std::optional<icalrecurrencetype> yearly_rule(const std::vector<Transition>& ts, int years) {
  if (ts.empty() || static_cast<int>(ts.size()) != years) return std::nullopt;
  int month = 0, weekday = 0, nth = 0;
  bool all_last = true, all_same_nth = true;
  long long time_of_day = -1;
  int previous_year = 0;
  for (std::size_t i = 0; i < ts.size(); ++i) {
    const Transition& t = ts[i];
    if (t.from != ts[0].from || t.to != ts[0].to || t.abbrev != ts[0].abbrev) return std::nullopt;
    const auto local = t.at + t.from;
    const auto day = std::chrono::floor<std::chrono::days>(local);
    const std::chrono::year_month_day ymd{day};
    const std::chrono::weekday wd{day};
    const int y = static_cast<int>(ymd.year());
    const int m = static_cast<int>(static_cast<unsigned>(ymd.month()));
    const int d = static_cast<int>(static_cast<unsigned>(ymd.day()));
    const int n = (d - 1) / 7 + 1;
    const auto last_day = static_cast<int>(static_cast<unsigned>(
        std::chrono::year_month_day_last{ymd.year(), std::chrono::month_day_last{ymd.month()}}.day()));
    const bool last = d + 7 > last_day;
    const long long tod = (local - day).count();
    if (i == 0) {
      month = m;
      weekday = static_cast<int>(wd.c_encoding());
      nth = n;
      time_of_day = tod;
    } else {
      if (y != previous_year + 1 || m != month || static_cast<int>(wd.c_encoding()) != weekday || tod != time_of_day) {
        return std::nullopt;
      }
    }
    previous_year = y;
    all_last = all_last && last;
    all_same_nth = all_same_nth && n == nth;
  }
  if (!all_last && !all_same_nth) return std::nullopt;
  static constexpr std::array<const char*, 7> kDays{"SU", "MO", "TU", "WE", "TH", "FR", "SA"};
  const std::string rule = "FREQ=YEARLY;BYMONTH=" + std::to_string(month) +
                           ";BYDAY=" + std::to_string(all_last ? -1 : nth) + kDays[static_cast<std::size_t>(weekday)];
  const icalrecurrencetype r = icalrecurrencetype_from_string(rule.c_str());
  if (r.freq != ICAL_YEARLY_RECURRENCE) return std::nullopt;
  return r;
}

}  // namespace

ComponentPtr make_vtimezone(const std::string& iana, int first_year, int last_year) {
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(iana);
  } catch (const std::exception&) {
    throw std::invalid_argument("unknown time zone: " + iana);
  }
  if (last_year < first_year) std::swap(first_year, last_year);
  const int begin_year = first_year - 1;
  const sys_seconds range_start{std::chrono::sys_days{std::chrono::year{begin_year} / 1 / 1}};
  const sys_seconds range_end{std::chrono::sys_days{std::chrono::year{last_year + 1} / 1 / 1}};

  const date::sys_info initial = zone->get_info(range_start);
  std::vector<Transition> transitions;
  date::sys_info previous = initial;
  for (sys_seconds t = initial.end; t < range_end;) {
    const date::sys_info info = zone->get_info(t);
    if (info.offset != previous.offset || info.save != previous.save || info.abbrev != previous.abbrev) {
      transitions.push_back(
          {info.begin, previous.offset, info.offset, info.save != std::chrono::minutes{0}, info.abbrev});
    }
    previous = info;
    if (info.end <= t) break;  // defensive: never loop forever
    t = info.end;
  }

  ComponentPtr tz{icalcomponent_new_vtimezone()};
  icalcomponent_add_property(tz.get(), icalproperty_new_tzid(iana.c_str()));

  std::vector<Transition> to_daylight, to_standard;
  for (const auto& t : transitions) (t.daylight ? to_daylight : to_standard).push_back(t);
  const int years = last_year - begin_year + 1;
  const auto daylight_rule = yearly_rule(to_daylight, years);
  const auto standard_rule = yearly_rule(to_standard, years);
  if (daylight_rule && standard_rule) {
    // Each observance starts at its first transition in the range, so 1 January of
    // first_year (and everything after) is covered.
    const Transition& s = to_standard.front();
    const Transition& d = to_daylight.front();
    icalcomponent* standard = observance(false, s.at, s.from, s.to, s.abbrev);
    icalcomponent_add_property(standard, icalproperty_new_rrule(*standard_rule));
    icalcomponent* daylight = observance(true, d.at, d.from, d.to, d.abbrev);
    icalcomponent_add_property(daylight, icalproperty_new_rrule(*daylight_rule));
    icalcomponent_add_component(tz.get(), standard);
    icalcomponent_add_component(tz.get(), daylight);
    return tz;
  }

  // No yearly rule: the observance in force at the start, then each transition.
  const sys_seconds epoch{std::chrono::sys_days{std::chrono::year{1970} / 1 / 1}};
  const sys_seconds initial_start = std::max(initial.begin, std::min(epoch, range_start));
  icalcomponent_add_component(tz.get(), observance(initial.save != std::chrono::minutes{0}, initial_start,
                                                   initial.offset, initial.offset, initial.abbrev));
  for (const auto& t : transitions) {
    icalcomponent_add_component(tz.get(), observance(t.daylight, t.at, t.from, t.to, t.abbrev));
  }
  return tz;
}

}  // namespace eventd::ics::detail
