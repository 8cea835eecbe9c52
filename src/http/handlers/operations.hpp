#pragma once
// /healthz, /readyz, /metrics, /openapi.yaml, /docs
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
// The API reference rendered from openapi.yaml, and the renderer it loads from eventd itself.
boost::asio::awaitable<Response> docs(RequestContext& context);
boost::asio::awaitable<Response> docs_script(RequestContext& context);

}  // namespace eventd::http::handlers
