// The private pages: my registration, my media request, the person's page, and signing in.
// Each acts with the person session of the cookie (services with `person_token`), so a
// person reaches only the records of their own address.
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

#include "db/support.hpp"
#include "domain/error.hpp"
#include "domain/validation.hpp"
#include "http/backend.hpp"
#include "http/context.hpp"
#include "http/form.hpp"
#include "http/handlers/feeds.hpp"
#include "http/handlers/page_support.hpp"
#include "http/handlers/pages.hpp"
#include "http/mail_context.hpp"
#include "http/public_writes.hpp"
#include "pages/dates.hpp"
#include "pages/qr.hpp"
#include "services/feed_service.hpp"
#include "services/media_request_service.hpp"
#include "services/person_service.hpp"
#include "services/personal_feed_service.hpp"
#include "services/registration_service.hpp"
#include "services/task_service.hpp"

namespace eventd::http::handlers {

namespace {

using domain::Error;
using domain::ErrorCode;
using domain::Problem;
using mail::TemplateData;
using pages::Language;

// A sign-in is answered no sooner than this after it arrived, known address or not (as
// POST /v1/me/sign-in): the time of the answer says nothing about the address.
constexpr std::chrono::milliseconds kSignInAnswerTime{250};

long long session_max_age() { return services::kPersonSessionLifetime.count(); }

TemplateData strings(std::initializer_list<std::string> items) {
  TemplateData list(TemplateData::type::list);
  for (const auto& item : items) list.push_back(TemplateData(item));
  return list;
}

// The sign-in form with a heading and a paragraph of the catalogue.
Response sign_in_form_page(int status, Language language, std::string_view heading_key, std::string_view text_key,
                           bool sent = false, const std::string& email = "", bool email_error = false) {
  const auto& texts = pages::catalogue(language);
  TemplateData data;
  data.set("heading", texts.text(heading_key));
  data.set("paragraphs", strings({texts.text(text_key)}));
  data.set("sent", sent);
  data.set("email", email);
  data.set("email_error", email_error);
  return page_response(status, language, "signin", texts.text(heading_key), std::move(data));
}

// Without a (valid) session: how to get a new link, with the sign-in form. An expired or
// signed-out session's cookie is removed.
Response session_needed_page(const RequestContext& context, Language language, bool had_cookie) {
  Response response = sign_in_form_page(401, language, "session_needed_title", "session_needed_text");
  if (had_cookie) response.headers.add("Set-Cookie", session_cookie(context, "", 0));
  return response;
}

// The answer for an error of a private page.
Response private_error_page(const RequestContext& context, const Error& error, Language language) {
  if (error.code() == ErrorCode::unauthorized) {
    return session_needed_page(context, language, session_of(context.request).has_value());
  }
  return error_page(error, language);
}

// A record's id as the private pages take it: a UUID, else the page of nothing (the id goes
// into a Location and a form's action, so nothing else may get that far).
void check_record_id(const std::string& id) {
  if (!db::is_uuid(id)) throw domain::not_found("page");
}

// A link's landing page (?code=): a button that posts the code back. Opening the link
// exchanges nothing, because e-mail security scanners (Outlook's Safe Links and the like)
// fetch every link of a message before its reader clicks, and would spend a single-use code;
// they do not submit forms. nullopt when the URL has no code.
std::optional<Response> landing_page(const RequestContext& context, const std::string& clean_path, Language language) {
  auto code = context.query.get("code");
  if (!code) return std::nullopt;
  TemplateData data;
  data.set("next", clean_path);
  data.set("code", std::string(*code));
  return page_response(200, language, "continue", pages::catalogue(language).text("continue_title"), std::move(data));
}

// The landing page's button (action=open): exchanges the code for a session, sets the cookie
// and continues at `clean_path` (303: a same-site POST, so the SameSite=Strict cookie goes
// with the next request). A spent, expired or unknown code: the sign-in page. nullopt for
// any other form, which is then one of the page's own actions.
boost::asio::awaitable<std::optional<Response>> open_with_code(RequestContext& context, std::string clean_path,
                                                               Language language) {
  std::optional<Response> answer;
  const Form form = parse_form_body(context.request);
  if (form.text("action") != "open") co_return answer;
  check_form_origin(context);
  co_await check_public_write_rate(context);  // codes are secrets: guessing them is limited like other public writes
  bool spent = false;
  std::optional<services::NewPersonSession> session;
  try {
    services::NewPersonSession opened = co_await services::open_person_session(context.backend.db, form.text("code"));
    session = std::move(opened);
  } catch (const Error& error) {
    if (error.code() != ErrorCode::unauthorized && error.code() != ErrorCode::validation &&
        error.code() != ErrorCode::bad_request) {
      throw;
    }
    spent = true;
  }
  if (spent) {
    answer = sign_in_form_page(401, language, "link_used_title", "link_used_text");
    co_return answer;
  }
  context.caller_note.credential = "person_code";
  Response response;
  response.status = 303;
  response.headers.set("Location", clean_path);
  response.headers.set("Cache-Control", "no-store");
  response.headers.add("Set-Cookie", session_cookie(context, session->token, session_max_age()));
  answer = std::move(response);
  co_return answer;
}

// The session of the request; 401 (a domain::Error, answered with the sign-in page) without one.
std::string require_session(RequestContext& context) {
  auto token = session_of(context.request);
  if (!token) throw Error(Problem::unauthorized, domain::detail("no_session"));
  context.caller_note.credential = "person_session";
  return *token;
}

// A form that acts with the cookie: from this site, with the session's CSRF token.
Form read_private_form(RequestContext& context, const std::string& token) {
  check_form_origin(context);
  Form form = parse_form_body(context.request);
  check_csrf(form, token);
  return form;
}

TemplateData feed_data(const RequestContext& context, const std::optional<std::string>& feed_token, Language language) {
  if (!feed_token) return TemplateData(false);
  const auto links = personal_feed_links(context.backend.public_url, *feed_token);
  TemplateData feed;
  feed.set("https", links.https);
  feed.set("webcal", links.webcal);
  feed.set("qr", pages::qr_svg(links.https, pages::catalogue(language).text("calendar_qr")));
  return feed;
}

// ---- my registration ---------------------------------------------------------------------------

struct RegistrationPageState {
  std::string notice;
  std::optional<std::string> feed_token;
  std::optional<std::string> typed_needs;
  std::optional<std::vector<std::string>> typed_sessions;
  std::string needs_error;
  std::string sessions_error;
  bool cancel_error = false;
  bool erase_error = false;
};

std::string registration_status_text(const domain::Registration& r, Language language) {
  const auto& texts = pages::catalogue(language);
  switch (r.status) {
    case domain::RegistrationStatus::confirmed:
      return texts.text("status_confirmed");
    case domain::RegistrationStatus::waitlisted:
      return texts.format("status_waitlisted", {{"position", std::to_string(r.waitlist_position.value_or(0))}});
    case domain::RegistrationStatus::cancelled:
      return texts.text("status_cancelled");
  }
  return {};
}

// A study trip's tasks for this registration, each with its deadline in the event's zone and
// a button that marks it done (or open again).
TemplateData task_list(const services::RegistrationTasks& tasks, Language language) {
  const auto& texts = pages::catalogue(language);
  TemplateData list(TemplateData::type::list);
  for (const auto& t : tasks.items) {
    TemplateData item;
    item.set("id", t.task.id);
    item.set("title", t.task.title);
    item.set("description", t.task.description.value_or(""));
    item.set("due",
             texts.format("task_due", {{"when", pages::format_instant(t.task.due_at, tasks.timezone, language)}}));
    item.set("done", t.progress.status == domain::TaskStatus::done);
    list.push_back(item);
  }
  return list;
}

Response render_registration(int status, const RequestContext& context, const services::RegistrationView& view,
                             const EventForPage& loaded, Language language, const std::string& token,
                             const RegistrationPageState& state, const services::RegistrationTasks& tasks) {
  const auto& texts = pages::catalogue(language);
  const domain::Registration& r = view.registration;
  TemplateData data;
  data.set("self", "/registrations/" + r.id);
  data.set("csrf", csrf_token_for(token));
  data.set("notice", state.notice);
  data.set("event_url", "/events/" + loaded.event.slug);
  data.set("event_title", loaded.event.title);
  data.set("event_when", pages::format_event_time(loaded.event, language));
  data.set("status_text", registration_status_text(r, language));
  std::string stream_url;
  std::string platform;
  std::string next = r.is_active() ? "attend" : "none";
  if (view.entitlement) {
    stream_url = view.entitlement->stream_url.value_or("");
    if (view.entitlement->platform)
      platform = texts.format("access_platform", {{"platform", *view.entitlement->platform}});
    if (!view.entitlement->next.empty()) next = view.entitlement->next;
  }
  data.set("stream_url", stream_url);
  data.set("platform_text", platform);
  data.set("next_text", texts.text("next_" + next));
  const bool has_data = r.participant.has_value();
  data.set("has_data", has_data);
  data.set("active", has_data && r.is_active());
  data.set("errors", !state.needs_error.empty() || !state.sessions_error.empty());
  data.set("needs", state.typed_needs.value_or(r.participant ? r.participant->needs.value_or("") : ""));
  data.set("needs_error", state.needs_error);
  data.set("sessions_error", state.sessions_error);
  const TemplateData sessions = session_choices(loaded, language, state.typed_sessions.value_or(r.session_ids));
  data.set("has_sessions", !sessions.is_empty_list());
  data.set("sessions", sessions);
  data.set("feed", feed_data(context, state.feed_token, language));
  data.set("cancel_error", state.cancel_error);
  data.set("erase_error", state.erase_error);
  const TemplateData task_items = task_list(tasks, language);
  data.set("has_tasks", r.is_active() && !task_items.is_empty_list());
  data.set("tasks", task_items);
  Response response =
      page_response(status, language, "registration", texts.text("registration_title"), std::move(data));
  return response;
}

// ---- my media request --------------------------------------------------------------------------

struct MediaPageState {
  std::string notice;
  std::optional<std::string> feed_token;  // the person's calendar of everything, just renewed
  bool withdraw_error = false;
};

Response render_media_request(int status, const RequestContext& context, const services::MediaRequestView& view,
                              Language language, const std::string& token, const MediaPageState& state) {
  const auto& texts = pages::catalogue(language);
  const domain::MediaRequest& m = view.request;
  TemplateData data;
  data.set("self", "/media-requests/" + m.id);
  data.set("csrf", csrf_token_for(token));
  data.set("notice", state.notice);
  data.set("event_url", "/events/" + view.event.slug);
  data.set("event_title", view.event.title);
  data.set("event_when", pages::format_event_time(view.event, language));
  data.set("status_text", texts.text("media_status_" + std::string(domain::to_string(m.status))));
  data.set("note_text", m.note ? texts.format("media_note", {{"note", *m.note}}) : std::string());
  const bool approved = m.grants_access() && view.access.has_value();
  data.set("approved", approved);
  data.set("stream_url", approved ? view.access->stream_url.value_or("") : std::string());
  // The request's own feed link derives from its status token, which a person session does
  // not hold: the person's calendar of everything (it holds the request) is offered instead.
  data.set("has_data", !m.is_erased());
  data.set("feed", feed_data(context, state.feed_token, language));
  data.set("withdrawable", !m.is_erased() && (m.status == domain::MediaRequestStatus::pending ||
                                              m.status == domain::MediaRequestStatus::approved));
  data.set("withdraw_error", state.withdraw_error);
  return page_response(status, language, "media_request", texts.text("media_title"), std::move(data));
}

// ---- the person's page -------------------------------------------------------------------------

struct PersonPageState {
  std::string notice;
  std::optional<std::string> feed_token;
  bool erase_error = false;
};

// The event's first day, in its own zone.
std::string date_of(const std::optional<domain::Instant>& at, const std::string& zone, Language language) {
  if (!at) return {};
  const std::string local = domain::format_in_zone(*at, zone);
  auto date = domain::parse_date(local.substr(0, 10));
  return date ? pages::format_date(*date, language) : std::string();
}

Response render_person(int status, const RequestContext& context, const services::PersonOverview& overview,
                       Language language, const std::string& token, const PersonPageState& state) {
  const auto& texts = pages::catalogue(language);
  TemplateData data;
  data.set("csrf", csrf_token_for(token));
  data.set("notice", state.notice);
  data.set("intro", texts.format("me_intro", {{"email", overview.person.email}}));
  TemplateData registrations(TemplateData::type::list);
  for (const auto& item : overview.registrations) {
    TemplateData row;
    row.set("url", "/registrations/" + item.registration.id);
    row.set("title", item.event_title);
    row.set("when", date_of(item.event_starts_at, item.event_timezone, language));
    row.set("status", registration_status_text(item.registration, language));
    registrations.push_back(row);
  }
  data.set("has_registrations", !registrations.is_empty_list());
  data.set("registrations", registrations);
  TemplateData media(TemplateData::type::list);
  for (const auto& item : overview.media_requests) {
    TemplateData row;
    row.set("url", "/media-requests/" + item.request.id);
    row.set("title", item.event_title);
    row.set("when", date_of(item.event_starts_at, item.event_timezone, language));
    row.set("status", texts.text("media_status_" + std::string(domain::to_string(item.request.status))));
    media.push_back(row);
  }
  data.set("has_media_requests", !media.is_empty_list());
  data.set("media_requests", media);
  data.set("has_feed", overview.has_feed);
  data.set("feed", feed_data(context, state.feed_token ? state.feed_token : overview.feed_token, language));
  data.set("erase_error", state.erase_error);
  return page_response(status, language, "me", texts.text("me_title"), std::move(data));
}

Response goodbye_page(const RequestContext& context, Language language, std::string_view heading_key,
                      std::string_view text_key) {
  Response response = message_page(200, language, heading_key, {std::string(text_key)});
  response.headers.add("Set-Cookie", session_cookie(context, "", 0));
  return response;
}

}  // namespace

// ---- my registration ---------------------------------------------------------------------------

boost::asio::awaitable<Response> registration_page(RequestContext& context) {
  Language language = page_language(context);
  const std::string id = context.param("id");
  std::optional<Response> answer;
  try {
    check_record_id(id);
    if (auto landing = landing_page(context, "/registrations/" + id, language)) co_return std::move(*landing);
    const std::string token = require_session(context);
    services::RegistrationAccess access;
    access.person_token = token;
    services::RegistrationView view = co_await services::get_registration(context.backend.db, id, access);
    EventForPage loaded = co_await load_page_event(context.backend, view.registration.event_id);
    language = page_language(context, loaded.event.language);
    services::RegistrationTasks tasks = co_await services::registration_tasks(context.backend.db, id, access);
    co_return render_registration(200, context, view, loaded, language, token, {}, tasks);
  } catch (const Error& error) {
    answer = private_error_page(context, error, language);
  } catch (const std::exception& error) {
    answer = unexpected_error_page(context, error, language);
  }
  co_return std::move(*answer);
}

boost::asio::awaitable<Response> registration_page_action(RequestContext& context) {
  Language language = page_language(context);
  const std::string id = context.param("id");
  std::optional<Response> answer;
  RegistrationPageState state;
  std::string token;
  bool show_page = false;
  int status = 200;
  try {
    check_record_id(id);
    std::optional<Response> opened = co_await open_with_code(context, "/registrations/" + id, language);
    if (opened) co_return std::move(*opened);
    token = require_session(context);
    const Form form = read_private_form(context, token);
    const std::string action = form.text("action");
    const bool confirmed = form.get("confirm") == "yes";
    services::RegistrationAccess access;
    access.person_token = token;
    // The page's language is its event's (unless the browser asks otherwise): read first.
    services::RegistrationView before = co_await services::get_registration(context.backend.db, id, access);
    EventForPage event = co_await load_page_event(context.backend, before.registration.event_id);
    language = page_language(context, event.event.language);
    services::MailContext mail = mail_context_of(context.backend);  // named: see services/mail_outbox.hpp
    const services::RegistrationPrecondition no_precondition = [](const domain::Registration&) {};
    if (action == "save") {
      state.typed_needs = form.text("needs");
      state.typed_sessions = form.all("session_ids");
      const services::RegistrationPatcher patch = [&form](const domain::Registration& current) {
        services::RegistrationDraft draft;
        draft.participant = current.participant.value_or(domain::Participant{});
        const std::string needs = form.text("needs");
        draft.participant.needs = needs.empty() ? std::nullopt : std::optional<std::string>(needs);
        draft.session_ids = form.all("session_ids");
        draft.consent = true;
        return draft;
      };
      try {
        services::RegistrationView saved = co_await services::patch_registration(context.backend.db, id, access, patch);
        (void)saved;
        state = RegistrationPageState{};
        state.notice = pages::catalogue(language).text("saved");
      } catch (const Error& error) {
        if (error.code() != ErrorCode::validation) throw;
        for (const auto& field : error.fields()) {
          if (field.field == "needs") state.needs_error = pages::catalogue(language).text("error_needs");
          if (field.field.starts_with("session_ids")) {
            state.sessions_error = pages::catalogue(language).text("error_sessions");
          }
        }
        if (state.needs_error.empty() && state.sessions_error.empty()) throw;
        status = 422;
      }
    } else if (action == "cancel" || action == "erase") {
      if (!confirmed) {
        (action == "cancel" ? state.cancel_error : state.erase_error) = true;
        status = 422;
      } else {
        const bool erase = action == "erase";
        co_await services::cancel_registration(context.backend.db, id, access, erase, no_precondition, mail);
        if (erase) co_return message_page(200, language, "erased_title", {"erased_text"});
        state.notice = pages::catalogue(language).text("cancelled_notice");
      }
    } else if (action == "task_done" || action == "task_open") {
      // A study trip's task (the reminder's link leads here).
      const auto task_status = action == "task_done" ? domain::TaskStatus::done : domain::TaskStatus::open;
      services::RegistrationTasks updated =
          co_await services::set_task_status(context.backend.db, id, form.text("task_id"), task_status, access);
      (void)updated;
      state.notice = pages::catalogue(language).text("saved");
    } else if (action == "feed") {
      // Registrations' own feed links derive from their manage token, which a person session
      // does not hold: the person's calendar of everything is the one offered here.
      std::string feed = co_await services::renew_person_feed(context.backend.db, token);
      state.feed_token = feed;
    } else {
      throw Error(Problem::bad_request, domain::detail("unknown_action"));
    }
    show_page = true;
  } catch (const Error& error) {
    answer = private_error_page(context, error, language);
  } catch (const std::exception& error) {
    answer = unexpected_error_page(context, error, language);
  }
  if (!show_page) co_return std::move(*answer);
  try {
    services::RegistrationAccess access;
    access.person_token = token;
    services::RegistrationView view = co_await services::get_registration(context.backend.db, id, access);
    EventForPage loaded = co_await load_page_event(context.backend, view.registration.event_id);
    language = page_language(context, loaded.event.language);
    services::RegistrationTasks tasks = co_await services::registration_tasks(context.backend.db, id, access);
    answer = render_registration(status, context, view, loaded, language, token, state, tasks);
  } catch (const Error& error) {
    answer = private_error_page(context, error, language);
  } catch (const std::exception& error) {
    answer = unexpected_error_page(context, error, language);
  }
  co_return std::move(*answer);
}

boost::asio::awaitable<Response> registration_page_invite(RequestContext& context) {
  Language language = page_language(context);
  std::optional<Response> answer;
  try {
    services::RegistrationAccess access;
    access.person_token = require_session(context);
    auto location = location_of(context, false);
    services::Feed feed = co_await services::registration_invitation(context.backend.db, context.param("id"),
                                                                     std::move(access), std::move(location));
    answer = feed_response(context, feed);
    answer->headers.set("Content-Disposition", "attachment; filename=\"invite.ics\"");
  } catch (const Error& error) {
    answer = private_error_page(context, error, language);
  } catch (const std::exception& error) {
    answer = unexpected_error_page(context, error, language);
  }
  co_return std::move(*answer);
}

// ---- my media request --------------------------------------------------------------------------

boost::asio::awaitable<Response> media_request_page(RequestContext& context) {
  Language language = page_language(context);
  const std::string id = context.param("id");
  std::optional<Response> answer;
  try {
    check_record_id(id);
    if (auto landing = landing_page(context, "/media-requests/" + id, language)) co_return std::move(*landing);
    const std::string token = require_session(context);
    services::MediaRequestAccess access;
    access.person_token = token;
    services::MediaRequestView view = co_await services::get_media_request(context.backend.db, id, access);
    language = page_language(context, view.event.language);
    co_return render_media_request(200, context, view, language, token, {});
  } catch (const Error& error) {
    answer = private_error_page(context, error, language);
  } catch (const std::exception& error) {
    answer = unexpected_error_page(context, error, language);
  }
  co_return std::move(*answer);
}

boost::asio::awaitable<Response> media_request_page_action(RequestContext& context) {
  Language language = page_language(context);
  const std::string id = context.param("id");
  std::optional<Response> answer;
  MediaPageState state;
  std::string token;
  int status = 200;
  bool show_page = false;
  try {
    check_record_id(id);
    std::optional<Response> opened = co_await open_with_code(context, "/media-requests/" + id, language);
    if (opened) co_return std::move(*opened);
    token = require_session(context);
    const Form form = read_private_form(context, token);
    const std::string action = form.text("action");
    if (action != "withdraw" && action != "feed") throw Error(Problem::bad_request, domain::detail("unknown_action"));
    services::MediaRequestAccess access;
    access.person_token = token;
    // The page's language is its event's (unless the browser asks otherwise): read first.
    services::MediaRequestView before = co_await services::get_media_request(context.backend.db, id, access);
    language = page_language(context, before.event.language);
    if (action == "feed") {
      std::string feed = co_await services::renew_person_feed(context.backend.db, token);
      state.feed_token = feed;
    } else if (form.get("confirm") != "yes") {
      state.withdraw_error = true;
      status = 422;
    } else {
      services::MailContext mail = mail_context_of(context.backend);  // named: see services/mail_outbox.hpp
      const services::MediaRequestPrecondition no_precondition = [](const domain::MediaRequest&) {};
      co_await services::withdraw_media_request(context.backend.db, id, access, false, no_precondition, mail);
      state.notice = pages::catalogue(language).text("withdrawn_notice");
    }
    show_page = true;
  } catch (const Error& error) {
    answer = private_error_page(context, error, language);
  } catch (const std::exception& error) {
    answer = unexpected_error_page(context, error, language);
  }
  if (!show_page) co_return std::move(*answer);
  try {
    services::MediaRequestAccess access;
    access.person_token = token;
    services::MediaRequestView view = co_await services::get_media_request(context.backend.db, id, access);
    language = page_language(context, view.event.language);
    answer = render_media_request(status, context, view, language, token, state);
  } catch (const Error& error) {
    answer = private_error_page(context, error, language);
  } catch (const std::exception& error) {
    answer = unexpected_error_page(context, error, language);
  }
  co_return std::move(*answer);
}

// ---- the person's page -------------------------------------------------------------------------

boost::asio::awaitable<Response> person_page(RequestContext& context) {
  const Language language = page_language(context);
  std::optional<Response> answer;
  try {
    if (auto landing = landing_page(context, "/me", language)) co_return std::move(*landing);
    const std::string token = require_session(context);
    services::PersonOverview overview = co_await services::person_overview(context.backend.db, token);
    co_return render_person(200, context, overview, language, token, {});
  } catch (const Error& error) {
    answer = private_error_page(context, error, language);
  } catch (const std::exception& error) {
    answer = unexpected_error_page(context, error, language);
  }
  co_return std::move(*answer);
}

boost::asio::awaitable<Response> person_page_action(RequestContext& context) {
  const Language language = page_language(context);
  std::optional<Response> answer;
  PersonPageState state;
  std::string token;
  int status = 200;
  bool show_page = false;
  try {
    std::optional<Response> opened = co_await open_with_code(context, "/me", language);
    if (opened) co_return std::move(*opened);
    token = require_session(context);
    const Form form = read_private_form(context, token);
    const std::string action = form.text("action");
    if (action == "feed") {
      std::string feed = co_await services::renew_person_feed(context.backend.db, token);
      state.feed_token = feed;
    } else if (action == "erase") {
      if (form.get("confirm") != "yes") {
        state.erase_error = true;
        status = 422;
      } else {
        services::MailContext mail = mail_context_of(context.backend);  // named: see services/mail_outbox.hpp
        services::ErasureReport report = co_await services::erase_person(context.backend.db, token, mail);
        (void)report;
        co_return goodbye_page(context, language, "me_erased_title", "me_erased_text");
      }
    } else if (action == "sign_out") {
      co_await services::close_person_session(context.backend.db, token);
      co_return goodbye_page(context, language, "signed_out_title", "signed_out_text");
    } else {
      throw Error(Problem::bad_request, domain::detail("unknown_action"));
    }
    show_page = true;
  } catch (const Error& error) {
    answer = private_error_page(context, error, language);
  } catch (const std::exception& error) {
    answer = unexpected_error_page(context, error, language);
  }
  if (!show_page) co_return std::move(*answer);
  try {
    services::PersonOverview overview = co_await services::person_overview(context.backend.db, token);
    answer = render_person(status, context, overview, language, token, state);
  } catch (const Error& error) {
    answer = private_error_page(context, error, language);
  } catch (const std::exception& error) {
    answer = unexpected_error_page(context, error, language);
  }
  co_return std::move(*answer);
}

// ---- signing in --------------------------------------------------------------------------------

boost::asio::awaitable<Response> sign_in_page(RequestContext& context) {
  co_return sign_in_form_page(200, page_language(context), "signin_title", "signin_intro");
}

boost::asio::awaitable<Response> sign_in_by_form(RequestContext& context) {
  const auto arrived = std::chrono::steady_clock::now();
  const Language language = page_language(context);
  std::optional<Response> answer;
  try {
    check_form_origin(context);
    co_await check_public_write_rate(context);
    const Form form = parse_form_body(context.request);
    const std::string email = form.text("email");
    if (!domain::is_valid_email(email)) {
      co_return sign_in_form_page(422, language, "signin_title", "signin_intro", false, email, true);
    }
    services::MailContext mail = mail_context_of(context.backend);  // named: see services/mail_outbox.hpp
    co_await services::request_sign_in(context.backend.db, email, std::string(pages::code_of(language)), mail);
    boost::asio::steady_timer wait(co_await boost::asio::this_coro::executor);
    wait.expires_at(arrived + kSignInAnswerTime);
    co_await wait.async_wait(boost::asio::use_awaitable);
    answer = sign_in_form_page(200, language, "signin_title", "signin_intro", true);
  } catch (const Error& error) {
    answer = error_page(error, language);
  } catch (const std::exception& error) {
    answer = unexpected_error_page(context, error, language);
  }
  co_return std::move(*answer);
}

}  // namespace eventd::http::handlers
