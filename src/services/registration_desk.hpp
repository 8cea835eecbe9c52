#pragma once
// The registration rush (docs/REGISTRATION_RUSH.md): the sign-ups of one event that arrive
// together are decided together, in one transaction under the event's row lock and with one
// commit, instead of each waiting for the commit of the one before it.
//
// The first sign-up of an event while none of its batches is being decided leads: it takes
// every sign-up waiting for that event (in arrival order, at most kMaxBatch), has them decided
// and wakes each with its own answer. Whoever arrives meanwhile waits for the next batch, led
// by the first of them. Each instance batches its own requests; instances take turns at the
// event's lock, so across instances a batch is as ordered as single decisions were.
#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace eventd::services {

class Database;

class RegistrationDesk {
 public:
  // At most 64 sign-ups a batch: each writes behind a savepoint, a subtransaction, and
  // PostgreSQL keeps 64 of them per transaction in its cache; beyond that every other
  // session's visibility checks would read pg_subtrans.
  static constexpr std::size_t kMaxBatch = 64;

  // One sign-up, as the decider knows it (a derived type), and what it came to: `failure`
  // when it or its whole batch failed, else the decider's own outcome in the derived type.
  struct Signup {
    virtual ~Signup() = default;
    std::exception_ptr failure;
  };
  // Decides a batch of one event, in order, in one transaction; sets each sign-up's outcome
  // (an exception of one sign-up is its own, the others go on). Runs on a database thread.
  using DecideBatch = std::function<void(soci::session&, const std::string& event_ref,
                                         const std::vector<std::shared_ptr<Signup>>& batch)>;

  // At most `max_waiting` sign-ups of one event wait for their batch; beyond that a sign-up
  // is refused at once (503, Retry-After). A waiting sign-up holds no database connection, so
  // the database's own waiting limit does not see the desk's line.
  RegistrationDesk(Database& db, std::size_t max_waiting) : db_(db), max_waiting_(max_waiting) {}
  RegistrationDesk(const RegistrationDesk&) = delete;
  RegistrationDesk& operator=(const RegistrationDesk&) = delete;

  // Queues `signup` for `event_ref` and returns once it is decided (its outcome is then in
  // it). `decide` must be the same for every sign-up of an event. Throws (unavailable) when
  // the event's line is full.
  boost::asio::awaitable<void> submit(std::string event_ref, std::shared_ptr<Signup> signup, DecideBatch decide);

  // How many batches and sign-ups were decided, and sign-ups turned away because their
  // event's line was full (for /metrics and the tests).
  std::size_t batches() const;
  std::size_t signups() const;
  std::size_t refused() const;

 private:
  class Waiter;
  struct Entry {
    std::shared_ptr<Signup> signup;
    std::shared_ptr<Waiter> waiter;
  };
  struct Line {
    std::deque<Entry> waiting;
    bool deciding = false;
  };

  boost::asio::awaitable<void> lead(const std::string& event_ref, const DecideBatch& decide);

  Database& db_;
  const std::size_t max_waiting_;
  mutable std::mutex mutex_;
  std::map<std::string, Line, std::less<>> lines_;
  std::size_t batches_ = 0;
  std::size_t signups_ = 0;
  std::size_t refused_ = 0;
};

}  // namespace eventd::services
