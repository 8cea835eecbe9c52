#pragma once
// /v1/events/{id}/sessions: the programme of an event
#include <boost/asio/awaitable.hpp>

#include "http/message.hpp"

namespace eventd::http {
struct RequestContext;
}

namespace eventd::http::handlers {

boost::asio::awaitable<Response> create_session(RequestContext& context);
boost::asio::awaitable<Response> list_sessions(RequestContext& context);
boost::asio::awaitable<Response> get_session(RequestContext& context);
boost::asio::awaitable<Response> patch_session(RequestContext& context);
boost::asio::awaitable<Response> delete_session(RequestContext& context);

}  // namespace eventd::http::handlers
