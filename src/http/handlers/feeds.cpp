#include "http/handlers/feeds.hpp"

#include "http/auth.hpp"
#include "http/backend.hpp"
#include "http/conditional.hpp"
#include "http/context.hpp"
#include "http/handlers/event_query.hpp"
#include "services/feed_service.hpp"
#include "services/personal_feed_service.hpp"

namespace eventd::http::handlers {

services::FeedLocation location_of(const RequestContext& context, bool with_query) {
  services::FeedLocation location;
  location.public_url = context.backend.public_url;
  location.feed_url = context.backend.public_url + context.request.path;
  if (with_query && !context.request.query.empty()) location.feed_url += "?" + context.request.query;
  location.sender_email = context.backend.mail_from_address;
  location.frontend_url = context.backend.frontend_url;
  location.past_days = context.backend.feed_past_days;
  location.max_events = context.backend.feed_max_events;
  return location;
}

Response feed_response(const RequestContext& context, const services::Feed& feed) {
  const services::RenderedFeed& content = *feed.content;
  Response response;
  if (is_not_modified(context.request, content.etag, content.last_modified)) {
    response = not_modified(content.etag, content.last_modified);
  } else {
    response.status = 200;
    response.shared_body = std::shared_ptr<const std::string>(feed.content, &content.body);  // no copy
    set_validators(response, content.etag, content.last_modified);
    response.headers.set("Content-Type", feed.itip_method.empty()
                                             ? "text/calendar; charset=utf-8"
                                             : "text/calendar; charset=utf-8; method=" + feed.itip_method);
    response.headers.set("Content-Disposition", "inline; filename=\"" + content.slug + ".ics\"");
  }
  if (feed.is_personal) {
    // Its URL is its credential, and it may carry a stream link.
    response.headers.set("Cache-Control", "no-store");
    response.headers.set("Referrer-Policy", "no-referrer");
  } else if (feed.is_public) {
    response.headers.set("Cache-Control", "public, max-age=300");
  } else {
    // A draft, seen with its organiser's key: no shared cache may keep it.
    response.headers.set("Cache-Control", "private, no-cache");
    response.headers.set("Vary", "Authorization");
  }
  return response;
}

boost::asio::awaitable<Response> event_calendar(RequestContext& context) {
  // The only feed that looks at the caller: an organiser may fetch its own draft's feed.
  auto caller = co_await authenticate(context);
  // A kept feed first: calendar apps poll, mostly to be told 304, and the location (four
  // strings) serves only a rendering.
  if (auto hit = services::cached_event_feed(context.backend.feeds, context.param("id"))) {
    co_return feed_response(context, *hit);
  }
  auto location = location_of(context, false);
  auto feed = co_await services::event_feed(context.backend.db, context.backend.feeds, caller, context.param("id"),
                                            std::move(location));
  co_return feed_response(context, feed);
}

boost::asio::awaitable<Response> public_calendar(RequestContext& context) {
  // Public, and the same for every caller; but a bad key is still a 401 (openapi: on any /v1 request).
  co_await authenticate(context);
  auto query = read_event_list_filters(context.query, context.backend.default_timezone);
  auto location = location_of(context, true);
  auto feed = co_await services::public_feed(context.backend.db, context.backend.feeds, std::move(query),
                                             context.request.query, std::move(location));
  co_return feed_response(context, feed);
}

boost::asio::awaitable<Response> organisation_calendar(RequestContext& context) {
  // Public, and the same for every caller; but a bad key is still a 401 (openapi: on any /v1 request).
  co_await authenticate(context);
  auto location = location_of(context, false);
  auto feed = co_await services::organisation_feed(context.backend.db, context.backend.feeds, context.param("id"),
                                                   std::move(location));
  co_return feed_response(context, feed);
}

boost::asio::awaitable<Response> speaker_calendar(RequestContext& context) {
  // Public, and the same for every caller; but a bad key is still a 401 (openapi: on any /v1 request).
  co_await authenticate(context);
  auto location = location_of(context, false);
  auto feed = co_await services::speaker_feed(context.backend.db, context.backend.feeds, context.param("id"),
                                              std::move(location));
  co_return feed_response(context, feed);
}

boost::asio::awaitable<Response> personal_calendar(RequestContext& context) {
  // The token in the path is the credential; a bad key beside it is still a 401 (openapi: on
  // any /v1 request).
  co_await authenticate(context);
  if (context.caller_note.credential == "none") context.caller_note.credential = "feed_token";
  auto location = location_of(context, false);
  auto feed = co_await services::personal_feed(context.backend.db, context.param("token"), std::move(location));
  co_return feed_response(context, feed);
}

boost::asio::awaitable<Response> personal_invitation(RequestContext& context) {
  co_await authenticate(context);
  if (context.caller_note.credential == "none") context.caller_note.credential = "feed_token";
  auto location = location_of(context, false);
  auto feed = co_await services::feed_invitation(context.backend.db, context.param("token"), std::move(location));
  co_return feed_response(context, feed);
}

}  // namespace eventd::http::handlers
