#pragma once
// /v1/events/{id}/registrations, /v1/registrations/{id}, /v1/personal-data/export
#include <boost/asio/awaitable.hpp>

#include "http/message.hpp"

namespace eventd::services {
struct RegistrationAccess;
}

namespace eventd::http {
struct RequestContext;
}

namespace eventd::http::handlers {

// Who asks about one registration: a manage token (evm_...) is its participant, a person
// token (evu_...) a person who may be them, a leader token (evd_...) the leader of a
// delegation; anything else must be an API key.
boost::asio::awaitable<services::RegistrationAccess> registration_access_of(RequestContext& context);

boost::asio::awaitable<Response> create_registration(RequestContext& context);
boost::asio::awaitable<Response> list_registrations(RequestContext& context);
// GET /v1/events/{id}/delegations/{delegation_id}/registrations: the organiser, or the leader.
boost::asio::awaitable<Response> list_delegation_registrations(RequestContext& context);
boost::asio::awaitable<Response> get_registration(RequestContext& context);
boost::asio::awaitable<Response> patch_registration(RequestContext& context);
boost::asio::awaitable<Response> delete_registration(RequestContext& context);
boost::asio::awaitable<Response> rotate_feed_link(RequestContext& context);
boost::asio::awaitable<Response> registration_invite(RequestContext& context);
boost::asio::awaitable<Response> export_personal_data(RequestContext& context);

}  // namespace eventd::http::handlers
