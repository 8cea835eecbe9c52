#include "http/handlers/page_support.hpp"

#include "common/log.hpp"
#include "domain/error.hpp"
#include "http/backend.hpp"
#include "http/context.hpp"
#include "pages/render.hpp"

namespace eventd::http::handlers {

using domain::Error;
using domain::ErrorCode;

pages::Language page_language(const RequestContext& context, std::optional<std::string_view> event_language) {
  return pages::choose_language(context.request.headers.get("Accept-Language"), event_language);
}

Response page_response(int status, pages::Language language, std::string_view name, std::string_view title,
                       mail::TemplateData data) {
  Response response;
  response.status = status;
  response.body = pages::render_page(language, name, title, std::move(data));
  response.headers.set("Content-Type", "text/html; charset=utf-8");
  response.headers.set("Content-Language", std::string(pages::code_of(language)));
  response.headers.set("Content-Security-Policy", std::string(kPageContentSecurityPolicy));
  response.headers.set("Referrer-Policy", "no-referrer");
  // Every page may show personal data or depends on the cookie and the language: no cache keeps it.
  response.headers.set("Cache-Control", "no-store");
  response.headers.set("Vary", "Accept-Language, Cookie");
  return response;
}

Response message_page(int status, pages::Language language, std::string_view heading_key,
                      std::initializer_list<std::string> paragraphs, std::optional<PageLink> link) {
  const auto& texts = pages::catalogue(language);
  mail::TemplateData data;
  const std::string heading = texts.text(heading_key);
  data.set("heading", heading);
  mail::TemplateData list(mail::TemplateData::type::list);
  for (const auto& key : paragraphs) list.push_back(mail::TemplateData(texts.text(key)));
  data.set("paragraphs", list);
  if (link) {
    mail::TemplateData l;
    l.set("href", link->href);
    l.set("text", link->text);
    data.set("link", l);
  } else {
    data.set("link", false);
  }
  return page_response(status, language, "message", heading, std::move(data));
}

Response error_page(const Error& error, pages::Language language) {
  switch (error.code()) {
    case ErrorCode::not_found:
      return message_page(404, language, "page_not_found_title", {"page_not_found_text"});
    case ErrorCode::forbidden:
      return message_page(403, language, "forbidden_title", {"forbidden_text"});
    case ErrorCode::bad_request:
      return message_page(400, language, "bad_request_title", {"bad_request_text"});
    case ErrorCode::payload_too_large:
      return message_page(413, language, "bad_request_title", {"bad_request_text"});
    case ErrorCode::unsupported_media_type:
      return message_page(415, language, "bad_request_title", {"bad_request_text"});
    case ErrorCode::too_many_requests: {
      Response response = message_page(429, language, "too_many_title", {"too_many_text"});
      if (auto seconds = error.retry_after_s()) response.headers.set("Retry-After", std::to_string(*seconds));
      return response;
    }
    case ErrorCode::unavailable: {
      Response response = message_page(503, language, "error_title", {"error_text"});
      if (auto seconds = error.retry_after_s()) response.headers.set("Retry-After", std::to_string(*seconds));
      return response;
    }
    default:
      return message_page(500, language, "error_title", {"error_text"});
  }
}

Response unexpected_error_page(const RequestContext& context, const std::exception& error, pages::Language language) {
  log::error("unexpected error on a page", {{"request_id", context.request_id}, {"error", error.what()}});
  return message_page(500, language, "error_title", {"error_text"});
}

std::string origin_of(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  const auto path = url.find('/', scheme_end + 3);
  return std::string(url.substr(0, path));
}

void check_form_origin(const RequestContext& context) {
  const auto origin = context.request.headers.get("Origin");
  if (!origin) return;  // older browsers and same-origin GET-less clients send none
  if (!iequals(*origin, origin_of(context.backend.public_url))) {
    throw Error(ErrorCode::forbidden, "The form was sent from another site.");
  }
}

}  // namespace eventd::http::handlers
