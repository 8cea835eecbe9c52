#pragma once
// /v1/webhooks (an organisation's subscriptions, their secrets, delivery log and replays) and
// /v1/webhook-event-types (services/webhook_service.hpp).
#include <boost/asio/awaitable.hpp>

#include "http/message.hpp"

namespace eventd::http {
struct RequestContext;
}

namespace eventd::http::handlers {

boost::asio::awaitable<Response> create_webhook(RequestContext& context);
boost::asio::awaitable<Response> list_webhooks(RequestContext& context);
boost::asio::awaitable<Response> get_webhook(RequestContext& context);
boost::asio::awaitable<Response> patch_webhook(RequestContext& context);
boost::asio::awaitable<Response> delete_webhook(RequestContext& context);
boost::asio::awaitable<Response> rotate_webhook_secret(RequestContext& context);
boost::asio::awaitable<Response> list_webhook_deliveries(RequestContext& context);
boost::asio::awaitable<Response> get_webhook_delivery(RequestContext& context);
boost::asio::awaitable<Response> replay_webhook_delivery(RequestContext& context);
boost::asio::awaitable<Response> replay_webhooks(RequestContext& context);
boost::asio::awaitable<Response> list_webhook_event_types(RequestContext& context);

}  // namespace eventd::http::handlers
