#pragma once
// eventd's own pages for participants (docs/PARTICIPANTS.md), used when no frontend is
// configured: HTML in Swedish and English, no scripts, forms that work without JavaScript.
#include <boost/asio/awaitable.hpp>

#include "http/message.hpp"

namespace eventd::http {
struct RequestContext;
}

namespace eventd::http::handlers {

// GET /pages.css
boost::asio::awaitable<Response> page_stylesheet(RequestContext& context);
// GET /events/{slug}: the public event page with the registration form.
boost::asio::awaitable<Response> event_page(RequestContext& context);
// POST /events/{slug}/register (a form): the outcome, or the form again with what was wrong.
boost::asio::awaitable<Response> register_by_form(RequestContext& context);

}  // namespace eventd::http::handlers
