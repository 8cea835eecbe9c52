#pragma once
// An uploaded .ics → draft events (POST /v1/events/import). Each VEVENT becomes either a
// draft domain::Event (with its UID, to report back) or a skip reason. Hostile input (too
// large, too many or too deeply nested components, invalid UTF-8, binary, truncated) is
// refused as a whole with an error message, never a crash: it is checked byte by byte
// before libical sees it.
//
// What a draft gets: title ← SUMMARY, description ← DESCRIPTION, venue (name, street,
// postal code, city, country) or online (platform, stream_url with access `registered`)
// ← LOCATION / CONFERENCE / GEO, kind and tags ← CATEGORIES, language ← SUMMARY's LANGUAGE.
// Times: TZID (a plain IANA name, a prefixed one like /freeassociation.sourceforge.net/…,
// a common Windows name, or else the file's own VTIMEZONE), UTC (…Z) or floating (read in
// the calendar's X-WR-TIMEZONE or the default zone). Windows zone names (Outlook, Exchange,
// Teams) are mapped by a table of CLDR's windowsZones ("W. Europe Standard Time" →
// Europe/Berlin, ...; the European ones and a few others, see iana_for_tzid); a name the
// table lacks is read from the file's VTIMEZONE. A VEVENT without LOCATION becomes a draft
// without a venue (domain::missing_for_publication says what it needs before publishing).
// Teams and Google Meet join links (X-MICROSOFT-SKYPETEAMSMEETINGURL, X-GOOGLE-CONFERENCE)
// count as CONFERENCE; Apple's X-APPLE-STRUCTURED-LOCATION gives the point when GEO is absent. A DATE DTSTART makes an
// all-day event with the inclusive ends_on = DTEND − 1 day. Local times that do not exist or occur twice in the zone
// (DST changes) are skipped with a reason, never shifted. Status is always draft; organiser, slug and id are left for
// the service to fill in. A file written by eventd (PRODID -//eventd//) loses the paragraphs its feeds add to
// DESCRIPTION (the "More information" link, the stream link, "Part of"), so its events round-trip.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/event.hpp"
#include "domain/session.hpp"

namespace eventd::ics {

struct ImportLimits {
  std::size_t max_bytes = 2 * 1024 * 1024;
  std::size_t max_components = 2000;     // BEGIN lines in all
  std::size_t max_events = 500;          // VEVENTs
  std::size_t max_depth = 5;             // VCALENDAR > VEVENT > VALARM is 3
  std::size_t max_line_octets = 100000;  // one unfolded content line
  std::string default_timezone = "Europe/Stockholm";
};

struct ImportedEvent {
  std::string uid;  // as in the file; may be empty when the VEVENT had none
  domain::Event event;
  // Which revision of the VEVENT this is, to compare with an earlier import of the UID:
  // SEQUENCE (0 when absent) and LAST-MODIFIED (when present and readable).
  int sequence = 0;
  std::optional<domain::Instant> last_modified;
};

// A VEVENT whose RELATED-TO (RELTYPE=PARENT, the default) names another VEVENT of the same
// file: a programme item of that event, as eventd's own feeds write sessions. Title,
// description, times, LOCATION (as the room or place) and kind (from CATEGORIES) are read;
// an all-day item is skipped, since a session has times.
struct ImportedSession {
  std::string uid;
  std::string parent_uid;
  domain::Session session;  // event_id is left for the service
};

struct SkippedEvent {
  std::string uid;
  std::string reason;  // e.g. "recurring events (RRULE) are not supported"
};

struct ImportResult {
  std::optional<std::string> error;  // set when the upload as a whole is refused
  std::vector<ImportedEvent> events;
  std::vector<ImportedSession> sessions;
  std::vector<SkippedEvent> skipped;
  bool ok() const { return !error.has_value(); }
};

ImportResult parse_import(std::string_view ics, const ImportLimits& limits = {});

// The IANA name a TZID stands for ("Europe/Stockholm",
// "/freeassociation.sourceforge.net/Europe/Stockholm", "W. Europe Standard Time" →
// "Europe/Berlin"), or nullopt.
std::optional<std::string> iana_for_tzid(std::string_view tzid);

}  // namespace eventd::ics
