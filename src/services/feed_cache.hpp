#pragma once
// Rendered public calendar feeds, kept in memory with their validators, so that the many
// calendar apps polling a feed cost neither a query nor a rendering.
//
// Invalidation: schema/010_feed_notifications.sql announces every change that can alter a
// feed on the channel `eventd_feeds` (an event id, or "*"), whichever instance or tool made
// it; this instance's FeedNotifications (below) listens and drops what is affected. The
// changing session also gets the payload as a NOTICE, which the connection pool hands over
// right after the work's COMMIT (db::ConnectionPool::capture_notices): an instance's own
// changes are dropped before it answers the request that made them. What is dropped:
//  - an event id drops that event's own feed (under every key it was asked by: id or slug)
//    and every list feed (all public events, an organisation's, a speaker's);
//  - "*" drops everything.
// While the listening connection is down, changes could go unheard: the cache is then off
// (every request renders afresh) and is emptied when listening resumes.
//
// A rendering that raced with a change is not stored: store() takes the ticket taken before
// the feed's data were read and refuses it if any notification arrived since. (A change
// committed after the data were read but announced after the store drops the entry then.)
//
// Memory is bounded: when full, entries not asked for since they were last passed over go
// first (second chance, an approximation of least recently used that lets lookups share the
// lock); a feed larger than an eighth of the budget is never kept.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "domain/time.hpp"

namespace eventd::services {

// The channel schema/010_feed_notifications.sql notifies on, and the SQLSTATE of the NOTICE
// it raises to the changing session itself (with the same payload as its DETAIL).
inline constexpr const char* kFeedChannel = "eventd_feeds";
inline constexpr const char* kFeedNoticeSqlstate = "EVF01";

// One rendered feed and what the HTTP layer answers with.
struct RenderedFeed {
  std::string body;  // text/calendar
  std::string etag;  // strong, quoted
  std::optional<domain::Instant> last_modified;
  std::string slug;  // for the file name
};

struct FeedCacheStats {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::size_t entries = 0;
  std::size_t bytes = 0;
  bool enabled = false;
};

class FeedCache {
 public:
  // What a feed depends on, for invalidation: one event (its own feed), or the list feeds.
  struct Tag {
    std::optional<std::string> event_id;  // nullopt: a list feed
  };
  using Ticket = std::uint64_t;

  // max_bytes 0: nothing is ever cached.
  explicit FeedCache(std::size_t max_bytes);
  FeedCache(const FeedCache&) = delete;
  FeedCache& operator=(const FeedCache&) = delete;

  // nullptr on a miss, or while the cache is off.
  std::shared_ptr<const RenderedFeed> find(const std::string& key);
  // Taken before the feed's data are read.
  Ticket ticket() const { return generation_.load(); }
  // Keeps `feed` under `key` unless a notification arrived since `ticket` was taken, the
  // cache is off, or the feed is too large.
  void store(Ticket ticket, const std::string& key, Tag tag, std::shared_ptr<const RenderedFeed> feed);

  // A payload from the channel: an event id, or "*" (or anything unrecognised: everything).
  void invalidate(std::string_view payload);
  void invalidate_all();
  // On while changes are heard; off (and emptied) while they may not be.
  void set_enabled(bool enabled);
  bool enabled() const { return enabled_.load(); }

  FeedCacheStats stats() const;

 private:
  struct Entry {
    std::string key;
    Tag tag;
    std::shared_ptr<const RenderedFeed> feed;
    std::size_t cost = 0;
    mutable std::atomic<bool> used{false};  // asked for since eviction last passed it
  };
  using Entries = std::list<Entry>;  // newest (or given a second chance) first

  void erase_locked(Entries::iterator it);
  void evict_one_locked();
  void clear_locked();

  const std::size_t max_bytes_;
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<bool> enabled_{false};
  mutable std::shared_mutex mutex_;  // shared: lookups; exclusive: changes
  Entries entries_;
  std::unordered_map<std::string, Entries::iterator> by_key_;
  std::unordered_map<std::string, std::unordered_set<std::string>> keys_by_event_;
  std::unordered_set<std::string> list_keys_;
  std::size_t bytes_ = 0;
  std::atomic<std::uint64_t> hits_{0};
  std::atomic<std::uint64_t> misses_{0};
};

}  // namespace eventd::services

namespace eventd::db {
class NotificationListener;
}

namespace eventd::services {

// Keeps a FeedCache in step with the database: LISTEN eventd_feeds on a connection of its
// own, turning the cache on while listening and off while not.
class FeedNotifications {
 public:
  FeedNotifications(FeedCache& cache, const std::string& database_url);
  ~FeedNotifications();
  FeedNotifications(const FeedNotifications&) = delete;
  FeedNotifications& operator=(const FeedNotifications&) = delete;

  void start();
  void stop();

 private:
  FeedCache& cache_;
  std::unique_ptr<db::NotificationListener> listener_;
  std::atomic<bool> was_connected_{false};
  std::atomic<bool> was_lost_{false};  // connected before, then lost: the next connection is a return
};

}  // namespace eventd::services
