#pragma once
// /healthz, /readyz, /metrics, /openapi.yaml
#include <boost/asio/awaitable.hpp>

#include "http/message.hpp"

namespace eventd::http {
struct RequestContext;
}

namespace eventd::http::handlers {

boost::asio::awaitable<Response> healthz(RequestContext& context);
boost::asio::awaitable<Response> readyz(RequestContext& context);
boost::asio::awaitable<Response> metrics(RequestContext& context);
boost::asio::awaitable<Response> openapi(RequestContext& context);

}  // namespace eventd::http::handlers
