// The public pages: the stylesheet, an event, and registering by form.
#include <map>
#include <vector>

#include "domain/error.hpp"
#include "domain/event.hpp"
#include "domain/registration.hpp"
#include "domain/session.hpp"
#include "http/backend.hpp"
#include "http/context.hpp"
#include "http/form.hpp"
#include "http/handlers/page_support.hpp"
#include "http/handlers/pages.hpp"
#include "http/mail_context.hpp"
#include "http/public_writes.hpp"
#include "pages/dates.hpp"
#include "pages/render.hpp"
#include "services/event_service.hpp"
#include "services/registration_service.hpp"
#include "services/session_service.hpp"

namespace eventd::http::handlers {

namespace {

using domain::Error;
using domain::ErrorCode;
using mail::TemplateData;
using pages::Language;

// What the form holds: as typed, and what was wrong with it (texts of the catalogue).
struct FormState {
  std::string name;
  std::string email;
  std::string organisation;
  std::string needs;
  std::vector<std::string> session_ids;
  bool consent = false;
  std::map<std::string, std::string, std::less<>> field_errors;  // form field → text
  std::vector<std::string> general_errors;
};

std::vector<std::string> venue_lines(const domain::Venue& venue) {
  std::vector<std::string> lines;
  if (venue.name) lines.push_back(*venue.name);
  if (venue.street) lines.push_back(*venue.street);
  lines.push_back(venue.postal_code ? *venue.postal_code + " " + venue.city : venue.city);
  return lines;
}

std::vector<std::string> paragraphs_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find("\n\n", pos);
    if (end == std::string::npos) end = text.size();
    std::string paragraph = text.substr(pos, end - pos);
    if (paragraph.find_first_not_of(" \n\r\t") != std::string::npos) out.push_back(std::move(paragraph));
    pos = end + 2;
  }
  return out;
}

TemplateData string_list(const std::vector<std::string>& items) {
  TemplateData list(TemplateData::type::list);
  for (const auto& item : items) list.push_back(TemplateData(item));
  return list;
}

std::string event_page_path(const domain::Event& event) { return "/events/" + event.slug; }

// Registration is possible now: the window is open and a seat or the waitlist is left.
enum class Admission { open, waitlist_only, full, closed };

Admission admission_of(const domain::Event& event) {
  if (domain::registration_refusal(event, domain::now())) return Admission::closed;
  if (event.counts.capacity_left && *event.counts.capacity_left <= 0) {
    return event.waitlist ? Admission::waitlist_only : Admission::full;
  }
  return Admission::open;
}

TemplateData form_data(const EventForPage& loaded, Language language, const FormState& state, Admission admission) {
  const auto& texts = pages::catalogue(language);
  const domain::Event& event = loaded.event;
  TemplateData form;
  form.set("action", event_page_path(event) + "/register");
  form.set("waitlist_note", admission == Admission::waitlist_only ? texts.text("register_waitlist_note") : "");
  form.set("name", state.name);
  form.set("email", state.email);
  form.set("organisation", state.organisation);
  form.set("needs", state.needs);
  form.set("consent", state.consent);
  for (const char* field : {"name", "email", "organisation", "needs", "sessions", "consent"}) {
    auto it = state.field_errors.find(field);
    form.set(std::string(field) + "_error", it == state.field_errors.end() ? std::string() : it->second);
  }
  if (state.field_errors.empty() && state.general_errors.empty()) {
    form.set("errors", false);
  } else {
    TemplateData errors;
    errors.set("general", string_list(state.general_errors));
    form.set("errors", errors);
  }
  const TemplateData sessions = session_choices(loaded, language, state.session_ids);
  form.set("has_sessions", !sessions.is_empty_list());
  form.set("sessions", sessions);
  return form;
}

Response render_event_page(int status, const RequestContext& context, const EventForPage& loaded, Language language,
                           const FormState& state) {
  const auto& texts = pages::catalogue(language);
  const domain::Event& event = loaded.event;
  TemplateData data;
  data.set("title", event.title);
  data.set("summary", event.summary.value_or(""));
  const auto paragraphs = paragraphs_of(event.description.value_or(""));
  data.set("has_description", !paragraphs.empty());
  data.set("paragraphs", string_list(paragraphs));
  std::string status_note;
  if (event.status == domain::EventStatus::cancelled) status_note = texts.text("event_cancelled");
  if (event.status == domain::EventStatus::postponed) status_note = texts.text("event_postponed");
  data.set("status_note", status_note);
  data.set("when", pages::format_event_time(event, language));
  data.set("zone_note", texts.format("times_in_zone", {{"zone", event.timezone}}));
  data.set("venue_lines", string_list(event.venue ? venue_lines(*event.venue) : std::vector<std::string>{}));
  std::string online;
  if (event.online && event.format != domain::EventFormat::in_person) {
    online = event.online->platform ? texts.format("event_online_via", {{"platform", *event.online->platform}})
                                    : texts.text("event_online");
  }
  data.set("online_text", online);

  TemplateData programme(TemplateData::type::list);
  for (const auto& session : loaded.sessions) {
    TemplateData item;
    item.set("title", session.title);
    item.set("when", pages::format_span(session.starts_at, session.ends_at, event.timezone, language));
    item.set("location", session.location.value_or(""));
    programme.push_back(item);
  }
  data.set("has_programme", !programme.is_empty_list());
  data.set("programme", programme);

  const Admission admission = admission_of(event);
  if (admission == Admission::open || admission == Admission::waitlist_only) {
    data.set("register_note", "");
    data.set("form", form_data(loaded, language, state, admission));
  } else {
    data.set("register_note", texts.text(admission == Admission::full ? "register_full" : "register_closed"));
    data.set("form", false);
  }
  const std::string calendar = context.backend.public_url + "/v1/events/" + event.id + "/calendar.ics";
  const auto scheme_end = calendar.find("://");
  data.set("calendar_url", calendar);
  data.set("webcal_url", "webcal" + calendar.substr(scheme_end));
  return page_response(status, language, "event", event.title, std::move(data));
}

// The form's fields as the registration service reads them.
FormState read_form(const Form& form) {
  FormState state;
  state.name = form.text("name");
  state.email = form.text("email");
  state.organisation = form.text("organisation");
  state.needs = form.text("needs");
  state.session_ids = form.all("session_ids");
  state.consent = form.get("consent").has_value();
  return state;
}

services::RegistrationDraft draft_of(const FormState& state) {
  services::RegistrationDraft draft;
  draft.participant.name = state.name;
  draft.participant.email = state.email;
  if (!state.organisation.empty()) draft.participant.organisation = state.organisation;
  if (!state.needs.empty()) draft.participant.needs = state.needs;
  draft.session_ids = state.session_ids;
  draft.consent = state.consent;
  return draft;
}

// The service's field errors beside the form's fields, in the page's language.
void add_field_errors(FormState& state, const Error& error, Language language) {
  const auto& texts = pages::catalogue(language);
  for (const auto& field : error.fields()) {
    std::string form_field;
    if (field.field == "name" || field.field == "email" || field.field == "organisation" || field.field == "needs" ||
        field.field == "consent") {
      form_field = field.field;
    } else if (field.field.starts_with("session_ids")) {
      form_field = "sessions";
    }
    if (form_field.empty()) {
      state.general_errors.push_back(field.field + ": " + pages::field_message(field, language));
    } else {
      state.field_errors.emplace(form_field, texts.text("error_" + form_field));
    }
  }
}

}  // namespace

boost::asio::awaitable<Response> page_stylesheet(RequestContext&) {
  Response response;
  response.headers.set("Content-Type", "text/css; charset=utf-8");
  response.headers.set("Cache-Control", "public, max-age=3600");
  response.body = std::string(pages::stylesheet());
  co_return response;
}

boost::asio::awaitable<Response> event_page(RequestContext& context) {
  Language language = page_language(context);
  std::optional<Response> failed;
  try {
    EventForPage loaded = co_await load_page_event(context.backend, context.param("slug"));
    language = page_language(context, loaded.event.language);
    co_return render_event_page(200, context, loaded, language, FormState{});
  } catch (const Error& error) {
    failed = error_page(error, language);
  } catch (const std::exception& error) {
    failed = unexpected_error_page(context, error, language);
  }
  co_return std::move(*failed);
}

boost::asio::awaitable<Response> register_by_form(RequestContext& context) {
  Language language = page_language(context);
  std::optional<Response> failed;
  std::optional<EventForPage> loaded;
  FormState state;
  bool refused = false;
  std::optional<domain::Problem> refusal;  // the kind of the service's 409
  try {
    check_form_origin(context);
    co_await check_public_write_rate(context);
    const Form form = parse_form_body(context.request);
    state = read_form(form);
    EventForPage event = co_await load_page_event(context.backend, context.param("slug"));
    loaded = std::move(event);
    language = page_language(context, loaded->event.language);

    std::optional<services::NewRegistrationResult> created;
    auto render = [&created](const services::NewRegistrationResult& result) {
      created = result;
      return services::StoredResponse{201, "", "{}", ""};
    };
    services::MailContext mail = mail_context_of(context.backend);  // named: see services/mail_outbox.hpp
    services::RegistrationAnswer answer = co_await services::register_participant(
        context.backend.registrations, loaded->event.id, draft_of(state), std::nullopt, render, mail);
    (void)answer;
    if (!created) throw std::logic_error("the registration service did not render the new registration");

    const auto& texts = pages::catalogue(language);
    const domain::Registration& r = created->registration;
    TemplateData data;
    if (r.status == domain::RegistrationStatus::waitlisted) {
      data.set("outcome",
               texts.format("registered_waitlisted", {{"event", loaded->event.title},
                                                      {"position", std::to_string(r.waitlist_position.value_or(0))}}));
    } else {
      data.set("outcome", texts.format("registered_confirmed", {{"event", loaded->event.title}}));
    }
    data.set("mail_note", texts.format("registered_mail", {{"email", state.email}}));
    data.set("event_url", event_page_path(loaded->event));
    co_return page_response(200, language, "registered", texts.text("registered_title"), std::move(data));
  } catch (const Error& error) {
    if (loaded && error.code() == ErrorCode::validation) {
      add_field_errors(state, error, language);
      failed = render_event_page(422, context, *loaded, language, state);
    } else if (loaded && error.code() == ErrorCode::conflict) {
      refused = true;
      refusal = error.kind();
    } else {
      failed = error_page(error, language);
    }
  } catch (const std::exception& error) {
    failed = unexpected_error_page(context, error, language);
  }
  if (refused) {
    // The service's 409s: the window closed, the event became full, or the address is
    // registered already (its holder was sent the link again). The kind of problem says which;
    // for another conflict, the event as it is now.
    try {
      EventForPage now = co_await load_page_event(context.backend, context.param("slug"));
      const Admission admission = admission_of(now.event);
      std::string key = "error_duplicate";
      if (admission == Admission::closed) key = "error_closed";
      if (admission == Admission::full) key = "error_full";
      if (refusal == domain::Problem::registration_closed) key = "error_closed";
      if (refusal == domain::Problem::event_full) key = "error_full";
      if (refusal == domain::Problem::duplicate_registration) key = "error_duplicate";
      state.general_errors.push_back(pages::catalogue(language).text(key));
      failed = render_event_page(409, context, now, language, state);
    } catch (const Error& error) {
      failed = error_page(error, language);
    } catch (const std::exception& error) {
      failed = unexpected_error_page(context, error, language);
    }
  }
  co_return std::move(*failed);
}

}  // namespace eventd::http::handlers
