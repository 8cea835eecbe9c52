#pragma once
// An event: seminar, conference, study visit... (api.md, "Events"). Rules: event_rules.hpp.
// calendar_url and webcal_url are not stored: the HTTP layer derives them from the id.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/enum_names.hpp"
#include "domain/partner_invitation.hpp"
#include "domain/time.hpp"

namespace eventd::domain {

enum class EventKind { seminar, webinar, conference, study_visit, workshop, meeting };
enum class EventFormat { in_person, online, hybrid };
enum class EventStatus { draft, published, cancelled, postponed };
// `public` is a keyword, hence public_; its wire name is "public".
enum class OnlineAccess { public_, registered, on_request };
enum class MediaPolicy { open, on_request, closed };

inline constexpr EnumNames<EventKind, 6> kEventKindNames{{
    {EventKind::seminar, "seminar"},
    {EventKind::webinar, "webinar"},
    {EventKind::conference, "conference"},
    {EventKind::study_visit, "study_visit"},
    {EventKind::workshop, "workshop"},
    {EventKind::meeting, "meeting"},
}};
inline constexpr EnumNames<EventFormat, 3> kEventFormatNames{{
    {EventFormat::in_person, "in_person"},
    {EventFormat::online, "online"},
    {EventFormat::hybrid, "hybrid"},
}};
inline constexpr EnumNames<EventStatus, 4> kEventStatusNames{{
    {EventStatus::draft, "draft"},
    {EventStatus::published, "published"},
    {EventStatus::cancelled, "cancelled"},
    {EventStatus::postponed, "postponed"},
}};
inline constexpr EnumNames<OnlineAccess, 3> kOnlineAccessNames{{
    {OnlineAccess::public_, "public"},
    {OnlineAccess::registered, "registered"},
    {OnlineAccess::on_request, "on_request"},
}};
inline constexpr EnumNames<MediaPolicy, 3> kMediaPolicyNames{{
    {MediaPolicy::open, "open"},
    {MediaPolicy::on_request, "on_request"},
    {MediaPolicy::closed, "closed"},
}};

constexpr std::string_view to_string(EventKind v) { return enum_detail::name_of(kEventKindNames, v); }
constexpr std::string_view to_string(EventFormat v) { return enum_detail::name_of(kEventFormatNames, v); }
constexpr std::string_view to_string(EventStatus v) { return enum_detail::name_of(kEventStatusNames, v); }
constexpr std::string_view to_string(OnlineAccess v) { return enum_detail::name_of(kOnlineAccessNames, v); }
constexpr std::string_view to_string(MediaPolicy v) { return enum_detail::name_of(kMediaPolicyNames, v); }

constexpr std::optional<EventKind> parse_event_kind(std::string_view s) {
  return enum_detail::value_of(kEventKindNames, s);
}
constexpr std::optional<EventFormat> parse_event_format(std::string_view s) {
  return enum_detail::value_of(kEventFormatNames, s);
}
constexpr std::optional<EventStatus> parse_event_status(std::string_view s) {
  return enum_detail::value_of(kEventStatusNames, s);
}
constexpr std::optional<OnlineAccess> parse_online_access(std::string_view s) {
  return enum_detail::value_of(kOnlineAccessNames, s);
}
constexpr std::optional<MediaPolicy> parse_media_policy(std::string_view s) {
  return enum_detail::value_of(kMediaPolicyNames, s);
}

struct Venue {
  std::optional<std::string> name{};
  std::optional<std::string> street{};
  std::optional<std::string> postal_code{};
  std::string city{};  // required whenever there is a venue
  std::optional<std::string> region{};
  std::optional<std::string> country{};  // ISO 3166-1 alpha-2, e.g. "SE"
  std::optional<double> latitude{};      // WGS 84 degrees, -90..90
  std::optional<double> longitude{};     // -180..180

  friend bool operator==(const Venue&, const Venue&) = default;
};

struct Online {
  std::optional<std::string> platform{};    // free text, e.g. "YouTube"
  std::optional<std::string> stream_url{};  // shown only to callers entitled to it
  OnlineAccess access = OnlineAccess::public_;

  friend bool operator==(const Online&, const Online&) = default;
};

struct Project {
  std::string name{};                   // e.g. "Snapshots from the Borders"
  std::optional<std::string> funder{};  // e.g. "EU"

  friend bool operator==(const Project&, const Project&) = default;
};

struct Contact {
  std::string name{};                  // e.g. "Anita Nilsson"
  std::optional<std::string> role{};   // e.g. "pressansvarig"
  std::optional<std::string> email{};  // shown publicly
  std::optional<std::string> phone{};

  friend bool operator==(const Contact&, const Contact&) = default;
};

// Derived from registrations, never written by clients.
struct Counts {
  int confirmed = 0;
  int waitlisted = 0;
  std::optional<int> capacity_left{};  // nullopt when capacity is unlimited
  // Move with every change of the counts, so the event's ETag and Last-Modified follow them
  // without a change of the event record itself.
  long long version = 0;
  std::optional<Instant> changed_at{};

  friend bool operator==(const Counts&, const Counts&) = default;
};

struct Event {
  std::string id{};  // UUID
  std::string slug{};
  std::string title{};
  std::optional<std::string> summary{};
  std::optional<std::string> description{};
  std::string language = "sv";  // BCP 47
  EventKind kind = EventKind::seminar;
  EventFormat format = EventFormat::in_person;
  EventStatus status = EventStatus::draft;
  std::string timezone{};  // IANA, e.g. "Europe/Stockholm"

  // Exactly one pair is set: starts_at/ends_at when !all_day (ends_at exclusive),
  // starts_on/ends_on when all_day (ends_on is the last day, inclusive).
  bool all_day = false;
  std::optional<Instant> starts_at{};
  std::optional<Instant> ends_at{};
  std::optional<Date> starts_on{};
  std::optional<Date> ends_on{};

  std::optional<Venue> venue{};            // required unless format is online
  std::optional<Online> online{};          // required when format is online or hybrid
  std::string organiser_id{};              // organisation UUID
  std::vector<std::string> partner_ids{};  // co-hosts named by the organiser: no rights
  // As stored, in partner_ids' order: whether each named partner accepted (read only; a
  // partner is shown to the public only once it has).
  std::vector<PartnerStatus> partner_statuses{};
  std::optional<std::string> series{};  // e.g. "integrationsforum"
  std::optional<Project> project{};
  std::optional<std::string> audience{};
  std::vector<std::string> tags{};
  std::optional<int> capacity{};  // nullopt = unlimited
  bool waitlist = false;
  std::optional<Instant> registration_opens_at{};
  std::optional<Instant> registration_closes_at{};
  std::vector<Contact> contacts{};
  MediaPolicy media_policy = MediaPolicy::on_request;  // a request waits for a decision unless `open` is chosen
  Counts counts{};
  // Read with the event, never written: the organiser's own website (Organisation::frontend_url)
  // where links about the event lead (domain/links.hpp).
  std::optional<std::string> organiser_frontend_url{};
  long long version = 1;  // bumped by the database on every visible change; the ETag
  int sequence = 0;       // iCalendar SEQUENCE: only ever grows
  Instant created_at{};
  Instant updated_at{};
};

}  // namespace eventd::domain
