#pragma once
// What every page of eventd's own (docs/PARTICIPANTS.md) shares: the language, the headers
// (Content-Security-Policy without scripts, no-store, no referrer), the error pages, and the
// Origin check of a form POST. Pages answer in HTML, errors included: a page never shows JSON.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/event.hpp"
#include "domain/session.hpp"

#include "http/message.hpp"
#include "mail/template.hpp"
#include "pages/catalogue.hpp"

namespace eventd::domain {
class Error;
}

namespace eventd::http {
struct RequestContext;
struct Backend;
class Form;
}  // namespace eventd::http

namespace eventd::http::handlers {

// Scripts none at all; styles only /pages.css; forms post only here; no framing.
inline constexpr std::string_view kPageContentSecurityPolicy =
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'";

// The page's language: Accept-Language, else the event's, else English.
pages::Language page_language(const RequestContext& context, std::optional<std::string_view> event_language = {});

// A rendered page (templates/pages/<name>.html) with the headers of every page.
Response page_response(int status, pages::Language language, std::string_view name, std::string_view title,
                       mail::TemplateData data);

// A page with a heading and paragraphs of the catalogue (keys), and a link.
struct PageLink {
  std::string href;
  std::string text;
};
Response message_page(int status, pages::Language language, std::string_view heading_key,
                      std::initializer_list<std::string> paragraphs, std::optional<PageLink> link = std::nullopt);

// The page for an error a handler did not answer itself (404, 403, 400, 413, 415, 429 with
// Retry-After, 503; anything else is a 500 page), never problem+json.
Response error_page(const domain::Error& error, pages::Language language);
// The page for an unexpected exception: logged with the request id, a 500 page.
Response unexpected_error_page(const RequestContext& context, const std::exception& error, pages::Language language);

// A form POST from another site is refused (403): the Origin header, when the browser sends
// one, must be EVENTD_PUBLIC_URL's origin. Throws domain::Error(forbidden).
void check_form_origin(const RequestContext& context);

// "scheme://host[:port]" of a URL (what a browser sends as Origin).
std::string origin_of(std::string_view url);

// An event as the public sees it, with its programme (at most 500 items).
struct EventForPage {
  domain::Event event;
  std::vector<domain::Session> sessions;
};
boost::asio::awaitable<EventForPage> load_page_event(Backend& backend, const std::string& id_or_slug);

// The programme items one can choose (breaks are not), as checkboxes: id, title, when
// (in the event's zone), checked.
mail::TemplateData session_choices(const EventForPage& loaded, pages::Language language,
                                   const std::vector<std::string>& chosen);

// ---- the person's session on eventd's own pages ----------------------------------------------
// A private page's link carries a single-use code (?code=evc_…); its first open exchanges it
// for a person session (evu_…), kept in this cookie: HttpOnly (no script reads it; the pages
// have none anyway), SameSite=Strict (no other site's request carries it), Secure when
// EVENTD_PUBLIC_URL is https.
inline constexpr std::string_view kSessionCookie = "eventd_session";

// The session token of the Cookie header, if it holds one of eventd's shape.
std::optional<std::string> session_of(const Request& request);
// Set-Cookie for a new session (`max_age_s`), or one that removes it (0).
std::string session_cookie(const RequestContext& context, std::string_view token, long long max_age_s);

// Every form that acts with the cookie carries this token (derived from the session, so
// nothing is stored); a form without it, or another session's, is refused (403).
std::string csrf_token_for(std::string_view session_token);
void check_csrf(const Form& form, std::string_view session_token);

}  // namespace eventd::http::handlers
