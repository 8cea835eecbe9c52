#pragma once
// The event a change of its trip's records is made in (delegations, tasks, rooms): for one of
// its organisers or an admin only.
#include <string>

#include "domain/api_key.hpp"
#include "domain/event.hpp"

namespace soci {
class session;
}

namespace eventd::services {

// 404 when the caller may not see the event (another organisation's draft is not disclosed),
// 403 when they may but not manage it. `lock_seats`: the event's seat lock
// (db::lock_event_for_seats), for a change that moves seats.
domain::Event managed_event(soci::session& s, const domain::Caller& caller, const std::string& event_ref,
                            bool lock_seats = false);

}  // namespace eventd::services
