#include "http/handlers/page_support.hpp"

#include <algorithm>

#include "common/log.hpp"
#include "domain/error.hpp"
#include "domain/event_rules.hpp"
#include "http/backend.hpp"
#include "http/context.hpp"
#include "http/form.hpp"
#include "http/language.hpp"
#include "pages/dates.hpp"
#include "pages/render.hpp"
#include "services/event_service.hpp"
#include "services/person_service.hpp"
#include "services/secrets.hpp"
#include "services/session_service.hpp"

namespace eventd::http::handlers {

using domain::Error;
using domain::ErrorCode;
using domain::Problem;

pages::Language page_language(const RequestContext& context, std::optional<std::string_view> event_language) {
  return pages::language_of(preferred_language(context.request, event_language.value_or("en")));
}

Response page_response(int status, pages::Language language, std::string_view name, std::string_view title,
                       mail::TemplateData data) {
  Response response;
  response.status = status;
  response.body = pages::render_page(language, name, title, std::move(data));
  response.headers.set("Content-Type", "text/html; charset=utf-8");
  response.headers.set("Content-Language", std::string(pages::code_of(language)));
  response.headers.set("Content-Security-Policy", std::string(kPageContentSecurityPolicy));
  // same-origin, not no-referrer: under no-referrer Chromium sends `Origin: null` with a form
  // POST, and check_form_origin would refuse the pages' own forms. Other sites get no referrer.
  response.headers.set("Referrer-Policy", "same-origin");
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
  if (!origin) {
    // A browser that sends no Origin says where the post comes from in Sec-Fetch-Site.
    const auto site = context.request.headers.get("Sec-Fetch-Site");
    if (site && *site != "same-origin" && *site != "none") {
      throw Error(Problem::cross_site_form);
    }
    return;  // not a browser of this decade, or not a browser (curl)
  }
  if (!iequals(*origin, origin_of(context.backend.public_url))) {
    throw Error(Problem::cross_site_form);
  }
}

boost::asio::awaitable<EventForPage> load_page_event(Backend& backend, const std::string& id_or_slug) {
  constexpr std::size_t kSessionsPerRead = 100;
  constexpr std::size_t kMaxSessionsShown = 500;
  const domain::Caller anonymous = domain::Caller::anonymous();
  EventForPage out;
  domain::Event event = co_await services::get_event(backend.db, anonymous, id_or_slug);
  out.event = std::move(event);
  std::optional<db::SessionCursor> after;
  while (out.sessions.size() < kMaxSessionsShown) {
    services::SessionPage page =
        co_await services::list_sessions(backend.db, anonymous, out.event.id, after, kSessionsPerRead);
    for (auto& session : page.items) out.sessions.push_back(std::move(session));
    if (!page.has_more || out.sessions.empty()) break;
    const domain::Session& last = out.sessions.back();
    after = db::SessionCursor{last.starts_at.time_since_epoch().count(), last.id};
  }
  co_return out;
}

mail::TemplateData session_choices(const EventForPage& loaded, pages::Language language,
                                   const std::vector<std::string>& chosen) {
  mail::TemplateData sessions(mail::TemplateData::type::list);
  for (const auto& session : loaded.sessions) {
    if (session.kind == domain::SessionKind::break_) continue;  // nothing to choose
    mail::TemplateData item;
    item.set("id", session.id);
    item.set("title", session.title);
    // An item with a zone of its own (a trip's leg) is shown in it, and says which.
    const std::string& zone = domain::effective_timezone(session, loaded.event.timezone);
    std::string when = pages::format_span(session.starts_at, session.ends_at, zone, language);
    if (zone != loaded.event.timezone) when += " (" + zone + ")";
    item.set("when", when);
    item.set("checked", std::find(chosen.begin(), chosen.end(), session.id) != chosen.end());
    sessions.push_back(item);
  }
  return sessions;
}

std::optional<std::string> session_of(const Request& request) {
  const auto header = request.headers.get("Cookie");
  if (!header) return std::nullopt;
  std::string_view rest = *header;
  while (!rest.empty()) {
    const auto semicolon = rest.find(';');
    std::string_view pair = rest.substr(0, semicolon);
    rest = semicolon == std::string_view::npos ? std::string_view{} : rest.substr(semicolon + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos || pair.substr(0, eq) != kSessionCookie) continue;
    const auto value = pair.substr(eq + 1);
    if (!value.starts_with(services::kPersonTokenPrefix) || value.size() > 200) return std::nullopt;
    return std::string(value);
  }
  return std::nullopt;
}

std::string session_cookie(const RequestContext& context, std::string_view token, long long max_age_s) {
  std::string cookie = std::string(kSessionCookie) + "=" + std::string(token) +
                       "; HttpOnly; SameSite=Strict; Path=/; Max-Age=" + std::to_string(max_age_s);
  if (context.backend.public_url.starts_with("https://")) cookie += "; Secure";
  return cookie;
}

std::string csrf_token_for(std::string_view session_token) {
  return services::derive_secret(session_token, "csrf", "");
}

void check_csrf(const Form& form, std::string_view session_token) {
  const auto sent = form.get("csrf");
  if (!sent || !services::constant_time_equal(*sent, csrf_token_for(session_token))) {
    // A form of an older session, or made elsewhere: open the page again (cross_site_form's advice).
    throw Error(Problem::cross_site_form, domain::detail("form_token_mismatch"));
  }
}

}  // namespace eventd::http::handlers
