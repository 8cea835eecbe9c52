#pragma once
// LISTEN on one PostgreSQL channel from a connection and a thread of its own (not the pool:
// a listening connection must stay open and idle, and must not wait behind requests).
// Reconnects when the connection is lost; tells its owner when it is up and when it is down,
// because notifications sent while it was down are lost for good. A connection that stops
// answering (see ListenerTiming) counts as lost.
#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

namespace eventd::db {

struct ListenerCallbacks {
  // LISTEN is in effect: every commit from now on will be heard. Called again after each
  // reconnection.
  std::function<void()> connected;
  // The connection is gone (or could not be made); `reason` for the log.
  std::function<void(const std::string& reason)> lost;
  // One notification on the channel, with its payload.
  std::function<void(std::string_view payload)> notified;
};

struct ListenerTiming {
  std::chrono::milliseconds max_backoff{2000};  // between attempts to reconnect (from 50 ms, doubling)
  // A trivial query this often, and the connection given up when its answer takes longer
  // than heartbeat_timeout: a connection that died silently is noticed within their sum.
  std::chrono::milliseconds heartbeat{150};
  std::chrono::milliseconds heartbeat_timeout{450};
};

class NotificationListener {
 public:
  // `url`: libpq URI or keyword string; `channel`: a plain identifier.
  NotificationListener(std::string url, std::string channel, ListenerCallbacks callbacks, ListenerTiming timing = {});
  ~NotificationListener();
  NotificationListener(const NotificationListener&) = delete;
  NotificationListener& operator=(const NotificationListener&) = delete;

  // Starts the thread; the first connection attempt happens on it.
  void start();
  // Stops and joins the thread; the callbacks are not called afterwards.
  void stop();

 private:
  void run();

  std::string conninfo_;
  std::string channel_;
  ListenerCallbacks callbacks_;
  std::chrono::milliseconds max_backoff_;
  std::chrono::milliseconds heartbeat_;
  std::chrono::milliseconds heartbeat_timeout_;
  int wake_fd_ = -1;  // an eventfd: written by stop() to end the thread's poll()
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace eventd::db
