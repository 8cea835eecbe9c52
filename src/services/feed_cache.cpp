#include "services/feed_cache.hpp"

#include "common/log.hpp"
#include "db/notification_listener.hpp"

namespace eventd::services {

namespace {

// What an entry costs beyond its texts: the list node, the map slots, the shared block.
constexpr std::size_t kEntryOverhead = 256;

std::size_t cost_of(const std::string& key, const RenderedFeed& feed) {
  return kEntryOverhead + 2 * key.size() + feed.body.size() + feed.etag.size() + feed.slug.size();
}

}  // namespace

FeedCache::FeedCache(std::size_t max_bytes) : max_bytes_(max_bytes) {}

std::shared_ptr<const RenderedFeed> FeedCache::find(const std::string& key) {
  if (!enabled_.load()) return nullptr;
  std::shared_lock lock(mutex_);
  auto it = by_key_.find(key);
  if (it == by_key_.end()) {
    misses_.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  hits_.fetch_add(1, std::memory_order_relaxed);
  const Entry& entry = *it->second;
  if (!entry.used.load(std::memory_order_relaxed)) entry.used.store(true, std::memory_order_relaxed);
  return entry.feed;
}

void FeedCache::store(Ticket ticket, const std::string& key, Tag tag, std::shared_ptr<const RenderedFeed> feed) {
  const std::size_t cost = cost_of(key, *feed);
  if (max_bytes_ == 0 || cost > max_bytes_ / 8) return;
  std::unique_lock lock(mutex_);
  // Checked under the lock that invalidate() also takes: no notification slips in between.
  if (!enabled_.load() || generation_.load() != ticket) return;
  if (auto it = by_key_.find(key); it != by_key_.end()) erase_locked(it->second);
  while (!entries_.empty() && bytes_ + cost > max_bytes_) evict_one_locked();
  entries_.emplace_front();
  Entry& entry = entries_.front();
  entry.key = key;
  entry.tag = tag;
  entry.feed = std::move(feed);
  entry.cost = cost;
  by_key_[key] = entries_.begin();
  if (tag.event_id) {
    keys_by_event_[*tag.event_id].insert(key);
  } else {
    list_keys_.insert(key);
  }
  bytes_ += cost;
}

// Second chance: the oldest entry goes unless it was asked for since it was last passed
// over; then it moves to the front instead, and loses its mark.
void FeedCache::evict_one_locked() {
  for (;;) {
    auto oldest = std::prev(entries_.end());
    if (oldest->used.exchange(false, std::memory_order_relaxed) && entries_.size() > 1) {
      entries_.splice(entries_.begin(), entries_, oldest);
      continue;
    }
    erase_locked(oldest);
    return;
  }
}

void FeedCache::erase_locked(Entries::iterator it) {
  if (it->tag.event_id) {
    auto keys = keys_by_event_.find(*it->tag.event_id);
    if (keys != keys_by_event_.end()) {
      keys->second.erase(it->key);
      if (keys->second.empty()) keys_by_event_.erase(keys);
    }
  } else {
    list_keys_.erase(it->key);
  }
  bytes_ -= it->cost;
  by_key_.erase(it->key);
  entries_.erase(it);
}

void FeedCache::clear_locked() {
  entries_.clear();
  by_key_.clear();
  keys_by_event_.clear();
  list_keys_.clear();
  bytes_ = 0;
}

void FeedCache::invalidate(std::string_view payload) {
  // Event ids are UUIDs; anything else (including "*") means everything.
  if (payload.size() != 36) {
    invalidate_all();
    return;
  }
  std::unique_lock lock(mutex_);
  ++generation_;
  if (auto keys = keys_by_event_.find(std::string(payload)); keys != keys_by_event_.end()) {
    const std::unordered_set<std::string> doomed = keys->second;
    for (const auto& key : doomed) erase_locked(by_key_.at(key));
  }
  const std::unordered_set<std::string> lists = list_keys_;
  for (const auto& key : lists) erase_locked(by_key_.at(key));
}

void FeedCache::invalidate_all() {
  std::unique_lock lock(mutex_);
  ++generation_;
  clear_locked();
}

void FeedCache::set_enabled(bool enabled) {
  std::unique_lock lock(mutex_);
  ++generation_;
  clear_locked();
  enabled_ = enabled && max_bytes_ > 0;
}

FeedCacheStats FeedCache::stats() const {
  std::shared_lock lock(mutex_);
  return {hits_.load(), misses_.load(), by_key_.size(), bytes_, enabled_.load()};
}

FeedNotifications::FeedNotifications(FeedCache& cache, const std::string& database_url) : cache_(cache) {
  db::ListenerCallbacks callbacks;
  callbacks.connected = [this] {
    // Whatever changed while nobody listened is unknown: start from an empty cache.
    cache_.set_enabled(true);
    was_connected_ = true;
    if (was_lost_.exchange(false)) log::info("feed cache on: listening for changes again");
  };
  callbacks.lost = [this](const std::string& reason) {
    cache_.set_enabled(false);
    // Logged once per loss, not for every failed attempt to reconnect.
    if (was_connected_.exchange(false)) {
      was_lost_ = true;
      log::warn("feed cache off: lost the connection that listens for changes", {{"reason", reason}});
    }
  };
  callbacks.notified = [this](std::string_view payload) { cache_.invalidate(payload); };
  listener_ = std::make_unique<db::NotificationListener>(database_url, kFeedChannel, std::move(callbacks));
}

FeedNotifications::~FeedNotifications() { stop(); }

void FeedNotifications::start() { listener_->start(); }

void FeedNotifications::stop() {
  listener_->stop();
  cache_.set_enabled(false);
}

}  // namespace eventd::services
