#pragma once
// The mail outbox of an event, for its organiser (services/mail_outbox.hpp).
#include <boost/asio/awaitable.hpp>

#include "http/message.hpp"

namespace eventd::http {
struct RequestContext;
}

namespace eventd::http::handlers {

// GET /v1/events/{id}/messages?state=&limit=&cursor=
boost::asio::awaitable<Response> list_event_messages(RequestContext& context);

}  // namespace eventd::http::handlers
