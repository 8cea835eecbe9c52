#include "services/feed_service.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <tuple>
#include <vector>

#include "db/event_repository.hpp"
#include "db/migrations.hpp"
#include "db/organisation_repository.hpp"
#include "db/session_repository.hpp"
#include "db/speaker_repository.hpp"
#include "domain/error.hpp"
#include "domain/event_rules.hpp"
#include "domain/links.hpp"
#include "domain/session.hpp"
#include "ics/calendar_renderer.hpp"
#include "services/database.hpp"
#include "services/event_filter.hpp"
#include "services/event_parts.hpp"

namespace eventd::services {

namespace {

constexpr const char* kServiceName = "eventd";

// Everything one feed shows, read in one transaction; rendered after the connection is back.
struct FeedData {
  std::vector<domain::Event> events;                       // in feed order
  std::vector<domain::Session> sessions;                   // the sessions shown (of those events)
  std::vector<domain::Session> cancelled_sessions;         // tombstones of deleted ones (schema/019)
  bool include_events = true;                              // false: a speaker feed (sessions only)
  std::map<std::string, domain::Organisation> organisers;  // organisation id → name and address
  std::map<std::string, std::string> host_names;           // the sessions' hosts: id → name
  std::string name;                                        // the calendar's name, after "eventd – "
  std::string slug;
  std::string canonical_path;                        // the feed's path by id (so the bytes do not depend on id vs slug)
  std::optional<domain::Instant> holder_updated_at;  // the organisation's or speaker's record
  bool is_public = true;
};

// One consistent snapshot for the few queries of a feed.
void begin_snapshot(soci::session& s) { s << "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"; }

void load_organiser_names(soci::session& s, FeedData& data) {
  std::set<std::string> ids;
  for (const auto& e : data.events) ids.insert(e.organiser_id);
  const std::vector<std::string> id_list(ids.begin(), ids.end());
  const auto organisations = db::find_organisations(s, id_list);
  for (const auto& o : organisations) data.organisers[o.id] = o;
}

// The tombstones of the feed's events that are not over yet: calendars that hold a deleted
// session see it cancelled. A public feed never showed a delegation's leg, so it does not
// cancel one either.
void load_cancelled_sessions(soci::session& s, FeedData& data) {
  std::vector<std::string> ids;
  for (const auto& e : data.events) ids.push_back(e.id);
  for (auto& t : db::list_session_tombstones(s, ids, domain::now())) {
    if (domain::is_for_everyone(t.session)) data.cancelled_sessions.push_back(std::move(t.session));
  }
}

bool is_public_event(const domain::Event& e) { return domain::is_visible_to(e, domain::Caller::anonymous()); }

std::optional<domain::Instant> newest(const FeedData& data) {
  std::optional<domain::Instant> out = data.holder_updated_at;
  auto note = [&out](domain::Instant t) {
    if (!out || *out < t) out = t;
  };
  for (const auto& e : data.events) note(e.updated_at);
  for (const auto& x : data.sessions) note(x.updated_at);
  for (const auto& x : data.cancelled_sessions) note(x.updated_at);  // when it was deleted
  return out;
}

Feed render(const FeedData& data, const FeedLocation& location) {
  ics::FeedInfo info;
  info.name = std::string(kServiceName) + " – " + data.name;
  info.host = host_of(location.public_url);
  info.public_url = data.canonical_path.empty() ? location.feed_url : location.public_url + data.canonical_path;

  info.sender_email = location.sender_email;

  std::map<std::string, std::vector<const domain::Session*>> by_event, cancelled_by_event;
  for (const auto& x : data.sessions) by_event[x.event_id].push_back(&x);
  for (const auto& x : data.cancelled_sessions) cancelled_by_event[x.event_id].push_back(&x);

  std::vector<ics::FeedEvent> feed_events;
  feed_events.reserve(data.events.size());
  for (const auto& e : data.events) {
    ics::FeedEvent fe{.event = e};
    if (auto it = by_event.find(e.id); it != by_event.end()) fe.sessions = it->second;
    if (auto it = cancelled_by_event.find(e.id); it != cancelled_by_event.end()) fe.cancelled_sessions = it->second;
    fe.include_event = data.include_events;
    fe.host_names = data.host_names;
    if (!fe.include_event && fe.sessions.empty() && fe.cancelled_sessions.empty()) continue;
    if (auto it = data.organisers.find(e.organiser_id); it != data.organisers.end()) {
      fe.organiser_name = it->second.name;
      fe.organiser_email = it->second.email;
    }
    fe.url = event_page_url(location, e);
    // No entitled_stream_url: these feeds are public; the renderer shows a stream only when
    // online.access is public.
    feed_events.push_back(std::move(fe));
  }

  Feed feed;
  feed.content = rendered_feed(ics::render_feed(info, feed_events), newest(data), data.slug);
  feed.is_public = data.is_public;
  return feed;
}

// What a list feed (all public events, an organisation's, a speaker's) depends on: any event.
const FeedCache::Tag kListFeed{};

// A cache hit as a Feed (only public renderings are kept).
std::optional<Feed> cached(FeedCache& cache, const std::string& key) {
  auto hit = cache.find(key);
  if (!hit) return std::nullopt;
  Feed feed;
  feed.content = std::move(hit);
  return feed;
}

// The events of a list feed: GET /v1/events's own filter code, as an anonymous caller
// (public events only), in the window of feed_service.hpp: every event not ended, then the
// latest ended within `past_days` (or within the `from`/`to` asked for) while fewer than
// `max_events`.
void load_public_events(soci::session& s, const EventListQuery& query, const FeedLocation& location, FeedData& data) {
  const db::EventFilter filter = event_filter(domain::Caller::anonymous(), query);
  const domain::Instant at = domain::now();

  db::EventFilter upcoming = filter;
  upcoming.ends_after = at;
  // Never cut: an upcoming event missing from a feed is one nobody hears of. (Only
  // organisers and admins make events; `to` narrows a feed that grows too long.)
  upcoming.limit = static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max());
  auto rows = db::list_events(s, upcoming);

  if (rows.size() < location.max_events) {
    db::EventFilter past = filter;
    past.ends_by = at;
    // A window the caller chose (`from`, `to`) says which past it wants; otherwise the last days.
    if (!query.from && !query.to) past.ends_after = at - std::chrono::days{location.past_days};
    past.latest_end_first = true;
    past.limit = location.max_events - rows.size();
    auto ended = db::list_events(s, past);
    for (auto& row : ended) rows.push_back(std::move(row));
  }
  // The order of GET /v1/events: by start, then id.
  std::sort(rows.begin(), rows.end(), [](const db::EventRow& a, const db::EventRow& b) {
    return std::tie(a.start_us, a.event.id) < std::tie(b.start_us, b.event.id);
  });
  data.events.reserve(rows.size());
  for (auto& row : rows) data.events.push_back(std::move(row.event));
  load_organiser_names(s, data);
}

}  // namespace

std::shared_ptr<const RenderedFeed> rendered_feed(std::string body, std::optional<domain::Instant> last_modified,
                                                  std::string slug) {
  auto content = std::make_shared<RenderedFeed>();
  content->body = std::move(body);
  content->etag = "\"" + db::sha256_hex(content->body) + "\"";
  content->last_modified = last_modified;
  content->slug = std::move(slug);
  return content;
}

std::string event_page_url(const FeedLocation& location, const domain::Event& event) {
  return domain::PageLinks(location.public_url, location.frontend_url)
      .for_organisation(event.organiser_frontend_url)
      .event(event.slug);
}

std::string host_of(std::string_view url) {
  if (auto scheme = url.find("://"); scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  if (auto slash = url.find('/'); slash != std::string_view::npos) url = url.substr(0, slash);
  if (auto at = url.rfind('@'); at != std::string_view::npos) url.remove_prefix(at + 1);
  return std::string(url.empty() ? std::string_view("localhost") : url);
}

std::optional<Feed> cached_event_feed(FeedCache& cache, std::string_view id_or_slug) {
  return cached(cache, "event:" + std::string(id_or_slug));
}

boost::asio::awaitable<Feed> event_feed(Database& db, FeedCache& cache, const domain::Caller& caller,
                                        std::string id_or_slug, FeedLocation location) {
  const std::string key = "event:" + id_or_slug;
  if (auto hit = cached(cache, key)) co_return std::move(*hit);  // as cached_event_feed
  const FeedCache::Ticket ticket = cache.ticket();
  FeedData data = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    begin_snapshot(s);
    FeedData d;
    auto event = db::find_event(s, id_or_slug);
    if (!event || !domain::is_visible_to(*event, caller)) throw domain::not_found("event");
    d.is_public = is_public_event(*event);
    d.name = event->title;
    d.slug = event->slug;
    d.canonical_path = "/v1/events/" + event->id + "/calendar.ics";
    d.events.push_back(std::move(*event));
    const std::vector<std::string> ids{d.events.front().id};
    // The event's feed is public (and cached for everyone): the sessions for everyone only,
    // whoever asks; the organisers see a delegation's legs in the API.
    d.sessions = db::list_sessions_of_events(s, ids, /*everyone_only=*/true);
    d.host_names = host_names_of(s, d.sessions);
    load_cancelled_sessions(s, d);
    load_organiser_names(s, d);
    tx.commit();
    return d;
  });
  Feed feed = render(data, location);
  if (feed.is_public) cache.store(ticket, key, FeedCache::Tag{data.events.front().id}, feed.content);
  co_return feed;
}

boost::asio::awaitable<Feed> public_feed(Database& db, FeedCache& cache, EventListQuery query, std::string cache_key,
                                         FeedLocation location) {
  const std::string key = "all:" + cache_key;
  if (auto hit = cached(cache, key)) co_return std::move(*hit);
  const FeedCache::Ticket ticket = cache.ticket();
  FeedData data = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    begin_snapshot(s);
    FeedData d;
    d.name = "seminarier, konferenser och studieresor";
    d.slug = kServiceName;
    query.after.reset();
    load_public_events(s, query, location, d);
    tx.commit();
    return d;
  });
  Feed feed = render(data, location);
  cache.store(ticket, key, kListFeed, feed.content);
  co_return feed;
}

boost::asio::awaitable<Feed> organisation_feed(Database& db, FeedCache& cache, std::string id_or_slug,
                                               FeedLocation location) {
  const std::string key = "organisation:" + id_or_slug;
  if (auto hit = cached(cache, key)) co_return std::move(*hit);
  const FeedCache::Ticket ticket = cache.ticket();
  FeedData data = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    begin_snapshot(s);
    FeedData d;
    auto organisation = db::find_organisation(s, id_or_slug);
    if (!organisation) throw domain::not_found("organisation");
    d.name = organisation->name;
    d.slug = organisation->slug;
    d.canonical_path = "/v1/organisations/" + organisation->id + "/calendar.ics";
    d.holder_updated_at = organisation->updated_at;
    EventListQuery query;
    query.organiser_or_partner = organisation->id;  // the feed shows what it organises and partners
    load_public_events(s, query, location, d);
    tx.commit();
    return d;
  });
  Feed feed = render(data, location);
  cache.store(ticket, key, kListFeed, feed.content);
  co_return feed;
}

boost::asio::awaitable<Feed> speaker_feed(Database& db, FeedCache& cache, std::string id_or_slug,
                                          FeedLocation location) {
  const std::string key = "speaker:" + id_or_slug;
  if (auto hit = cached(cache, key)) co_return std::move(*hit);
  const FeedCache::Ticket ticket = cache.ticket();
  FeedData data = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    begin_snapshot(s);
    FeedData d;
    d.include_events = false;
    auto speaker = db::find_speaker(s, id_or_slug);
    // The public learns of a speaker only from a public event they speak at.
    if (!speaker || !db::speaker_is_public(s, speaker->id)) throw domain::not_found("speaker");
    d.name = speaker->name;
    d.slug = speaker->slug;
    d.canonical_path = "/v1/speakers/" + speaker->id + "/calendar.ics";
    d.holder_updated_at = speaker->updated_at;
    // A session that left the programme is not in the feed any more, but moves its date.
    if (auto changed = db::speaker_programme_changed_at(s, speaker->id); changed && *changed > speaker->updated_at) {
      d.holder_updated_at = changed;
    }
    auto sessions = db::list_speaker_sessions(s, speaker->id, kFeedEventLimit, /*everyone_only=*/true);
    auto cancelled = db::list_speaker_tombstones(s, speaker->id, domain::now(), kFeedEventLimit);
    std::erase_if(cancelled, [](const domain::Session& x) { return !domain::is_for_everyone(x); });
    std::set<std::string> event_ids;
    for (const auto& x : sessions) event_ids.insert(x.event_id);
    for (const auto& x : cancelled) event_ids.insert(x.event_id);
    const std::vector<std::string> id_list(event_ids.begin(), event_ids.end());
    auto events = db::find_events(s, id_list);
    std::set<std::string> shown;
    for (auto& e : events) {
      if (!is_public_event(e)) continue;  // a draft's programme is not public
      shown.insert(e.id);
      d.events.push_back(std::move(e));
    }
    for (auto& x : sessions) {
      if (shown.contains(x.event_id)) d.sessions.push_back(std::move(x));
    }
    for (auto& x : cancelled) {
      if (shown.contains(x.event_id)) d.cancelled_sessions.push_back(std::move(x));
    }
    d.host_names = host_names_of(s, d.sessions);
    load_organiser_names(s, d);
    tx.commit();
    return d;
  });
  Feed feed = render(data, location);
  cache.store(ticket, key, kListFeed, feed.content);
  co_return feed;
}

}  // namespace eventd::services
