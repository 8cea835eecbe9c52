#pragma once
// A programme item of an event (api.md, "Sessions"). Rules: event_rules.hpp (check_session).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/enum_names.hpp"
#include "domain/time.hpp"

namespace eventd::domain {

// `break` is a keyword, hence break_; its wire name is "break".
enum class SessionKind { talk, panel, workshop, site_visit, break_, other };

inline constexpr EnumNames<SessionKind, 6> kSessionKindNames{{
    {SessionKind::talk, "talk"},
    {SessionKind::panel, "panel"},
    {SessionKind::workshop, "workshop"},
    {SessionKind::site_visit, "site_visit"},
    {SessionKind::break_, "break"},
    {SessionKind::other, "other"},
}};
constexpr std::string_view to_string(SessionKind k) { return enum_detail::name_of(kSessionKindNames, k); }
constexpr std::optional<SessionKind> parse_session_kind(std::string_view s) {
  return enum_detail::value_of(kSessionKindNames, s);
}

struct Session {
  std::string id{};  // UUID
  std::string event_id{};
  std::string title{};
  std::optional<std::string> description{};
  SessionKind kind = SessionKind::talk;
  Instant starts_at{};
  Instant ends_at{};  // exclusive: a session ending at 10:00 and one starting at 10:00 do not overlap
  std::optional<std::string> location{};  // room or place, e.g. a visit to the municipality
  std::vector<std::string> speaker_ids{};
  // iCalendar SEQUENCE of the session's own VEVENT: only ever grows (next_sequence in
  // event_rules.hpp). Not in the API; the feeds add the event's (calendar_renderer.hpp).
  int sequence = 0;
  // Not in the field table of api.md, but needed for ETag/Last-Modified like every resource.
  long long version = 1;  // bumped by the database on every visible change; the ETag
  Instant created_at{};
  Instant updated_at{};
};

}  // namespace eventd::domain
