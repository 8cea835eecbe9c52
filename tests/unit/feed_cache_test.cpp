// The feed cache's own rules, without a database: what a notification drops, that a
// rendering which raced with a change is not kept, that it is off while changes go unheard,
// and that its memory is bounded.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "services/feed_cache.hpp"

namespace {

using eventd::services::FeedCache;
using eventd::services::RenderedFeed;

const std::string kEventA = "6f1c1a5e-0000-4000-8000-00000000000a";
const std::string kEventB = "6f1c1a5e-0000-4000-8000-00000000000b";

std::shared_ptr<const RenderedFeed> feed_of(std::size_t size, char fill = 'x') {
  auto feed = std::make_shared<RenderedFeed>();
  feed->body = std::string(size, fill);
  feed->etag = "\"tag\"";
  feed->slug = "slug";
  return feed;
}

FeedCache::Tag event_tag(const std::string& id) { return FeedCache::Tag{id}; }
const FeedCache::Tag kList{};

}  // namespace

TEST_CASE("feed cache: off until enabled, and emptied when turned off") {
  FeedCache cache(1024 * 1024);
  cache.store(cache.ticket(), "event:a", event_tag(kEventA), feed_of(10));
  CHECK(cache.find("event:a") == nullptr);  // off: nothing is kept

  cache.set_enabled(true);
  cache.store(cache.ticket(), "event:a", event_tag(kEventA), feed_of(10));
  REQUIRE(cache.find("event:a") != nullptr);
  CHECK(cache.find("event:a")->body == std::string(10, 'x'));

  cache.set_enabled(false);  // the listening connection was lost
  CHECK(cache.find("event:a") == nullptr);
  cache.set_enabled(true);  // back: what it held may be stale, so it starts empty
  CHECK(cache.find("event:a") == nullptr);
  CHECK(cache.stats().entries == 0);
}

TEST_CASE("feed cache: an event's notification drops its own feeds and the list feeds, not other events'") {
  FeedCache cache(1024 * 1024);
  cache.set_enabled(true);
  cache.store(cache.ticket(), "event:a", event_tag(kEventA), feed_of(10));
  cache.store(cache.ticket(), "event:slug-of-a", event_tag(kEventA), feed_of(10));
  cache.store(cache.ticket(), "event:b", event_tag(kEventB), feed_of(10));
  cache.store(cache.ticket(), "all:", kList, feed_of(10));
  cache.store(cache.ticket(), "organisation:forum", kList, feed_of(10));
  CHECK(cache.stats().entries == 5);

  cache.invalidate(kEventA);
  CHECK(cache.find("event:a") == nullptr);
  CHECK(cache.find("event:slug-of-a") == nullptr);
  CHECK(cache.find("all:") == nullptr);
  CHECK(cache.find("organisation:forum") == nullptr);
  CHECK(cache.find("event:b") != nullptr);
  CHECK(cache.stats().entries == 1);

  cache.invalidate("*");
  CHECK(cache.find("event:b") == nullptr);
  CHECK(cache.stats().entries == 0);
  CHECK(cache.stats().bytes == 0);
}

TEST_CASE("feed cache: a rendering that raced with a change is not kept") {
  FeedCache cache(1024 * 1024);
  cache.set_enabled(true);
  const auto before = cache.ticket();  // the feed's data are read after this
  cache.invalidate(kEventB);           // a change is announced meanwhile (any event)
  cache.store(before, "event:a", event_tag(kEventA), feed_of(10));
  CHECK(cache.find("event:a") == nullptr);
  // A rendering that started after the announcement is kept.
  cache.store(cache.ticket(), "event:a", event_tag(kEventA), feed_of(10));
  CHECK(cache.find("event:a") != nullptr);
}

TEST_CASE("feed cache: memory is bounded, least recently used first out, oversized feeds never kept") {
  FeedCache cache(64 * 1024);
  cache.set_enabled(true);
  for (int i = 0; i < 20; ++i) {
    cache.store(cache.ticket(), "event:" + std::to_string(i), event_tag(kEventA), feed_of(4000));
    cache.find("event:0");  // keep the first one in use
  }
  const auto stats = cache.stats();
  CHECK(stats.bytes <= 64 * 1024);
  CHECK(stats.entries < 20);
  CHECK(cache.find("event:0") != nullptr);                    // used all along
  CHECK(cache.find("event:1") == nullptr);                    // the least recently used went first
  CHECK(cache.find("event:19") != nullptr);                   // the newest stays
  cache.store(cache.ticket(), "all:", kList, feed_of(9000));  // more than an eighth of 64 KiB
  CHECK(cache.find("all:") == nullptr);
  // Dropping what an event's notification names still works after evictions.
  cache.invalidate(kEventA);
  CHECK(cache.stats().entries == 0);
  CHECK(cache.stats().bytes == 0);
}

TEST_CASE("feed cache: size 0 keeps nothing") {
  FeedCache cache(0);
  cache.set_enabled(true);
  CHECK_FALSE(cache.enabled());
  cache.store(cache.ticket(), "all:", kList, feed_of(10));
  CHECK(cache.find("all:") == nullptr);
}
