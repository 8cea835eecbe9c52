#include "webhook/delivery.hpp"

#include <curl/curl.h>

#include <memory>
#include <mutex>

namespace eventd::webhook {

namespace {

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct ListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// What one transfer needs in its callbacks.
struct Transfer {
  const ClientSettings* settings = nullptr;
  bool https = false;
  std::string refusal;
  std::string snippet;
  std::size_t received = 0;
  bool cut_short = false;  // the answer was longer than max_response_bytes
};

std::size_t keep_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  if (t->snippet.size() < t->settings->snippet_bytes) {
    t->snippet.append(data, std::min(n, t->settings->snippet_bytes - t->snippet.size()));
  }
  t->received += n;
  if (t->received > t->settings->max_response_bytes) {
    t->cut_short = true;
    return 0;  // stops the transfer: the status is known, the rest is not needed
  }
  return n;
}

// Called once connected, before the request goes: the address actually connected to decides.
int judge_connection(void* user, char* connected_ip, char*, int, int) {
  auto* t = static_cast<Transfer*>(user);
  t->refusal = t->settings->policy.refusal(connected_ip, t->https);
  return t->refusal.empty() ? CURL_PREREQFUNC_OK : CURL_PREREQFUNC_ABORT;
}

}  // namespace

void initialise_client() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Outcome post(const ClientSettings& settings, const Request& request) {
  Outcome out;
  std::string why;
  auto target = parse_target(request.url, why);
  if (!target) {
    out.refused = true;
    out.error = "the URL " + why;
    return out;
  }
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) {
    out.error = "curl_easy_init failed";
    return out;
  }
  Transfer transfer;
  transfer.settings = &settings;
  transfer.https = target->https;
  std::unique_ptr<curl_slist, ListDeleter> headers;
  for (const auto& [name, value] : request.headers) {
    headers.reset(curl_slist_append(headers.release(), (name + ": " + value).c_str()));
  }
  headers.reset(curl_slist_append(headers.release(), "Content-Type: application/json"));
  headers.reset(curl_slist_append(headers.release(), "Expect:"));  // no 100-continue round trip
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_PROXY, "");  // never an http_proxy from the environment
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(settings.timeout.count()));
  curl_easy_setopt(c, CURLOPT_USERAGENT, "eventd-webhooks/1");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(c, CURLOPT_PREREQFUNCTION, judge_connection);
  curl_easy_setopt(c, CURLOPT_PREREQDATA, &transfer);
  if (settings.ca_file) curl_easy_setopt(c, CURLOPT_CAINFO, settings.ca_file->c_str());
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);

  const auto started = std::chrono::steady_clock::now();
  const CURLcode code = curl_easy_perform(c);
  out.latency = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  if (!transfer.refusal.empty()) {
    out.refused = true;
    out.error = "refused: " + transfer.refusal;
    return out;
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (code != CURLE_OK && !(code == CURLE_WRITE_ERROR && transfer.cut_short && status != 0)) {
    out.error = error[0] != '\0' ? error : curl_easy_strerror(code);
    return out;
  }
  out.status = static_cast<int>(status);
  out.response_snippet = std::move(transfer.snippet);
  curl_off_t retry_after = 0;
  if (curl_easy_getinfo(c, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK && retry_after > 0) {
    out.retry_after = std::chrono::seconds(retry_after);
  }
  return out;
}

}  // namespace eventd::webhook
