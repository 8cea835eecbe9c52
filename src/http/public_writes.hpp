#pragma once
// What the public POSTs (registrations, media requests) and the personal answers that follow
// them share: the per-address rate limit, the Idempotency-Key header, no caching of personal
// data, and the personal feed links.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "http/message.hpp"
#include "services/idempotency.hpp"

namespace eventd::http {

struct RequestContext;

// Public writes are limited per client address, across every instance (429 with
// Retry-After; services/shared_rate_limiter.hpp). Asks the database unless this instance
// already refuses the client, or the limit is off.
boost::asio::awaitable<void> check_public_write_rate(const RequestContext& context);

// The Idempotency-Key header, if any; 400 unless 16-255 visible ASCII characters (a UUID passes):
// the key guards the stored answer, which holds the holder's token.
std::optional<std::string> idempotency_key_of(const Request& request);

// Personal data: no cache anywhere may keep it, and the answer depends on the credentials.
void mark_personal(Response& response);

// The answer to a public POST as the service rendered (or replayed) it: JSON with Location,
// ETag (when stored with it),
// Idempotent-Replayed when it is the stored first answer, personal.
Response created_response(const services::StoredResponse& answer, bool replayed);

// /v1/feeds/{token}/calendar.ics under the service's base URL, and the same as webcal://.
struct FeedLinks {
  std::string https;
  std::string webcal;
};
FeedLinks personal_feed_links(const std::string& public_url, const std::string& feed_token);

}  // namespace eventd::http
