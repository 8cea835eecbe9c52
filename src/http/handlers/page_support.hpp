#pragma once
// What every page of eventd's own (docs/PARTICIPANTS.md) shares: the language, the headers
// (Content-Security-Policy without scripts, no-store, no referrer), the error pages, and the
// Origin check of a form POST. Pages answer in HTML, errors included: a page never shows JSON.
#include <optional>
#include <string>
#include <string_view>

#include "http/message.hpp"
#include "mail/template.hpp"
#include "pages/catalogue.hpp"

namespace eventd::domain {
class Error;
}

namespace eventd::http {
struct RequestContext;
}

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

}  // namespace eventd::http::handlers
