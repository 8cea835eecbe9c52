#pragma once
// A real SMTP server on loopback for the mail tests: tests/tools/smtp_sink.py (Debian
// python3-aiosmtpd) in a process of its own, storing each message it accepts in a fresh
// directory; and Python's email parser over a stored message (tests/tools/check_mail.py).
#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace eventd::test {

class SmtpSink {
 public:
  // Starts listening on a free port.
  SmtpSink();
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  unsigned short port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  void stop();   // the server goes away (connections are refused)
  void start();  // again, on the same port

  // The stored messages (paths), in no particular order.
  std::vector<std::filesystem::path> messages() const;
  // Waits until at least `count` messages are stored; the number stored then.
  std::size_t wait_for(std::size_t count, std::chrono::milliseconds timeout) const;

 private:
  void launch(unsigned short port);
  std::filesystem::path directory_;
  std::unique_ptr<Process> process_;
  unsigned short port_ = 0;
};

// check_mail.py's reading of one stored message (see there); "parse_status" is its exit code.
nlohmann::json read_mail(const std::filesystem::path& path);

}  // namespace eventd::test
