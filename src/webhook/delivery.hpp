#pragma once
// One webhook POST with libcurl (Debian libcurl4-openssl-dev), as the Standard Webhooks
// specification asks of a sender: the body as signed, a few seconds at most, no redirects
// followed (a 3xx is a failure), no proxy from the environment, https verified against the
// system's CAs, and the response read only up to a small limit. The address curl connected
// to is judged by the AddressPolicy before the request is sent: a refused one ends the
// attempt there, with the reason.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "webhook/address_policy.hpp"

namespace eventd::webhook {

struct Request {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct Outcome {
  int status = 0;  // the HTTP status; 0 when no answer came (network error, timeout, refusal)
  std::string error;                          // why there was no answer, or empty
  bool refused = false;                       // the address policy stopped it (nothing was sent)
  std::string response_snippet;               // the first bytes of the answer's body
  std::optional<std::chrono::seconds> retry_after;  // the answer's Retry-After, in seconds
  std::chrono::milliseconds latency{0};
  bool delivered() const { return status >= 200 && status < 300; }
};

struct ClientSettings {
  AddressPolicy policy;
  std::chrono::milliseconds timeout{10000};  // the whole exchange
  std::size_t snippet_bytes = 512;           // kept for the delivery log
  std::size_t max_response_bytes = 65536;    // read at most; the rest is not waited for
  std::optional<std::string> ca_file;        // PEM CAs to trust instead of the system's (tests)
};

Outcome post(const ClientSettings& settings, const Request& request);

// curl_global_init, once, before any thread posts (shared with the SMTP sender's).
void initialise_client();

}  // namespace eventd::webhook
