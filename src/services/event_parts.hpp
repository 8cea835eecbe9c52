#pragma once
// An event with what each personal calendar and message of it draws on: its whole programme,
// the sessions deleted while it is not over, and its organiser. Read once, it serves every
// message of a batch of sign-ups (services/registration_desk.hpp).
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
};

// 404 (feed) when the event is gone.
EventParts load_event_parts(soci::session& s, const std::string& event_id);
// The parts of an event the caller has read (and maybe locked) already.
EventParts event_parts_of(soci::session& s, domain::Event event);

}  // namespace eventd::services
