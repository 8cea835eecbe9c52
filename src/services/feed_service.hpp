#pragma once
// Use cases of the public calendar feeds (api.md, "Calendar feeds"; ical.md): what a feed
// holds, loaded in one read-only transaction, rendered to iCalendar text.
//  - one event and all its sessions (its organiser may fetch its draft);
//  - all public events, with the filters of GET /v1/events, events only;
//  - an organisation's public events, as organiser or partner, events only;
//  - the sessions a speaker appears in (of public events), sessions only.
// Public feeds never carry a stream link unless the event's online.access is public, and
// never attendees. Cancelled events stay in, as STATUS:CANCELLED.
// Public renderings are kept in a FeedCache (services/feed_cache.hpp) and served from it
// until a change that affects them is announced.
#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "domain/api_key.hpp"
#include "domain/time.hpp"
#include "services/event_service.hpp"
#include "services/feed_cache.hpp"

namespace eventd::services {

class Database;

// A list feed (all public events, an organisation's, filtered) never drops an event that has
// not ended: it holds every one of those, and the events that ended in the last `past_days`
// days (EVENTD_FEED_PAST_DAYS; a `from` or `to` filter replaces that bound), of which it keeps the
// latest ended while the feed holds fewer than `max_events` (EVENTD_FEED_MAX_EVENTS, by
// default kFeedEventLimit): when the cap is reached the furthest past go first. The feed is
// in the order of GET /v1/events (by start). A speaker feed holds at most kFeedEventLimit
// sessions.
inline constexpr std::size_t kFeedEventLimit = 1000;
inline constexpr int kFeedPastDays = 90;

// Where the service is and where this feed is served, and the service's feed settings.
struct FeedLocation {
  std::string public_url;                    // the service's base URL, e.g. http://127.0.0.1:8080 (no trailing slash)
  std::string feed_url;                      // this feed's URL as requested (SOURCE/URL of /v1/calendar.ics; the
                                             // feeds of one record use their canonical URL by id instead)
  std::string sender_email{};                // the address of EVENTD_MAIL_FROM (invitations' ORGANIZER); may be empty
  std::string frontend_url{};                // EVENTD_FRONTEND_URL: the events' URL (domain/links.hpp); may be empty
  int past_days = kFeedPastDays;             // EVENTD_FEED_PAST_DAYS (list feeds)
  std::size_t max_events = kFeedEventLimit;  // EVENTD_FEED_MAX_EVENTS (list feeds)
};

struct Feed {
  // body (text/calendar, CRLF, linted), its strong ETag, Last-Modified (the newest updated_at
  // among the feed's records) and the slug for the file name <slug>.ics; shared with the cache
  std::shared_ptr<const RenderedFeed> content;
  bool is_public = true;     // false: a draft only its organiser (or an admin) may see; never cached
  bool is_personal = false;  // one person's calendar: no cache may keep it
  std::string itip_method;   // "REQUEST"/"CANCEL" for an invitation (Content-Type method=)
};

// A rendering with its strong ETag (from the bytes: the same data render to the same bytes,
// since DTSTAMP and LAST-MODIFIED come from the records, never the clock).
std::shared_ptr<const RenderedFeed> rendered_feed(std::string body, std::optional<domain::Instant> last_modified,
                                                  std::string slug);

// An event's page (URL and "more information" of its entries): its organiser's own website,
// the frontend, or eventd's own page (domain/links.hpp).
std::string event_page_url(const FeedLocation& location, const domain::Event& event);

// The host part of a base URL: "http://127.0.0.1:8080/x" → "127.0.0.1:8080" (for UIDs).
std::string host_of(std::string_view url);

// The feed event_feed answers from the cache (only public events' are kept), or nullopt: asked
// first by the handler, so that a revalidation (304) or a cached answer does not build the
// FeedLocation, which only a rendering needs.
std::optional<Feed> cached_event_feed(FeedCache& cache, std::string_view id_or_slug);

// 404 when there is no such event or the caller may not see it (a draft of another organisation).
boost::asio::awaitable<Feed> event_feed(Database& db, FeedCache& cache, const domain::Caller& caller,
                                        std::string id_or_slug, FeedLocation location);

// Public events only, whoever asks (the feed is cacheable by anyone); `query.limit` and
// `query.after` are ignored.
// `cache_key` names the query as requested (its raw query string).
boost::asio::awaitable<Feed> public_feed(Database& db, FeedCache& cache, EventListQuery query, std::string cache_key,
                                         FeedLocation location);

// 404 for an unknown organisation.
boost::asio::awaitable<Feed> organisation_feed(Database& db, FeedCache& cache, std::string id_or_slug,
                                               FeedLocation location);

// 404 for an unknown speaker.
boost::asio::awaitable<Feed> speaker_feed(Database& db, FeedCache& cache, std::string id_or_slug,
                                          FeedLocation location);

}  // namespace eventd::services
