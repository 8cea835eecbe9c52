#pragma once
// The filters of GET /v1/events (organiser, partner, series, kind, format, status, tag, from, to, tz, q),
// shared with GET /v1/calendar.ics. Invalid values are a 400.
#include "http/query.hpp"
#include "services/event_service.hpp"

namespace eventd::http::handlers {

// The filters only: limit and cursor are left at their defaults. A plain date in `from`/`to`
// is a day in the zone of ?tz=, else `default_timezone` (EVENTD_DEFAULT_TIMEZONE).
services::EventListQuery read_event_list_filters(const Query& query, std::string_view default_timezone);

}  // namespace eventd::http::handlers
