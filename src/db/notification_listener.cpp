#include "db/notification_listener.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
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
                                           std::chrono::milliseconds max_backoff)
    : conninfo_(listener_conninfo(url)),
      channel_(std::move(channel)),
      callbacks_(std::move(callbacks)),
      max_backoff_(max_backoff) {
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
    Connection connection(PQconnectdb(conninfo_.c_str()));
    std::string failure;
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

    const int socket = PQsocket(connection.get());
    while (!stopping_) {
      if (!wait(socket, std::chrono::milliseconds(1000))) return;
      if (PQconsumeInput(connection.get()) == 0 || PQstatus(connection.get()) != CONNECTION_OK) {
        failure = PQerrorMessage(connection.get());
        break;
      }
      while (PGnotify* notification = PQnotifies(connection.get())) {
        callbacks_.notified(notification->extra ? notification->extra : "");
        PQfreemem(notification);
      }
    }
    if (stopping_) return;
    callbacks_.lost(failure.empty() ? "connection lost" : failure);
  }
}

}  // namespace eventd::db
