#pragma once
// /v1/api-keys
#include <boost/asio/awaitable.hpp>

#include "http/message.hpp"

namespace eventd::http {
struct RequestContext;
}

namespace eventd::http::handlers {

boost::asio::awaitable<Response> create_api_key(RequestContext& context);
boost::asio::awaitable<Response> list_api_keys(RequestContext& context);
// Any key: who the calling key is.
boost::asio::awaitable<Response> current_api_key(RequestContext& context);
boost::asio::awaitable<Response> revoke_api_key(RequestContext& context);

}  // namespace eventd::http::handlers
