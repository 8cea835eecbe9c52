#pragma once
// The hand-off between I/O threads and PostgreSQL: `co_await db.run(work)` runs blocking
// SOCI work on a thread pool the size of the connection pool and resumes the caller on its
// own executor. No I/O thread ever waits on the database.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>

#include "db/pool.hpp"

namespace soci {
class session;
}

namespace eventd::services {

class Database {
 public:
  // max_waiting bounds the queue: beyond it a request gets 503 at once instead of waiting.
  Database(db::PoolOptions options, std::size_t max_waiting);
  ~Database();

  template <class Work>
  auto run(Work work) -> boost::asio::awaitable<std::invoke_result_t<Work&, soci::session&>> {
    using Result = std::invoke_result_t<Work&, soci::session&>;
    Admission admission(*this);
    co_return co_await boost::asio::co_spawn(
        threads_.get_executor(),
        [this, work = std::move(work)]() mutable -> boost::asio::awaitable<Result> {
          auto lease = pool_.acquire();
          try {
            co_return work(lease.session());
          } catch (...) {
            rethrow_as_domain_error(lease.session());
          }
        },
        boost::asio::use_awaitable);
  }

  // Blocking form for the command line (migrate, keys, demo) and start-up.
  template <class Work>
  auto run_blocking(Work work) -> std::invoke_result_t<Work&, soci::session&> {
    auto lease = pool_.acquire();
    try {
      return work(lease.session());
    } catch (...) {
      rethrow_as_domain_error(lease.session());
    }
  }

  // See db::ConnectionPool::capture_notices; `handler` runs on a database thread.
  void capture_notices(std::string sqlstate, std::function<void(std::string_view detail)> handler) {
    pool_.capture_notices(std::move(sqlstate), std::move(handler));
  }

  std::size_t pool_size() const { return pool_.size(); }
  std::size_t connections_in_use() const { return pool_.in_use(); }
  std::size_t waiting() const { return waiting_.load(); }

  // Stops the database threads after the work already queued.
  void shutdown();

 private:
  class Admission {
   public:
    explicit Admission(Database& db);
    ~Admission() { --db_.waiting_; }
    Admission(const Admission&) = delete;
    Admission& operator=(const Admission&) = delete;

   private:
    Database& db_;
  };

  // Turns a lost connection or an unreachable database into domain unavailable (503);
  // rethrows anything else unchanged, so repositories' own mapping stays in charge.
  [[noreturn]] void rethrow_as_domain_error(soci::session& session);

  db::ConnectionPool pool_;
  boost::asio::thread_pool threads_;
  std::size_t max_waiting_;
  std::atomic<std::size_t> waiting_{0};
};

}  // namespace eventd::services
