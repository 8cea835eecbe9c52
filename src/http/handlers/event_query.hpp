#pragma once
// The filters of GET /v1/events (organiser, series, kind, format, status, tag, from, to, q),
// shared with GET /v1/calendar.ics. Invalid values are a 400.
#include "http/query.hpp"
#include "services/event_service.hpp"

namespace eventd::http::handlers {

// The filters only: limit and cursor are left at their defaults.
services::EventListQuery read_event_list_filters(const Query& query);

}  // namespace eventd::http::handlers
