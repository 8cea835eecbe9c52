#pragma once
// A token bucket per client address, for public writes (registrations, media requests):
// `burst` requests at once, then `per_minute` on average. In memory, per eventd instance:
// with N instances behind a balancer a client gets at most N times the rate, which still
// stops a flood. Memory is bounded: idle buckets are forgotten first.
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
  void evict(Shard& shard, Clock::time_point now);

  Settings settings_;
  std::array<Shard, kShards> shards_;
};

}  // namespace eventd::services
