#pragma once
// /v1/organisations/{id}/partner-invitations and /v1/events/{id}/partners/{organisation_id}
#include <boost/asio/awaitable.hpp>

#include "http/message.hpp"

namespace eventd::http {
struct RequestContext;
}

namespace eventd::http::handlers {

boost::asio::awaitable<Response> list_partner_invitations(RequestContext& context);
boost::asio::awaitable<Response> answer_partner_invitation(RequestContext& context);

}  // namespace eventd::http::handlers
