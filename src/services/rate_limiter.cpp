#include "services/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <iterator>

namespace eventd::services {

RateLimiter::RateLimiter(Settings settings) : settings_(settings) {}

void RateLimiter::refill(Bucket& bucket, Clock::time_point now) const {
  const double minutes = std::chrono::duration<double, std::ratio<60>>(now - bucket.updated).count();
  bucket.tokens = std::min(settings_.burst, bucket.tokens + std::max(0.0, minutes) * settings_.per_minute);
  bucket.updated = now;
}

void RateLimiter::evict(Shard& shard, Clock::time_point now) {
  // Full buckets carry no information: forgetting them changes nothing.
  for (auto it = shard.buckets.begin(); it != shard.buckets.end();) {
    refill(it->second, now);
    it = it->second.tokens >= settings_.burst ? shard.buckets.erase(it) : std::next(it);
  }
  // Still too many (a flood from many addresses): forget every other one. Those clients
  // start again with a full burst, which is the lesser harm than unbounded memory.
  if (shard.buckets.size() * kShards > settings_.max_clients) {
    bool drop = false;
    std::erase_if(shard.buckets, [&drop](const auto&) { return drop = !drop; });
  }
}

RateLimiter::Bucket& RateLimiter::bucket_of(Shard& shard, std::string_view client, Clock::time_point now) {
  auto it = shard.buckets.find(std::string(client));
  if (it == shard.buckets.end()) {
    if ((shard.buckets.size() + 1) * kShards > settings_.max_clients) evict(shard, now);
    it = shard.buckets.emplace(std::string(client), Bucket{settings_.burst, now}).first;
  }
  refill(it->second, now);
  return it->second;
}

std::chrono::seconds RateLimiter::wait_for(const Bucket& bucket) const {
  const double wait_s = (1 - bucket.tokens) * 60.0 / settings_.per_minute;
  return std::chrono::seconds(std::max<long long>(1, static_cast<long long>(std::ceil(wait_s))));
}

std::optional<std::chrono::seconds> RateLimiter::take(std::string_view client, Clock::time_point now) {
  if (settings_.per_minute <= 0) return std::nullopt;
  Shard& shard = shards_[std::hash<std::string_view>{}(client) % kShards];
  std::lock_guard lock(shard.mutex);
  Bucket& bucket = bucket_of(shard, client, now);
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return std::nullopt;
  }
  return wait_for(bucket);
}

std::optional<std::chrono::seconds> RateLimiter::settle(std::string_view client, double tokens, Clock::time_point now) {
  if (settings_.per_minute <= 0) return std::nullopt;
  Shard& shard = shards_[std::hash<std::string_view>{}(client) % kShards];
  std::lock_guard lock(shard.mutex);
  Bucket& bucket = bucket_of(shard, client, now);
  bucket.tokens = std::min(bucket.tokens, std::max(0.0, tokens));
  if (bucket.tokens >= 1) return std::nullopt;
  return wait_for(bucket);
}

}  // namespace eventd::services
