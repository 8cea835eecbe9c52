#pragma once
// An event with what each personal calendar and message of it draws on: its whole programme,
// the sessions deleted while it is not over, and its organiser. Read once, it serves every
// message of a batch of sign-ups (services/registration_desk.hpp).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/session_repository.hpp"
#include "domain/event.hpp"

namespace soci {
class session;
}

namespace eventd::services {

struct EventParts {
  domain::Event event;
  std::vector<domain::Session> sessions;
  std::vector<db::SessionTombstone> cancelled;  // deleted sessions, while the event is not over
  std::string organiser_name;
  std::optional<std::string> organiser_email;
  // The names of the organisations the sessions visit (host_organisation_ids), by id: the
  // calendars name them in the description.
  std::map<std::string, std::string> host_names;
};

// Keeps only the sessions (and deleted sessions) for a member of `delegation_id` (none: for
// everyone): domain::is_for_audience. Another delegation's legs never reach a participant's
// itinerary, a journalist's feed or an e-mail.
void keep_for_audience(EventParts& parts, const std::optional<std::string>& delegation_id);

// The names of the organisations these sessions visit, by id.
std::map<std::string, std::string> host_names_of(soci::session& s, const std::vector<domain::Session>& sessions);

// 404 (feed) when the event is gone.
EventParts load_event_parts(soci::session& s, const std::string& event_id);
// The parts of an event the caller has read (and maybe locked) already.
EventParts event_parts_of(soci::session& s, domain::Event event);

}  // namespace eventd::services
