#include "services/managed_event.hpp"

#include "db/event_repository.hpp"
#include "db/registration_repository.hpp"
#include "domain/error.hpp"
#include "domain/event_rules.hpp"

namespace eventd::services {

domain::Event managed_event(soci::session& s, const domain::Caller& caller, const std::string& event_ref,
                            bool lock_seats) {
  auto event = lock_seats ? db::lock_event_for_seats(s, event_ref) : db::find_event(s, event_ref);
  if (!event || !domain::is_visible_to(*event, caller)) throw domain::not_found("event");
  if (!caller.can_manage(event->organiser_id)) {
    throw domain::Error(domain::Problem::forbidden, domain::detail("key_not_for_event_organiser"));
  }
  return std::move(*event);
}

}  // namespace eventd::services
