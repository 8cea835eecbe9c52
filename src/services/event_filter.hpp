#pragma once
// Shared by event_service (GET /v1/events) and feed_service (GET /v1/calendar.ics): the list
// filters → the repository's EventFilter, so the filter SQL and its visibility rules exist once.
#include <optional>

#include "db/event_repository.hpp"
#include "domain/api_key.hpp"
#include "services/event_service.hpp"

namespace soci {
class session;
}

namespace eventd::services {

// What `caller` may see, narrowed by `query`'s filters; the cursor (`after`) too. The limit is
// left to the caller. Organisations are named as asked (id or slug): the list's statement
// looks them up.
db::EventFilter event_filter(const domain::Caller& caller, const EventListQuery& query);

}  // namespace eventd::services
