#pragma once
// Use cases of the public calendar feeds (api.md, "Calendar feeds"; ical.md): what a feed
// holds, loaded in one read-only transaction, rendered to iCalendar text.
//  - one event and all its sessions (its organiser may fetch its draft);
//  - all public events, with the filters of GET /v1/events, events only;
//  - an organisation's public events, as organiser or partner, events only;
//  - the sessions a speaker appears in (of public events), sessions only.
// Public feeds never carry a stream link unless the event's online.access is public, and
// never attendees. Cancelled events stay in, as STATUS:CANCELLED.
#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <optional>
#include <string>

#include "domain/api_key.hpp"
#include "domain/time.hpp"
#include "services/event_service.hpp"

namespace eventd::services {

class Database;

// A feed holds at most this many events (the earliest by start that match, in the order of
// GET /v1/events); narrow it with `from`/`to` to move the window. A speaker feed holds at
// most this many sessions.
inline constexpr std::size_t kFeedEventLimit = 1000;

// Where the service is and where this feed is served.
struct FeedLocation {
  std::string public_url;  // the service's base URL, e.g. http://127.0.0.1:8080 (no trailing slash)
  std::string feed_url;    // this feed's URL as requested (SOURCE/URL of /v1/calendar.ics; the
                           // feeds of one record use their canonical URL by id instead)
};

struct Feed {
  std::string body;                              // text/calendar, CRLF, linted
  std::optional<domain::Instant> last_modified;  // the newest updated_at among the feed's records
  std::string slug;                              // for the file name: <slug>.ics
  bool is_public = true;                         // false: a draft only its organiser (or an admin) may see
  bool is_personal = false;                      // one person's calendar: no cache may keep it
  std::string itip_method;                       // "REQUEST"/"CANCEL" for an invitation (Content-Type method=)
};

// The host part of a base URL: "http://127.0.0.1:8080/x" → "127.0.0.1:8080" (for UIDs).
std::string host_of(std::string_view url);

// 404 when there is no such event or the caller may not see it (a draft of another organisation).
boost::asio::awaitable<Feed> event_feed(Database& db, const domain::Caller& caller, std::string id_or_slug,
                                        FeedLocation location);

// Public events only, whoever asks (the feed is cacheable by anyone); `query.limit` and
// `query.after` are ignored.
boost::asio::awaitable<Feed> public_feed(Database& db, EventListQuery query, FeedLocation location);

// 404 for an unknown organisation.
boost::asio::awaitable<Feed> organisation_feed(Database& db, std::string id_or_slug, FeedLocation location);

// 404 for an unknown speaker.
boost::asio::awaitable<Feed> speaker_feed(Database& db, std::string id_or_slug, FeedLocation location);

}  // namespace eventd::services
