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

// A certificate and its key (PEM files).
struct TlsFiles {
  std::string cert;
  std::string key;
};

// Certificates made at test time by the openssl command, in a temp directory of their own:
// a CA for eventd to trust (EVENTD_SMTP_CA_FILE), a server certificate it signed for
// 127.0.0.1, and two that must not be accepted: one for 127.0.0.1 from a CA nobody trusts,
// one from the trusted CA for another name.
class TestCertificates {
 public:
  TestCertificates();
  ~TestCertificates();
  TestCertificates(const TestCertificates&) = delete;
  TestCertificates& operator=(const TestCertificates&) = delete;

  std::string ca_file() const { return (directory_ / "ca.pem").string(); }
  TlsFiles server() const { return files("server"); }
  TlsFiles untrusted() const { return files("untrusted"); }
  TlsFiles other_name() const { return files("other-name"); }

 private:
  TlsFiles files(const std::string& name) const {
    return {(directory_ / (name + ".pem")).string(), (directory_ / (name + ".key")).string()};
  }
  std::filesystem::path directory_;
};

struct SmtpSinkOptions {
  enum class Tls { none, starttls, smtps };
  Tls tls = Tls::none;
  TlsFiles files;     // with tls
  std::string login;  // "user:password": AUTH required (over TLS)
};

class SmtpSink {
 public:
  // Starts listening on a free port.
  explicit SmtpSink(SmtpSinkOptions options = {});
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  unsigned short port() const { return port_; }
  // What EVENTD_SMTP_URL says for this server: smtp:// or smtps://, the login, ?starttls=required.
  std::string url() const;

  void stop();   // the server goes away (connections are refused)
  void start();  // again, on the same port

  // The stored messages (paths), in no particular order.
  std::vector<std::filesystem::path> messages() const;
  // Waits until at least `count` messages are stored; the number stored then.
  std::size_t wait_for(std::size_t count, std::chrono::milliseconds timeout) const;

 private:
  void launch(unsigned short port);
  SmtpSinkOptions options_;
  std::filesystem::path directory_;
  std::unique_ptr<Process> process_;
  unsigned short port_ = 0;
};

// check_mail.py's reading of one stored message (see there); "parse_status" is its exit code.
nlohmann::json read_mail(const std::filesystem::path& path);

}  // namespace eventd::test
