#pragma once
// Public calendar feeds (text/calendar; charset=utf-8): one event, all public events, an
// organisation's events, a speaker's sessions.
#include <boost/asio/awaitable.hpp>

#include "http/message.hpp"

namespace eventd::http {
struct RequestContext;
}

namespace eventd::http::handlers {

boost::asio::awaitable<Response> event_calendar(RequestContext& context);
boost::asio::awaitable<Response> public_calendar(RequestContext& context);
boost::asio::awaitable<Response> organisation_calendar(RequestContext& context);
boost::asio::awaitable<Response> speaker_calendar(RequestContext& context);

}  // namespace eventd::http::handlers
