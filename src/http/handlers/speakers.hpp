#pragma once
// /v1/speakers and /v1/events/{id}/speakers
#include <boost/asio/awaitable.hpp>

#include "http/message.hpp"

namespace eventd::http {
struct RequestContext;
}

namespace eventd::http::handlers {

boost::asio::awaitable<Response> create_speaker(RequestContext& context);
boost::asio::awaitable<Response> list_speakers(RequestContext& context);
boost::asio::awaitable<Response> get_speaker(RequestContext& context);
boost::asio::awaitable<Response> patch_speaker(RequestContext& context);
boost::asio::awaitable<Response> delete_speaker(RequestContext& context);
boost::asio::awaitable<Response> list_event_speakers(RequestContext& context);

}  // namespace eventd::http::handlers
