#pragma once
// /v1/organisations
#include <boost/asio/awaitable.hpp>

#include "http/message.hpp"

namespace eventd::http {
struct RequestContext;
}

namespace eventd::http::handlers {

boost::asio::awaitable<Response> create_organisation(RequestContext& context);
boost::asio::awaitable<Response> list_organisations(RequestContext& context);
boost::asio::awaitable<Response> get_organisation(RequestContext& context);
boost::asio::awaitable<Response> patch_organisation(RequestContext& context);
boost::asio::awaitable<Response> delete_organisation(RequestContext& context);

}  // namespace eventd::http::handlers
