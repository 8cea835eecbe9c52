#pragma once
// /v1/events
#include <boost/asio/awaitable.hpp>

#include "http/message.hpp"

namespace eventd::http {
struct RequestContext;
}

namespace eventd::http::handlers {

boost::asio::awaitable<Response> create_event(RequestContext& context);
boost::asio::awaitable<Response> import_events(RequestContext& context);
boost::asio::awaitable<Response> list_events(RequestContext& context);
boost::asio::awaitable<Response> get_event(RequestContext& context);
boost::asio::awaitable<Response> patch_event(RequestContext& context);
boost::asio::awaitable<Response> delete_event(RequestContext& context);

}  // namespace eventd::http::handlers
