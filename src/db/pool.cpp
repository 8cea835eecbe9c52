#include "db/pool.hpp"

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include "domain/error.hpp"

namespace eventd::db {

std::string keyword_conninfo(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (!options) {
    std::string message = error ? error : "out of memory";
    PQfreemem(error);
    throw domain::Error(domain::ErrorCode::bad_request, "invalid database URL: " + message);
  }
  std::string conninfo;
  for (PQconninfoOption* option = options; option->keyword; ++option) {
    if (!option->val) continue;
    std::string value;
    for (const char* c = option->val; *c; ++c) {
      if (*c == '\\' || *c == '\'') value += '\\';
      value += *c;
    }
    if (!conninfo.empty()) conninfo += ' ';
    conninfo += std::string(option->keyword) + "='" + value + "'";
  }
  PQconninfoFree(options);
  return conninfo;
}

ConnectionPool::ConnectionPool(PoolOptions options) : options_(std::move(options)) {
  options_.url = keyword_conninfo(options_.url);
  if (options_.size == 0) options_.size = 1;
  for (std::size_t i = 0; i < options_.size; ++i) {
    slots_.push_back(std::make_unique<soci::session>());
    free_.push_back(options_.size - 1 - i);
  }
}

ConnectionPool::~ConnectionPool() = default;

ConnectionPool::Lease::~Lease() {
  if (pool_) pool_->release(index_);
}

soci::session& ConnectionPool::Lease::session() const { return *pool_->slots_[index_]; }

ConnectionPool::Lease ConnectionPool::acquire() {
  std::size_t index;
  {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [&] { return !free_.empty(); });
    index = free_.back();
    free_.pop_back();
  }
  Lease lease(*this, index);
  soci::session& session = *slots_[index];
  if (!session.is_connected()) open(session);
  return lease;
}

void ConnectionPool::open(soci::session& session) {
  try {
    session.close();
    session.open(*soci::factory_postgresql(), options_.url);
    // A running query cannot be cancelled from the I/O side, so every query is bounded here.
    // set_config, not SET: SET takes no bound parameters.
    const std::string timeout_ms = std::to_string(options_.statement_timeout.count());
    session << "SELECT set_config('statement_timeout', :ms, false)", soci::use(timeout_ms);
    session << "SET TIME ZONE 'UTC'";
    session << "SET client_min_messages = warning";
  } catch (const soci::soci_error& e) {
    session.close();
    throw domain::Error(domain::ErrorCode::unavailable, "The database is not reachable.");
  }
}

void ConnectionPool::check_after_error(soci::session& session) {
  // libpq reports CONNECTION_BAD once the server has gone; reopen on next use.
  if (!session.is_connected()) session.close();
}

void ConnectionPool::release(std::size_t index) {
  {
    std::lock_guard lock(mutex_);
    free_.push_back(index);
  }
  available_.notify_one();
}

std::size_t ConnectionPool::in_use() const {
  std::lock_guard lock(mutex_);
  return slots_.size() - free_.size();
}

}  // namespace eventd::db
