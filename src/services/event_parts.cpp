#include "services/event_parts.hpp"

#include "db/event_repository.hpp"
#include "db/organisation_repository.hpp"
#include "domain/error.hpp"
#include "domain/time.hpp"

namespace eventd::services {

EventParts event_parts_of(soci::session& s, domain::Event event) {
  EventParts parts;
  parts.event = std::move(event);
  const std::vector<std::string> ids{parts.event.id};
  parts.sessions = db::list_sessions_of_events(s, ids);
  parts.cancelled = db::list_session_tombstones(s, ids, domain::now());
  const std::vector<std::string> organiser{parts.event.organiser_id};
  for (const auto& o : db::find_organisations(s, organiser)) {
    parts.organiser_name = o.name;
    parts.organiser_email = o.email;
  }
  return parts;
}

EventParts load_event_parts(soci::session& s, const std::string& event_id) {
  auto event = db::find_event(s, event_id);
  if (!event) throw domain::not_found("feed");
  return event_parts_of(s, std::move(*event));
}

}  // namespace eventd::services
