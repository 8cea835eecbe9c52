#include "http/handlers/me.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

#include "domain/error.hpp"
#include "domain/links.hpp"
#include "domain/validation.hpp"
#include "http/auth.hpp"
#include "http/backend.hpp"
#include "http/conditional.hpp"
#include "http/context.hpp"
#include "http/dto/person.hpp"
#include "http/dto/reader.hpp"
#include "http/json.hpp"
#include "http/language.hpp"
#include "http/mail_context.hpp"
#include "http/public_writes.hpp"
#include "services/person_service.hpp"

namespace eventd::http::handlers {

namespace {

using domain::Error;
using domain::Problem;

// Every sign-in request is answered no sooner than this after it arrived, known address or
// not, so the time of the answer says nothing (the work itself takes a few milliseconds).
constexpr std::chrono::milliseconds kSignInAnswerTime{250};

// The person token (evu_...) of the request; 401 without one. A bad key is a 401 too.
std::string person_token_of(RequestContext& context) {
  auto token = bearer_token(context.request);
  if (!token || !token->starts_with(services::kPersonTokenPrefix)) {
    throw Error(Problem::unauthorized, domain::detail("needs_person_token"));
  }
  context.caller_note.credential = "person_token";
  return *token;
}

// A body of one string member, e.g. {"email": "..."}.
std::string read_single(const Request& request, const char* member, bool email) {
  auto body = parse_json_body(request);
  dto::require_object(body);
  domain::Validator errors;
  dto::ObjectReader reader(body, errors);
  reader.required(member);
  auto value = reader.string(member);
  reader.reject_unknown();
  if (value && email) errors.email(member, *value);
  if (value && !email && value->size() > 200) errors.add(member, domain::FieldCode("unknown_code"));
  errors.throw_if_any();
  return *value;
}

Response no_content() {
  Response response;
  response.status = 204;
  mark_personal(response);
  return response;
}

domain::PageLinks pages_of(const RequestContext& context) {
  return domain::PageLinks(context.backend.public_url, context.backend.frontend_url);
}

}  // namespace

boost::asio::awaitable<Response> request_sign_in(RequestContext& context) {
  const auto arrived = std::chrono::steady_clock::now();
  co_await check_public_write_rate(context);
  co_await authenticate(context);
  const std::string email = read_single(context.request, "email", true);
  const std::string language = preferred_language(context.request);
  services::MailContext mail = mail_context_of(context.backend);  // named: see services/mail_outbox.hpp
  co_await services::request_sign_in(context.backend.db, email, language, mail);
  boost::asio::steady_timer wait(co_await boost::asio::this_coro::executor);
  wait.expires_at(arrived + kSignInAnswerTime);
  co_await wait.async_wait(boost::asio::use_awaitable);
  Response response = json_response(
      202, {{"detail",
             "If the address has registrations or media requests, a sign-in link is on its way to it. It works "
             "once, within 15 minutes."}});
  mark_personal(response);
  co_return response;
}

boost::asio::awaitable<Response> open_person_session(RequestContext& context) {
  co_await check_public_write_rate(context);
  co_await authenticate(context);
  const std::string code = read_single(context.request, "code", false);
  auto session = co_await services::open_person_session(context.backend.db, code);
  Response response = json_response(201, dto::person_session_json(session));
  mark_personal(response);
  co_return response;
}

boost::asio::awaitable<Response> close_person_session(RequestContext& context) {
  const std::string token = person_token_of(context);
  co_await services::close_person_session(context.backend.db, token);
  co_return no_content();
}

boost::asio::awaitable<Response> get_me(RequestContext& context) {
  const std::string token = person_token_of(context);
  auto overview = co_await services::person_overview(context.backend.db, token);
  Response response = json_response(200, dto::person_json(overview, pages_of(context), context.backend.public_url));
  response.headers.set("ETag", etag_of_content(response.body));
  mark_personal(response);
  co_return response;
}

boost::asio::awaitable<Response> renew_person_feed(RequestContext& context) {
  const std::string token = person_token_of(context);
  const std::string feed_token = co_await services::renew_person_feed(context.backend.db, token);
  auto links = personal_feed_links(context.backend.public_url, feed_token);
  Response response = json_response(200, {{"feed_url", links.https}, {"webcal_url", links.webcal}});
  mark_personal(response);
  co_return response;
}

boost::asio::awaitable<Response> export_me(RequestContext& context) {
  const std::string token = person_token_of(context);
  auto overview = co_await services::person_overview(context.backend.db, token);
  nlohmann::json body = dto::person_json(overview, pages_of(context), context.backend.public_url);
  body["exported_at"] = domain::format_utc(domain::now());
  Response response = json_response(200, body);
  response.headers.set("Content-Disposition", "attachment; filename=\"eventd-personal-data.json\"");
  mark_personal(response);
  co_return response;
}

boost::asio::awaitable<Response> erase_me(RequestContext& context) {
  const std::string token = person_token_of(context);
  services::MailContext mail = mail_context_of(context.backend);  // named: see services/mail_outbox.hpp
  co_await services::erase_person(context.backend.db, token, mail);
  co_return no_content();
}

}  // namespace eventd::http::handlers
