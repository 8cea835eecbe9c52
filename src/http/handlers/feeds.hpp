#pragma once
// Public calendar feeds (text/calendar; charset=utf-8): one event, all public events, an
// organisation's events, a speaker's sessions.
#include <boost/asio/awaitable.hpp>

#include "http/message.hpp"

namespace eventd::http {
struct RequestContext;
}

namespace eventd::services {
struct Feed;
struct FeedLocation;
}  // namespace eventd::services

namespace eventd::http::handlers {

// Where a feed is served: the public base URL and the request's path (and, with
// `with_query`, its query: the filtered feed).
services::FeedLocation location_of(const RequestContext& context, bool with_query);
// A feed as an answer: ETag from its bytes, Last-Modified, 304, and the cache rules of its
// kind (public, a draft, one person's).
Response feed_response(const RequestContext& context, const services::Feed& feed);

boost::asio::awaitable<Response> event_calendar(RequestContext& context);
boost::asio::awaitable<Response> public_calendar(RequestContext& context);
boost::asio::awaitable<Response> organisation_calendar(RequestContext& context);
boost::asio::awaitable<Response> speaker_calendar(RequestContext& context);
boost::asio::awaitable<Response> personal_calendar(RequestContext& context);
// GET /v1/feeds/{token}/invite.ics: a registration's invitation by its feed token.
boost::asio::awaitable<Response> personal_invitation(RequestContext& context);

}  // namespace eventd::http::handlers
