#pragma once
// Delivery over SMTP with libcurl (Debian libcurl4-openssl-dev): the protocol, STARTTLS,
// TLS and authentication are curl's. EVENTD_SMTP_URL:
//   smtp://host:25                       plain
//   smtp://user:password@host:587?starttls=required   STARTTLS, or fail
//   smtps://user:password@host:465       TLS from the first byte
// (user and password percent-encoded, as in any URL). With TLS the server's certificate is
// verified, chain and name, against the system's CAs or EVENTD_SMTP_CA_FILE (PEM) when set:
// a certificate that does not verify fails the attempt, the message stays pending.
#include <chrono>
#include <optional>
#include <string>

namespace eventd::mail {

struct SmtpSettings {
  std::string url;  // smtp[s]://[user[:password]@]host[:port] (no query)
  bool require_starttls = false;
  std::optional<std::string> ca_file;        // PEM CA certificates to trust instead of the system's
  std::chrono::milliseconds timeout{30000};  // the whole exchange
};

// Throws std::invalid_argument naming what is wrong.
SmtpSettings parse_smtp_url(const std::string& text);

struct SmtpResult {
  bool ok = false;
  std::string error;  // curl's reason and the server's last answer, when !ok
};

// One message to one recipient. `data` is the whole RFC 5322 text, CRLF line ends.
SmtpResult send_mail(const SmtpSettings& settings, const std::string& from_address, const std::string& to_address,
                     const std::string& data);

// curl_global_init, once, before any thread sends.
void initialise_smtp();

}  // namespace eventd::mail
