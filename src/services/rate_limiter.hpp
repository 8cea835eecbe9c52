#pragma once
// A token bucket per client address, for public writes (registrations, media requests):
// `burst` requests at once, then `per_minute` on average. In memory, this instance's: it
// answers a client that has used its bucket up at once, with no database work. The limit
// across instances is services::SharedRateLimiter, which asks this bucket first and then the
// client's bucket in PostgreSQL, and brings this one down to the shared one's level
// (`settle`), so that a client the shared bucket refuses is refused here until its next
// token. Memory is bounded: idle buckets are forgotten first.
#include <array>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace eventd::services {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  struct Settings {
    double per_minute = 30;  // 0 disables the limit
    double burst = 10;
    std::size_t max_clients = 100000;
  };

  explicit RateLimiter(Settings settings);

  // Takes one token for `client`. nullopt: go ahead; otherwise how long until the next
  // token (for Retry-After, at least one second).
  std::optional<std::chrono::seconds> take(std::string_view client, Clock::time_point now = Clock::now());

  // Another bucket of the same client (the shared one) holds `tokens` now: this one keeps
  // the lower level of the two. Its tokens only ever refill at the same rate, so while this
  // bucket has no token, neither has that one. Returns what take() would answer now,
  // without taking anything: the wait until the next token, or nullopt when there is one.
  std::optional<std::chrono::seconds> settle(std::string_view client, double tokens,
                                             Clock::time_point now = Clock::now());

  const Settings& settings() const { return settings_; }

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point updated{};
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Bucket> buckets;
  };
  static constexpr std::size_t kShards = 16;

  void refill(Bucket& bucket, Clock::time_point now) const;
  Bucket& bucket_of(Shard& shard, std::string_view client, Clock::time_point now);
  std::chrono::seconds wait_for(const Bucket& bucket) const;
  void evict(Shard& shard, Clock::time_point now);

  Settings settings_;
  std::array<Shard, kShards> shards_;
};

}  // namespace eventd::services
