#include "pages/dates.hpp"

namespace eventd::pages {

namespace {

// The parts of "2020-11-26T09:00:00+01:00" (domain::format_in_zone).
struct LocalReading {
  std::string date;  // 2020-11-26
  std::string time;  // 09:00
};

LocalReading local_reading(domain::Instant t, std::string_view zone) {
  const std::string text = domain::format_in_zone(t, zone);
  return {text.substr(0, 10), text.substr(11, 5)};
}

std::string human_date(std::string_view iso, Language language) {
  const int month = std::stoi(std::string(iso.substr(5, 2)));
  std::string day(iso.substr(8, 2));
  if (day.front() == '0') day.erase(0, 1);
  const auto& texts = catalogue(language);
  return texts.format(
      "date_format",
      {{"day", day}, {"month", texts.text("month_" + std::to_string(month))}, {"year", std::string(iso.substr(0, 4))}});
}

std::string human_date_time(const LocalReading& at, Language language) {
  const int month = std::stoi(at.date.substr(5, 2));
  std::string day = at.date.substr(8, 2);
  if (day.front() == '0') day.erase(0, 1);
  const auto& texts = catalogue(language);
  return texts.format("date_time_format", {{"day", day},
                                           {"month", texts.text("month_" + std::to_string(month))},
                                           {"year", at.date.substr(0, 4)},
                                           {"time", at.time}});
}

}  // namespace

std::string format_span(domain::Instant start, domain::Instant end, std::string_view zone, Language language) {
  const auto from = local_reading(start, zone);
  const auto to = local_reading(end, zone);
  if (from.date == to.date) return human_date_time(from, language) + "–" + to.time;
  return human_date_time(from, language) + " – " + human_date_time(to, language);
}

std::string format_instant(domain::Instant t, std::string_view zone, Language language) {
  return human_date_time(local_reading(t, zone), language);
}

std::string format_date(domain::Date date, Language language) {
  return human_date(domain::format_date(date), language);
}

std::string format_event_time(const domain::Event& event, Language language) {
  if (event.all_day && event.starts_on && event.ends_on) {
    if (*event.starts_on == *event.ends_on) return format_date(*event.starts_on, language);
    return format_date(*event.starts_on, language) + " – " + format_date(*event.ends_on, language);
  }
  if (event.starts_at && event.ends_at) return format_span(*event.starts_at, *event.ends_at, event.timezone, language);
  return {};
}

}  // namespace eventd::pages
