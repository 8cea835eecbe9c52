#include "mail/smtp.hpp"

#include <curl/curl.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace eventd::mail {

namespace {

struct Reader {
  const std::string* data;
  std::size_t offset = 0;
};

std::size_t read_data(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* reader = static_cast<Reader*>(user);
  const std::size_t room = size * count;
  const std::size_t left = reader->data->size() - reader->offset;
  const std::size_t n = std::min(room, left);
  std::memcpy(buffer, reader->data->data() + reader->offset, n);
  reader->offset += n;
  return n;
}

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct ListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace

void initialise_smtp() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

SmtpSettings parse_smtp_url(const std::string& text) {
  SmtpSettings out;
  std::string url = text;
  const auto query = url.find('?');
  if (query != std::string::npos) {
    const std::string options = url.substr(query + 1);
    url.resize(query);
    if (options == "starttls=required") {
      out.require_starttls = true;
    } else if (!options.empty()) {
      throw std::invalid_argument("the only option is ?starttls=required, not '" + options + "'");
    }
  }
  const bool smtp = url.rfind("smtp://", 0) == 0;
  const bool smtps = url.rfind("smtps://", 0) == 0;
  if (!smtp && !smtps) throw std::invalid_argument("must start with smtp:// or smtps://");
  if (smtps && out.require_starttls) throw std::invalid_argument("smtps:// is TLS already; drop ?starttls=required");
  const auto host_start = url.find("://") + 3;
  const auto at = url.rfind('@');
  const auto host = url.substr(at == std::string::npos || at < host_start ? host_start : at + 1);
  if (host.empty() || host.find('/') != std::string::npos) {
    throw std::invalid_argument("needs a host (and optionally a port) and nothing after it");
  }
  out.url = url;
  return out;
}

SmtpResult send_mail(const SmtpSettings& settings, const std::string& from_address, const std::string& to_address,
                     const std::string& data) {
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return {false, "curl_easy_init failed"};
  CURL* c = curl.get();
  const std::string from = "<" + from_address + ">";
  const std::string to = "<" + to_address + ">";
  std::unique_ptr<curl_slist, ListDeleter> recipients(curl_slist_append(nullptr, to.c_str()));
  Reader reader{&data};
  char error[CURL_ERROR_SIZE] = {0};

  curl_easy_setopt(c, CURLOPT_URL, settings.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  if (settings.require_starttls) curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  // Verification is curl's default; said here so that no later edit loses it unnoticed.
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (settings.ca_file) curl_easy_setopt(c, CURLOPT_CAINFO, settings.ca_file->c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(c, CURLOPT_READFUNCTION, read_data);
  curl_easy_setopt(c, CURLOPT_READDATA, &reader);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(data.size()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(settings.timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min<long long>(settings.timeout.count(), 10000)));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for timeouts
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);

  const CURLcode code = curl_easy_perform(c);
  if (code == CURLE_OK) return {true, ""};
  long response = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response);
  std::string reason = error[0] ? error : curl_easy_strerror(code);
  if (response > 0) reason += " (server answered " + std::to_string(response) + ")";
  return {false, reason};
}

}  // namespace eventd::mail
