#include "db/notification_listener.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <stdexcept>

#include "db/pool.hpp"

namespace eventd::db {

namespace {

struct ConnectionCloser {
  void operator()(PGconn* connection) const { PQfinish(connection); }
};
using Connection = std::unique_ptr<PGconn, ConnectionCloser>;

// TCP keepalives notice a peer that vanished without closing (a cut network), which an
// idle listening connection would otherwise never find out.
std::string listener_conninfo(const std::string& url) {
  return keyword_conninfo(url) +
         " application_name='eventd-listener' keepalives='1' keepalives_idle='10' keepalives_interval='3'"
         " keepalives_count='3' connect_timeout='5'";
}

}  // namespace

NotificationListener::NotificationListener(std::string url, std::string channel, ListenerCallbacks callbacks,
                                           ListenerTiming timing)
    : conninfo_(listener_conninfo(url)),
      channel_(std::move(channel)),
      callbacks_(std::move(callbacks)),
      max_backoff_(timing.max_backoff),
      heartbeat_(timing.heartbeat),
      heartbeat_timeout_(timing.heartbeat_timeout) {
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) throw std::runtime_error("eventfd failed");
}

NotificationListener::~NotificationListener() {
  stop();
  close(wake_fd_);
}

void NotificationListener::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void NotificationListener::stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  const std::uint64_t one = 1;
  [[maybe_unused]] auto written = write(wake_fd_, &one, sizeof one);
  thread_.join();
  std::uint64_t drained = 0;
  [[maybe_unused]] auto read_back = read(wake_fd_, &drained, sizeof drained);
}

void NotificationListener::run() {
  std::chrono::milliseconds backoff{50};
  // Waits for the socket (or only for stop()); false when stop() was called.
  auto wait = [this](int socket, std::chrono::milliseconds timeout) {
    pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {socket, POLLIN, 0}};
    poll(fds, socket < 0 ? 1 : 2, static_cast<int>(timeout.count()));
    return !stopping_.load();
  };
  while (!stopping_) {
    // What the server says on its way out ("terminating connection due to administrator
    // command") arrives as a notice; libpq would print it raw on stderr, in the middle of
    // the JSON log lines. Kept as the reason of the loss instead (declared before the
    // connection, which refers to it until it is closed).
    std::string last_notice;
    Connection connection(PQconnectdb(conninfo_.c_str()));
    std::string failure;
    PQsetNoticeReceiver(
        connection.get(),
        [](void* target, const PGresult* result) {
          const char* message = PQresultErrorMessage(result);
          if (message) *static_cast<std::string*>(target) = message;
        },
        &last_notice);
    if (PQstatus(connection.get()) != CONNECTION_OK) {
      failure = PQerrorMessage(connection.get());
    } else {
      // The channel is a fixed identifier of ours, never user input.
      PGresult* result = PQexec(connection.get(), ("LISTEN " + channel_).c_str());
      if (PQresultStatus(result) != PGRES_COMMAND_OK) failure = PQerrorMessage(connection.get());
      PQclear(result);
    }
    if (!failure.empty()) {
      callbacks_.lost(failure);
      if (!wait(-1, backoff)) return;
      backoff = std::min(backoff * 2, max_backoff_);
      continue;
    }
    backoff = std::chrono::milliseconds(50);
    callbacks_.connected();

    // A connection can die without a word: a hung server, a backend stopped, a network cut
    // (TCP keepalives take many seconds, and a live kernel under a stopped backend answers
    // them anyway). Notifications sent meanwhile would be lost while the owner trusts its
    // cache. So the listener asks a trivial query every heartbeat_ and gives the connection
    // up when an answer is later than heartbeat_timeout_: a silent loss is noticed within
    // their sum, and the owner stops trusting what it kept.
    const int socket = PQsocket(connection.get());
    using Clock = std::chrono::steady_clock;
    auto last_answer = Clock::now();
    std::optional<Clock::time_point> asked;  // a heartbeat query waits for its answer since then
    while (!stopping_) {
      const auto now = Clock::now();
      if (asked && now - *asked > heartbeat_timeout_) {
        failure = "no answer to the heartbeat within " + std::to_string(heartbeat_timeout_.count()) + " ms";
        break;
      }
      if (!asked && now - last_answer >= heartbeat_) {
        if (PQsendQuery(connection.get(), "SELECT 1") == 0) {
          failure = PQerrorMessage(connection.get());
          break;
        }
        asked = now;
      }
      auto until_next = asked ? *asked + heartbeat_timeout_ - now : last_answer + heartbeat_ - now;
      auto timeout =
          std::max(std::chrono::duration_cast<std::chrono::milliseconds>(until_next), std::chrono::milliseconds(1));
      if (!wait(socket, timeout)) return;
      if (PQconsumeInput(connection.get()) == 0 || PQstatus(connection.get()) != CONNECTION_OK) {
        failure = PQerrorMessage(connection.get());
        break;
      }
      while (asked && !PQisBusy(connection.get())) {
        PGresult* result = PQgetResult(connection.get());
        if (!result) {  // the heartbeat's answer is complete
          asked.reset();
          last_answer = Clock::now();
          break;
        }
        PQclear(result);
      }
      while (PGnotify* notification = PQnotifies(connection.get())) {
        callbacks_.notified(notification->extra ? notification->extra : "");
        PQfreemem(notification);
      }
    }
    if (stopping_) return;
    if (!last_notice.empty()) failure = last_notice + failure;
    callbacks_.lost(failure.empty() ? "connection lost" : failure);
  }
}

}  // namespace eventd::db
