#include "http/public_writes.hpp"

#include "domain/error.hpp"
#include "http/backend.hpp"
#include "http/context.hpp"
#include "services/rate_limiter.hpp"

namespace eventd::http {

namespace {

constexpr std::size_t kMaxIdempotencyKeyLength = 200;

}  // namespace

void check_public_write_rate(const RequestContext& context) {
  const std::string client = context.backend.trusted_proxies.client_address(context.request);
  auto wait = context.backend.public_writes.take(client);
  if (!wait) return;
  throw domain::Error(domain::ErrorCode::too_many_requests,
                      "Too many requests from your address; try again in " + std::to_string(wait->count()) + " s.")
      .with_retry_after(wait->count());
}

std::optional<std::string> idempotency_key_of(const Request& request) {
  auto key = request.headers.get("Idempotency-Key");
  if (!key) return std::nullopt;
  bool printable = !key->empty() && key->size() <= kMaxIdempotencyKeyLength;
  for (char c : *key) printable = printable && c > 0x20 && c < 0x7f;
  if (!printable) {
    throw domain::Error(domain::ErrorCode::bad_request,
                        "Idempotency-Key must be 1-200 visible ASCII characters, e.g. a UUID.");
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
