#pragma once
// A fixed set of PostgreSQL connections. Blocking: callers are the database threads, never
// the I/O threads (see services/database.hpp).
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace soci {
class session;
}

namespace eventd::db {

struct PoolOptions {
  std::string url;  // libpq connection string or URI
  std::size_t size = 4;
  std::chrono::milliseconds statement_timeout{5000};
};

// libpq accepts URIs, but SOCI 4 rewrites the connection string as keyword=value pairs and
// mangles a URI; so every URL is normalised to keyword form first. Throws
// domain::Error(bad_request) when libpq cannot parse it.
std::string keyword_conninfo(const std::string& url);

class ConnectionPool {
 public:
  explicit ConnectionPool(PoolOptions options);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // A borrowed connection, returned to the pool when the lease ends. A connection that
  // failed is reopened on its next use, so the pool heals when the database comes back.
  class Lease {
   public:
    Lease(ConnectionPool& pool, std::size_t index) : pool_(&pool), index_(index) {}
    Lease(Lease&& other) noexcept : pool_(other.pool_), index_(other.index_) { other.pool_ = nullptr; }
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    soci::session& session() const;

   private:
    ConnectionPool* pool_;
    std::size_t index_;
  };

  // Waits for a free slot, then makes sure its connection is open.
  // Throws domain::Error(unavailable) when the database cannot be reached.
  Lease acquire();

  // Notices with this SQLSTATE that a leased connection receives (a trigger's RAISE NOTICE,
  // sent while the statement runs) are collected, and their DETAIL handed to `handler` when
  // the lease ends, after the work and its COMMIT: schema/010_feed_notifications.sql says
  // so whenever a feed's data change, and this is how an instance sees its own changes
  // before it answers the request that made them. Call before the pool is used.
  void capture_notices(std::string sqlstate, std::function<void(std::string_view detail)> handler);

  std::size_t size() const { return slots_.size(); }
  std::size_t in_use() const;

  // After an error on a leased session: closes it if the connection is gone.
  void check_after_error(soci::session& session);

 private:
  struct Slot {
    std::unique_ptr<soci::session> session;
    std::chrono::steady_clock::time_point returned_at;  // written under mutex_
    std::vector<std::string> notices;                   // captured during the lease
    std::string wanted_sqlstate;
  };

  void open(Slot& slot);
  void release(std::size_t index);

  PoolOptions options_;
  std::string notice_sqlstate_;
  std::function<void(std::string_view detail)> notice_handler_;
  std::vector<std::unique_ptr<Slot>> slots_;  // stable addresses: libpq's notice receivers point at them
  std::vector<std::size_t> free_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
};

}  // namespace eventd::db
