#pragma once
// /v1/me: one person across events (docs/PARTICIPANTS.md).
#include <boost/asio/awaitable.hpp>

#include "http/message.hpp"

namespace eventd::http {
struct RequestContext;
}

namespace eventd::http::handlers {

boost::asio::awaitable<Response> request_sign_in(RequestContext& context);
boost::asio::awaitable<Response> open_person_session(RequestContext& context);
boost::asio::awaitable<Response> close_person_session(RequestContext& context);
boost::asio::awaitable<Response> get_me(RequestContext& context);
boost::asio::awaitable<Response> renew_person_feed(RequestContext& context);
boost::asio::awaitable<Response> export_me(RequestContext& context);
boost::asio::awaitable<Response> erase_me(RequestContext& context);

}  // namespace eventd::http::handlers
