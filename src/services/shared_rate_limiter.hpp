#pragma once
// The per-address limit of public writes across every instance (schema/027_shared_rate_limit.sql).
//
// First this instance's bucket (services::RateLimiter): a client it refuses is answered at
// once, with no database work. What it lets through takes a token from the client's bucket
// in PostgreSQL too, in one statement, and this instance's bucket comes down to that one's
// level: a client the shared bucket refuses (or leaves without a token) is then refused here,
// again with no database work, until its next token is due. So N instances allow a client
// `burst` and `per_minute` in all, and a client over the limit costs the database at most one
// statement per instance per token.
//
// The limit off (per_minute 0) costs nothing: no statement at all.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "services/rate_limiter.hpp"

namespace eventd::services {

class Database;

class SharedRateLimiter {
 public:
  SharedRateLimiter(Database& db, RateLimiter::Settings settings);

  // Takes one token for `client`. nullopt: go ahead; otherwise how long until the next
  // token (for Retry-After, at least one second). Never throws for the database: when the
  // shared bucket cannot be asked, this instance's bucket decides alone.
  boost::asio::awaitable<std::optional<std::chrono::seconds>> take(std::string client);

  const RateLimiter::Settings& settings() const { return local_.settings(); }

  // For /metrics.
  struct Stats {
    std::uint64_t local_refusals = 0;   // refused by this instance's bucket, no statement
    std::uint64_t shared_checks = 0;    // statements on the shared bucket
    std::uint64_t shared_refusals = 0;  // of those, refused there
    std::uint64_t shared_failures = 0;  // of those, failed: this instance's bucket decided alone
  };
  Stats stats() const;

 private:
  Database& db_;
  RateLimiter local_;
  std::atomic<std::uint64_t> local_refusals_{0};
  std::atomic<std::uint64_t> shared_checks_{0};
  std::atomic<std::uint64_t> shared_refusals_{0};
  std::atomic<std::uint64_t> shared_failures_{0};
};

}  // namespace eventd::services
