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

// The private pages. Opened with ?code=evc_… (the link of an e-mail), the code is exchanged
// for a person session kept in a cookie, and a page that moves on to the URL without the code
// is answered (a <meta> refresh: the cookie is SameSite=Strict, which a browser does not send
// on a redirect that is part of a navigation from another site, such as a webmail). Without a
// session they answer 401 with the sign-in form. Their forms carry a CSRF token.

// GET /registrations/{id}: view and change my registration, cancel it, erase my data, the
// invitation and my calendar. POST /registrations/{id}: action=save|cancel|erase|feed.
boost::asio::awaitable<Response> registration_page(RequestContext& context);
boost::asio::awaitable<Response> registration_page_action(RequestContext& context);
// GET /registrations/{id}/invite.ics with the cookie.
boost::asio::awaitable<Response> registration_page_invite(RequestContext& context);

// GET /media-requests/{id}: a journalist's request; POST action=withdraw.
boost::asio::awaitable<Response> media_request_page(RequestContext& context);
boost::asio::awaitable<Response> media_request_page_action(RequestContext& context);

// GET /me: every registration and media request of the person; POST action=feed|erase|sign_out.
boost::asio::awaitable<Response> person_page(RequestContext& context);
boost::asio::awaitable<Response> person_page_action(RequestContext& context);

// GET /me/sign-in, POST /me/sign-in (email): always "if the address is known, a link is on its way".
boost::asio::awaitable<Response> sign_in_page(RequestContext& context);
boost::asio::awaitable<Response> sign_in_by_form(RequestContext& context);

// GET /problems/{kind}: what a kind of problem means (the `type` of problem+json answers).
boost::asio::awaitable<Response> problem_page(RequestContext& context);

}  // namespace eventd::http::handlers
