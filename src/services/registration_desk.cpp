#include "services/registration_desk.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <stdexcept>

#include "domain/error.hpp"
#include "services/database.hpp"

namespace eventd::services {

namespace asio = boost::asio;

// A one-time wake-up a sign-up waits for: decided, or asked to lead the next batch. A
// channel with room for the one message, so a wake-up sent before the wait begins is kept;
// the concurrent kind, since the leader sends it from a database thread.
class RegistrationDesk::Waiter {
 public:
  explicit Waiter(const asio::any_io_executor& executor) : channel_(executor, 1) {}

  // True: lead the next batch; false: decided.
  asio::awaitable<bool> wait() {
    auto [ec, lead] = co_await channel_.async_receive(asio::as_tuple(asio::use_awaitable));
    co_return !ec && lead;
  }
  void wake(bool lead) { channel_.try_send(boost::system::error_code{}, lead); }

 private:
  asio::experimental::concurrent_channel<void(boost::system::error_code, bool)> channel_;
};

asio::awaitable<void> RegistrationDesk::submit(std::string event_ref, std::shared_ptr<Signup> signup,
                                               DecideBatch decide) {
  auto waiter = std::make_shared<Waiter>(co_await asio::this_coro::executor);
  bool leads = false;
  {
    std::lock_guard lock(mutex_);
    Line& line = lines_[event_ref];
    if (line.waiting.size() >= max_waiting_) {
      // The line is never empty here (max_waiting_ >= 1), so the line stays as it is.
      ++refused_;
      throw domain::Error(domain::Problem::unavailable, domain::detail("signup_queue_full"));
    }
    line.waiting.push_back(Entry{signup, waiter});
    leads = !line.deciding;
    line.deciding = true;
  }
  if (!leads) leads = co_await waiter->wait();
  if (leads) co_await lead(event_ref, decide);
}

// Decides the sign-ups waiting for the event, the leader's own first, then hands the lead to
// the first that came meanwhile: nobody's answer waits for more than the batch before its own.
asio::awaitable<void> RegistrationDesk::lead(const std::string& event_ref, const DecideBatch& decide) {
  // Room first: nothing may throw between taking the sign-ups out and handing the lead on.
  std::vector<Entry> batch;
  std::vector<std::shared_ptr<Signup>> signups;
  batch.reserve(kMaxBatch);
  signups.reserve(kMaxBatch);
  {
    std::lock_guard lock(mutex_);
    Line& line = lines_[event_ref];
    while (!line.waiting.empty() && batch.size() < kMaxBatch) {
      batch.push_back(std::move(line.waiting.front()));
      line.waiting.pop_front();
    }
  }
  for (const auto& entry : batch) signups.push_back(entry.signup);
  try {
    co_await db_.run([&](soci::session& session) {
      decide(session, event_ref, signups);
      return true;
    });
  } catch (const domain::Error& error) {
    // The transaction did not commit (the event is gone, the database went away, the commit
    // failed): nothing of the batch was kept, and each sign-up is told so. Each gets a copy
    // of its own, as each rethrows it on its own thread.
    for (auto& signup : signups) signup->failure = std::make_exception_ptr(error);
  } catch (const std::exception& error) {
    for (auto& signup : signups) signup->failure = std::make_exception_ptr(std::runtime_error(error.what()));
  }
  std::shared_ptr<Waiter> next;
  {
    std::lock_guard lock(mutex_);
    ++batches_;
    signups_ += signups.size();
    Line& line = lines_[event_ref];
    if (line.waiting.empty()) {
      lines_.erase(event_ref);
    } else {
      next = line.waiting.front().waiter;
    }
  }
  // The leader's own sign-up is the batch's first: it needs no wake-up. The others are
  // woken only once this leader holds none of their sign-ups any more: each sign-up (and the
  // exception it may carry) then belongs to its own request's thread alone.
  std::vector<std::shared_ptr<Waiter>> decided;
  decided.reserve(batch.size());
  for (std::size_t i = 1; i < batch.size(); ++i) decided.push_back(std::move(batch[i].waiter));
  signups.clear();
  batch.clear();
  for (auto& waiter : decided) waiter->wake(false);
  if (next) next->wake(true);
}

std::size_t RegistrationDesk::batches() const {
  std::lock_guard lock(mutex_);
  return batches_;
}

std::size_t RegistrationDesk::signups() const {
  std::lock_guard lock(mutex_);
  return signups_;
}

std::size_t RegistrationDesk::refused() const {
  std::lock_guard lock(mutex_);
  return refused_;
}

}  // namespace eventd::services
