#include "common/log.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

namespace eventd::log {

namespace {
std::atomic<Format> current_format{Format::text};

// Info lines are written in batches: at most 50 ms after they were logged, or as soon as
// 32 KiB wait. A write(2) per request line cost a tenth of a cached feed's CPU time.
// Warnings and errors go out at once, after whatever waited before them; and whatever waits
// is written when the process exits normally.
class Output {
 public:
  static Output& instance() {
    // Never destroyed: something may still log while static objects are torn down.
    static Output* output = [] {
      auto* o = new Output;
      std::atexit([] { instance().flush(); });
      return o;
    }();
    return *output;
  }

  void add(const std::string& line, bool at_once) {
    std::unique_lock lock(mutex_);
    pending_ += line;
    if (at_once || pending_.size() >= 32 * 1024) {
      write_locked();
    } else if (!flusher_started_) {
      flusher_started_ = true;
      std::thread([this] { run(); }).detach();  // lives as long as the process
    }
  }

  void flush() {
    std::lock_guard lock(mutex_);
    write_locked();
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait_for(lock, std::chrono::milliseconds(50));
      write_locked();
    }
  }

  void write_locked() {
    std::size_t done = 0;
    while (done < pending_.size()) {
      const ssize_t n = ::write(STDERR_FILENO, pending_.data() + done, pending_.size() - done);
      if (n <= 0) break;  // nowhere to write: the lines are dropped, never the service
      done += static_cast<std::size_t>(n);
    }
    pending_.clear();
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::string pending_;
  bool flusher_started_ = false;
};

// 2020-11-26T08:00:00.000Z, without printf (this runs once per request).
void append_timestamp(std::string& out) {
  auto now = std::chrono::system_clock::now();
  auto seconds = std::chrono::system_clock::to_time_t(now);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  auto digits = [&out](long value, int width) {
    char text[8];
    for (int i = width - 1; i >= 0; --i, value /= 10) text[i] = static_cast<char>('0' + value % 10);
    out.append(text, static_cast<std::size_t>(width));
  };
  digits(utc.tm_year + 1900, 4);
  out += '-';
  digits(utc.tm_mon + 1, 2);
  out += '-';
  digits(utc.tm_mday, 2);
  out += 'T';
  digits(utc.tm_hour, 2);
  out += ':';
  digits(utc.tm_min, 2);
  out += ':';
  digits(utc.tm_sec, 2);
  out += '.';
  digits(static_cast<long>(millis), 3);
  out += 'Z';
}

std::string timestamp() {
  std::string out;
  append_timestamp(out);
  return out;
}

bool needs_quotes(std::string_view value) {
  if (value.empty()) return true;
  for (char c : value) {
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) return true;
  }
  return false;
}
}  // namespace

void set_format(Format format) { current_format = format; }

void write(std::string_view level, std::string_view message, std::span<const Field> fields) {
  thread_local std::string line;  // a line a request: its memory is kept between lines
  line.clear();
  if (current_format == Format::json) {
    nlohmann::json object = {{"time", timestamp()}, {"level", level}, {"msg", message}};
    for (const auto& [key, value] : fields) object[std::string(key)] = value;
    line = object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    append_timestamp(line);
    line.append(" ").append(level).append(" ").append(message);
    for (const auto& [key, value] : fields) {
      line.append(" ").append(key).append("=");
      if (needs_quotes(value)) {
        line += nlohmann::json(value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      } else {
        line.append(value);
      }
    }
  }
  line += '\n';
  Output::instance().add(line, level != "info");
}

}  // namespace eventd::log
