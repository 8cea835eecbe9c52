#pragma once
// /v1/events/{id}/media-requests, /v1/media-requests, /v1/media-requests/{id}[/history]
#include <boost/asio/awaitable.hpp>

#include "http/message.hpp"

namespace eventd::http {
struct RequestContext;
}

namespace eventd::http::handlers {

boost::asio::awaitable<Response> create_media_request(RequestContext& context);
boost::asio::awaitable<Response> list_event_media_requests(RequestContext& context);
boost::asio::awaitable<Response> list_media_requests(RequestContext& context);
boost::asio::awaitable<Response> get_media_request(RequestContext& context);
boost::asio::awaitable<Response> rotate_media_feed_link(RequestContext& context);
boost::asio::awaitable<Response> decide_media_request(RequestContext& context);
boost::asio::awaitable<Response> withdraw_media_request(RequestContext& context);
boost::asio::awaitable<Response> media_request_history(RequestContext& context);

}  // namespace eventd::http::handlers
