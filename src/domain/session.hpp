#pragma once
// A programme item of an event (api.md, "Sessions"). Rules: event_rules.hpp (check_session).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/enum_names.hpp"
#include "domain/time.hpp"

namespace eventd::domain {

// `break` is a keyword, hence break_; its wire name is "break". The last five are the items
// of a study trip (issue 21): a leg, a visit to hosts, a meal, a night, free time.
enum class SessionKind { talk, panel, workshop, site_visit, break_, other, travel, visit, meal, accommodation, free };

inline constexpr EnumNames<SessionKind, 11> kSessionKindNames{{
    {SessionKind::talk, "talk"},
    {SessionKind::panel, "panel"},
    {SessionKind::workshop, "workshop"},
    {SessionKind::site_visit, "site_visit"},
    {SessionKind::break_, "break"},
    {SessionKind::other, "other"},
    {SessionKind::travel, "travel"},
    {SessionKind::visit, "visit"},
    {SessionKind::meal, "meal"},
    {SessionKind::accommodation, "accommodation"},
    {SessionKind::free, "free"},
}};
constexpr std::string_view to_string(SessionKind k) { return enum_detail::name_of(kSessionKindNames, k); }
constexpr std::optional<SessionKind> parse_session_kind(std::string_view s) {
  return enum_detail::value_of(kSessionKindNames, s);
}

enum class TransportMode { train, flight, bus, coach, car, ferry, walk, other };

inline constexpr EnumNames<TransportMode, 8> kTransportModeNames{{
    {TransportMode::train, "train"},
    {TransportMode::flight, "flight"},
    {TransportMode::bus, "bus"},
    {TransportMode::coach, "coach"},
    {TransportMode::car, "car"},
    {TransportMode::ferry, "ferry"},
    {TransportMode::walk, "walk"},
    {TransportMode::other, "other"},
}};
constexpr std::string_view to_string(TransportMode m) { return enum_detail::name_of(kTransportModeNames, m); }
constexpr std::optional<TransportMode> parse_transport_mode(std::string_view s) {
  return enum_detail::value_of(kTransportModeNames, s);
}

// Where an item happens, as an event's venue but without a region: a place needs a name
// (Hej Främling!) or a city (Östersund); a point needs both coordinates.
struct Place {
  std::optional<std::string> name{};
  std::optional<std::string> street{};
  std::optional<std::string> postal_code{};
  std::optional<std::string> city{};
  std::optional<std::string> country{};  // ISO 3166-1 alpha-2, e.g. "SE"
  std::optional<double> latitude{};      // WGS 84 degrees, -90..90
  std::optional<double> longitude{};     // -180..180

  friend bool operator==(const Place&, const Place&) = default;
};

// How a leg (kind travel) is made: the flight LCA → ARN with its number.
struct Transport {
  TransportMode mode = TransportMode::other;
  std::optional<std::string> from{};
  std::optional<std::string> to{};
  std::optional<std::string> carrier{};
  std::optional<std::string> reference{};  // flight number, booking reference

  friend bool operator==(const Transport&, const Transport&) = default;
};

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
  // The session's own IANA zone (a leg from Larnaca on Cyprus time); none: the event's.
  std::optional<std::string> timezone{};
  std::optional<Place> place{};
  std::vector<std::string> host_organisation_ids{};  // the organisations visited, in display order
  std::optional<Transport> transport{};              // only for kind travel
  // Who the item is for: these delegations of the event only; empty: everyone
  // (is_for_audience in event_rules.hpp).
  std::vector<std::string> delegation_ids{};
  // iCalendar SEQUENCE of the session's own VEVENT: only ever grows (next_sequence in
  // event_rules.hpp). Not in the API; the feeds add the event's (calendar_renderer.hpp).
  int sequence = 0;
  // Not in the field table of api.md, but needed for ETag/Last-Modified like every resource.
  long long version = 1;  // bumped by the database on every visible change; the ETag
  Instant created_at{};
  Instant updated_at{};
};

}  // namespace eventd::domain
