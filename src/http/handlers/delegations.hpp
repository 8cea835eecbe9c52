#pragma once
// /v1/events/{id}/delegations: the delegations of a study trip (services/delegation_service.hpp).
#include <boost/asio/awaitable.hpp>

#include "http/message.hpp"

namespace eventd::http {
struct RequestContext;
}

namespace eventd::http::handlers {

boost::asio::awaitable<Response> create_delegation(RequestContext& context);
boost::asio::awaitable<Response> list_delegations(RequestContext& context);
boost::asio::awaitable<Response> get_delegation(RequestContext& context);
boost::asio::awaitable<Response> patch_delegation(RequestContext& context);
boost::asio::awaitable<Response> delete_delegation(RequestContext& context);
boost::asio::awaitable<Response> issue_leader_token(RequestContext& context);

}  // namespace eventd::http::handlers
