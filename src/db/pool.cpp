#include "db/pool.hpp"

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include "db/statement.hpp"
#include "domain/error.hpp"

namespace eventd::db {

std::string keyword_conninfo(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (!options) {
    std::string message = error ? error : "out of memory";
    PQfreemem(error);
    throw domain::Error(domain::Problem::bad_request, domain::detail("invalid_database_url", {{"reason", message}}));
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
  // A database host that vanished (no refusal, no answer) would hold a database thread in
  // connect() for minutes while requests queue behind it: bounded, unless the URL says otherwise.
  if (options_.url.find("connect_timeout=") == std::string::npos) options_.url += " connect_timeout='5'";
  if (options_.size == 0) options_.size = 1;
  for (std::size_t i = 0; i < options_.size; ++i) {
    auto slot = std::make_unique<Slot>();
    slot->session = std::make_unique<soci::session>();
    slots_.push_back(std::move(slot));
    free_.push_back(options_.size - 1 - i);
  }
}

ConnectionPool::~ConnectionPool() {
  for (const auto& slot : slots_) forget_prepared(*slot->session);
}

ConnectionPool::Lease::~Lease() {
  if (pool_) pool_->release(index_);
}

soci::session& ConnectionPool::Lease::session() const { return *pool_->slots_[index_]->session; }

namespace {

// Connections idle for longer than this are pinged before use (the server may have gone
// away meanwhile); busy ones are not, since a ping is a round trip per request. A busy
// connection that the server dropped fails its next statement (503) and is reopened on its
// next use (check_after_error).
constexpr std::chrono::seconds kPingWhenIdleFor{1};

PGconn* connection_of(soci::session& session) {
  auto* backend = static_cast<soci::postgresql_session_backend*>(session.get_backend());
  return backend ? backend->conn_ : nullptr;
}

bool connection_ok(soci::session& session) {
  PGconn* connection = connection_of(session);
  return connection && PQstatus(connection) == CONNECTION_OK;
}

}  // namespace

ConnectionPool::Lease ConnectionPool::acquire() {
  std::size_t index;
  std::chrono::steady_clock::time_point returned_at;
  {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [&] { return !free_.empty(); });
    index = free_.back();
    free_.pop_back();
    returned_at = slots_[index]->returned_at;
  }
  Lease lease(*this, index);
  Slot& slot = *slots_[index];
  const bool idle = std::chrono::steady_clock::now() - returned_at > kPingWhenIdleFor;
  if (!connection_ok(*slot.session) || (idle && !slot.session->is_connected())) open(slot);
  return lease;
}

void ConnectionPool::open(Slot& slot) {
  soci::session& session = *slot.session;
  forget_prepared(session);
  try {
    session.close();
    session.open(*soci::factory_postgresql(), options_.url);
    // A running query cannot be cancelled from the I/O side, so every query is bounded here.
    // set_config, not SET: SET takes no bound parameters.
    const std::string timeout_ms = std::to_string(options_.statement_timeout.count());
    session << "SELECT set_config('statement_timeout', :ms, false)", soci::use(timeout_ms);
    session << "SET TIME ZONE 'UTC'";
    if (notice_handler_) {
      slot.wanted_sqlstate = notice_sqlstate_;
      // Only the wanted notices are kept; others are dropped, as client_min_messages =
      // warning would have dropped them.
      PQsetNoticeReceiver(
          connection_of(session),
          [](void* arg, const PGresult* result) {
            auto& target = *static_cast<Slot*>(arg);
            const char* sqlstate = PQresultErrorField(result, PG_DIAG_SQLSTATE);
            const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL);
            if (sqlstate && detail && target.wanted_sqlstate == sqlstate) target.notices.emplace_back(detail);
          },
          &slot);
      session << "SET client_min_messages = notice";
    } else {
      session << "SET client_min_messages = warning";
    }
  } catch (const soci::soci_error& e) {
    session.close();
    throw domain::Error(domain::Problem::unavailable, domain::detail("database_unreachable"));
  }
}

void ConnectionPool::check_after_error(soci::session& session) {
  // libpq reports CONNECTION_BAD once the server has gone; reopen on next use.
  if (!session.is_connected()) session.close();
}

void ConnectionPool::capture_notices(std::string sqlstate, std::function<void(std::string_view detail)> handler) {
  notice_sqlstate_ = std::move(sqlstate);
  notice_handler_ = std::move(handler);
}

void ConnectionPool::release(std::size_t index) {
  Slot& slot = *slots_[index];
  if (!slot.notices.empty()) {
    std::vector<std::string> notices;
    notices.swap(slot.notices);
    for (const auto& detail : notices) {
      try {
        notice_handler_(detail);
      } catch (...) {
        // A failing handler must not keep the connection from going back to the pool.
      }
    }
  }
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    slot.returned_at = now;
    free_.push_back(index);
  }
  available_.notify_one();
}

std::size_t ConnectionPool::in_use() const {
  std::lock_guard lock(mutex_);
  return slots_.size() - free_.size();
}

}  // namespace eventd::db
