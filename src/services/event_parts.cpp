#include "services/event_parts.hpp"

#include <set>

#include "db/event_repository.hpp"
#include "db/organisation_repository.hpp"
#include "domain/error.hpp"
#include "domain/event_rules.hpp"
#include "domain/time.hpp"

namespace eventd::services {

void keep_for_audience(EventParts& parts, const std::optional<std::string>& delegation_id) {
  std::erase_if(parts.sessions,
                [&delegation_id](const domain::Session& x) { return !domain::is_for_audience(x, delegation_id); });
  std::erase_if(parts.cancelled, [&delegation_id](const db::SessionTombstone& t) {
    return !domain::is_for_audience(t.session, delegation_id);
  });
}

std::map<std::string, std::string> host_names_of(soci::session& s, const std::vector<domain::Session>& sessions) {
  std::set<std::string> ids;
  for (const auto& x : sessions) ids.insert(x.host_organisation_ids.begin(), x.host_organisation_ids.end());
  std::map<std::string, std::string> names;
  if (ids.empty()) return names;
  const std::vector<std::string> id_list(ids.begin(), ids.end());
  for (const auto& o : db::find_organisations(s, id_list)) names[o.id] = o.name;
  return names;
}

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
  parts.host_names = host_names_of(s, parts.sessions);
  return parts;
}

EventParts load_event_parts(soci::session& s, const std::string& event_id) {
  auto event = db::find_event(s, event_id);
  if (!event) throw domain::not_found("feed");
  return event_parts_of(s, std::move(*event));
}

}  // namespace eventd::services
