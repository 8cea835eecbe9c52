#include "services/shared_rate_limiter.hpp"

#include "common/log.hpp"
#include "db/rate_limit_repository.hpp"
#include "domain/error.hpp"
#include "services/database.hpp"

namespace eventd::services {

SharedRateLimiter::SharedRateLimiter(Database& db, RateLimiter::Settings settings) : db_(db), local_(settings) {}

boost::asio::awaitable<std::optional<std::chrono::seconds>> SharedRateLimiter::take(std::string client) {
  std::optional<std::chrono::seconds> wait;
  if (local_.settings().per_minute <= 0) co_return wait;  // no limit: no statement
  wait = local_.take(client);
  if (wait) {
    ++local_refusals_;
    co_return wait;
  }
  ++shared_checks_;
  const double per_minute = local_.settings().per_minute;
  const double burst = local_.settings().burst;
  std::optional<db::SharedTake> shared;
  try {
    db::SharedTake taken =
        co_await db_.run([&](soci::session& s) { return db::take_shared_token(s, client, per_minute, burst); });
    shared = taken;
  } catch (const domain::Error& error) {
    // The database is unreachable, too slow or its queue full: a rate-limit check must not
    // turn that into an outage of public writes. This instance's bucket (which let the
    // request through) decides alone; the request itself meets the database anyway.
    if (error.code() != domain::ErrorCode::unavailable) {
      log::warn("shared rate limit failed, this instance's alone decides", {{"reason", error.what()}});
    }
  } catch (const std::exception& error) {
    log::warn("shared rate limit failed, this instance's alone decides", {{"reason", error.what()}});
  }
  if (!shared) {
    ++shared_failures_;
    co_return wait;
  }
  // Whether taken or not, this instance's bucket comes down to the shared level: a client the
  // shared bucket has no more tokens for is refused here, with no statement, until its next.
  wait = local_.settle(client, shared->tokens);
  if (shared->taken) {
    wait.reset();
  } else {
    ++shared_refusals_;
    if (!wait) wait = std::chrono::seconds(1);  // refused there: never a go-ahead here
  }
  co_return wait;
}

SharedRateLimiter::Stats SharedRateLimiter::stats() const {
  return {local_refusals_.load(), shared_checks_.load(), shared_refusals_.load(), shared_failures_.load()};
}

}  // namespace eventd::services
