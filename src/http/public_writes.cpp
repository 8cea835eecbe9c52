#include "http/public_writes.hpp"

#include "domain/error.hpp"
#include "http/backend.hpp"
#include "http/context.hpp"
#include "services/shared_rate_limiter.hpp"

namespace eventd::http {

namespace {

// The key opens the stored answer, which holds the holder's token (services/idempotency.hpp),
// so it must not be guessable: at least 16 characters (a UUID has 36), at most 255.
constexpr std::size_t kMinIdempotencyKeyLength = 16;
constexpr std::size_t kMaxIdempotencyKeyLength = 255;

}  // namespace

boost::asio::awaitable<void> check_public_write_rate(const RequestContext& context) {
  std::string client = context.backend.trusted_proxies.client_address(context.request);
  auto wait = co_await context.backend.public_writes.take(std::move(client));
  if (!wait) co_return;
  throw domain::Error(domain::Problem::rate_limited,
                      domain::detail("rate_limited_wait", {{"seconds", std::to_string(wait->count())}}))
      .with_retry_after(wait->count());
}

std::optional<std::string> idempotency_key_of(const Request& request) {
  auto key = request.headers.get("Idempotency-Key");
  if (!key) return std::nullopt;
  bool good = key->size() >= kMinIdempotencyKeyLength && key->size() <= kMaxIdempotencyKeyLength;
  for (char c : *key) good = good && c > 0x20 && c < 0x7f;
  if (!good) {
    throw domain::Error(domain::Problem::bad_request, domain::detail("bad_idempotency_key"));
  }
  return std::string(*key);
}

void mark_personal(Response& response) {
  response.headers.set("Cache-Control", "no-store");
  response.headers.set("Vary", "Authorization");
}

Response created_response(const services::StoredResponse& answer, bool replayed) {
  Response response;
  response.status = answer.status;
  response.body = answer.body;
  response.headers.set("Content-Type", "application/json");
  response.headers.set("Location", answer.location);
  if (!answer.etag.empty()) response.headers.set("ETag", answer.etag);
  if (replayed) response.headers.set("Idempotent-Replayed", "true");
  mark_personal(response);
  return response;
}

FeedLinks personal_feed_links(const std::string& public_url, const std::string& feed_token) {
  FeedLinks links;
  links.https = public_url + "/v1/feeds/" + feed_token + "/calendar.ics";
  const auto scheme = links.https.find("://");
  links.webcal = "webcal" + links.https.substr(scheme);
  return links;
}

}  // namespace eventd::http
