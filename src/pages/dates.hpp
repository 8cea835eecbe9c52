#pragma once
// Dates and times as a page shows them: in the event's zone, in the page's language
// ("26 november 2020 kl. 09:00–16:00").
#include <optional>
#include <string>
#include <string_view>

#include "domain/event.hpp"
#include "domain/time.hpp"
#include "pages/catalogue.hpp"

namespace eventd::pages {

// A span of time in `zone`: one day with both times, or both dates and times when it
// crosses midnight there.
std::string format_span(domain::Instant start, domain::Instant end, std::string_view zone, Language language);

// One instant in `zone` ("4 december 2035 kl. 23:59"): a task's deadline.
std::string format_instant(domain::Instant t, std::string_view zone, Language language);

// An event's time: its span, or its dates when all day.
std::string format_event_time(const domain::Event& event, Language language);

std::string format_date(domain::Date date, Language language);

}  // namespace eventd::pages
