#include "http/handlers/events.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>

#include "db/support.hpp"
#include "domain/error.hpp"
#include "domain/event_rules.hpp"
#include "domain/validation.hpp"
#include "http/auth.hpp"
#include "http/backend.hpp"
#include "http/conditional.hpp"
#include "http/context.hpp"
#include "http/dto/event.hpp"
#include "http/dto/organisation.hpp"
#include "http/dto/reader.hpp"
#include "http/dto/session.hpp"
#include "http/dto/speaker.hpp"
#include "http/handlers/event_query.hpp"
#include "http/json.hpp"
#include "http/language.hpp"
#include "http/mail_context.hpp"
#include "http/pagination.hpp"
#include "pages/catalogue.hpp"
#include "services/event_service.hpp"
#include "services/import_service.hpp"
#include "services/speaker_service.hpp"

namespace eventd::http::handlers {

namespace {

using domain::detail;
using domain::Error;
using domain::Problem;

// A bad query parameter: a detail "Query parameter {name}: ..." with the parameter's name.
Error bad_parameter(std::string_view name, domain::Message message) {
  message.params.insert_or_assign("name", std::string(name));
  return Error(Problem::bad_request, std::move(message));
}

// Text from the query that reaches SQL: valid UTF-8, no NUL, bounded.
std::optional<std::string> text_parameter(const Query& query, std::string_view name, std::size_t max_bytes = 1000) {
  auto value = query.get(name);
  if (!value) return std::nullopt;
  if (!domain::is_valid_utf8(*value) || value->find('\0') != std::string::npos || value->size() > max_bytes) {
    throw bad_parameter(name, detail("query_text", {{"max", std::to_string(max_bytes)}}));
  }
  return value;
}

std::optional<domain::Instant> instant_parameter(const Query& query, std::string_view name) {
  auto value = query.get(name);
  if (!value) return std::nullopt;
  auto parsed = domain::parse_rfc3339(*value);
  if (!parsed) {
    throw bad_parameter(name, detail("query_instant"));
  }
  return parsed;
}

// `from`/`to`: an instant, or a plain date meaning a local day in `zone`; `from` is the
// day's first instant, `to` its end (the next day's first), so to=2027-05-31 keeps that day.
std::optional<domain::Instant> bound_parameter(const Query& query, std::string_view name, std::string_view zone,
                                               bool end_of_day) {
  auto value = query.get(name);
  if (!value || value->size() != 10) return instant_parameter(query, name);
  auto date = domain::parse_date(*value);
  if (!date || !domain::is_supported_date(*date)) {
    throw bad_parameter(name, detail("query_bound"));
  }
  const domain::Date day = end_of_day ? domain::Date{std::chrono::sys_days{*date} + std::chrono::days{1}} : *date;
  return domain::start_of_day(day, zone);
}

template <class E>
std::optional<E> enum_parameter(const Query& query, std::string_view name,
                                std::optional<E> (*parse)(std::string_view)) {
  auto value = query.get(name);
  if (!value) return std::nullopt;
  auto parsed = parse(*value);
  if (!parsed) throw bad_parameter(name, detail("query_not_allowed", {{"value", *value}}));
  return parsed;
}

}  // namespace

services::EventListQuery read_event_list_filters(const Query& query, std::string_view default_timezone) {
  services::EventListQuery q;
  std::string zone(default_timezone);
  if (auto tz = query.get("tz")) {
    if (!domain::is_valid_timezone(*tz)) throw bad_parameter("tz", detail("query_time_zone"));
    zone = *tz;
  }
  q.from = bound_parameter(query, "from", zone, /*end_of_day=*/false);
  q.to = bound_parameter(query, "to", zone, /*end_of_day=*/true);
  if (q.from && q.to && !(*q.from < *q.to)) throw bad_parameter("to", detail("query_to_before_from"));
  q.kind = enum_parameter(query, "kind", domain::parse_event_kind);
  q.format = enum_parameter(query, "format", domain::parse_event_format);
  q.status = enum_parameter(query, "status", domain::parse_event_status);
  for (auto [name, into] : {std::pair{"organiser", &q.organiser}, std::pair{"partner", &q.partner}}) {
    if (auto organisation = query.get(name)) {
      if (!db::is_uuid(*organisation) && !domain::is_valid_slug(*organisation)) {
        throw bad_parameter(name, detail("query_organiser"));
      }
      *into = organisation;
    }
  }
  if (auto series = query.get("series")) {
    if (!domain::is_valid_slug(*series)) throw bad_parameter("series", detail("query_series"));
    q.series = series;
  }
  if (auto tag = text_parameter(query, "tag", 400)) {
    if (tag->empty() || domain::code_point_count(*tag) > domain::kMaxTagLength) {
      throw bad_parameter("tag", detail("query_tag"));
    }
    q.tag = tag;
  }
  q.q = text_parameter(query, "q", 4000);  // the SQL uses the first 500 characters
  return q;
}

namespace {

services::EventListQuery read_list_query(const Query& query, const Page& page, std::string_view default_timezone) {
  services::EventListQuery q = read_event_list_filters(query, default_timezone);
  q.limit = page.limit;
  if (page.after) {
    const auto& key = *page.after;
    long long start = 0;
    bool ok = key.size() == 2 && db::is_uuid(key[1]);
    if (ok) {
      auto [end, ec] = std::from_chars(key[0].data(), key[0].data() + key[0].size(), start);
      ok = ec == std::errc{} && end == key[0].data() + key[0].size();
    }
    if (!ok) throw Error(Problem::invalid_cursor);
    q.after = std::pair{start, key[1]};
  }
  return q;
}

// Through the event's JSON only its organisers, or anyone for a public stream; registrants and
// journalists get theirs with their own record.
bool may_see_stream_url(const domain::Event& e, const domain::Caller& caller) {
  return domain::may_see_stream(
      e, caller.can_manage(e.organiser_id) ? domain::StreamAudience::organiser : domain::StreamAudience::anyone);
}

// The counts move with registrations, not with the event's own version.
std::string event_etag(const domain::Event& e) {
  return etag_for(e.id, e.version, "c" + std::to_string(e.counts.version));
}
domain::Instant event_last_modified(const domain::Event& e) {
  return e.counts.changed_at && *e.counts.changed_at > e.updated_at ? *e.counts.changed_at : e.updated_at;
}

Response event_response(int status, const domain::Event& e, const domain::Caller& caller,
                        const RequestContext& context) {
  Response response =
      json_response(status, dto::event_json(e, may_see_stream_url(e, caller), caller.can_manage(e.organiser_id),
                                            context.backend.public_url, context.backend.frontend_url));
  set_validators(response, event_etag(e), event_last_modified(e));
  // The representation depends on the caller (online.stream_url).
  response.headers.set("Vary", "Authorization");
  return response;
}

// ?include=organiser,partners,...: the names of `allowed`, comma-separated or repeated
// (?include=organiser&include=sessions, as openapi-fetch sends an array); any other is a 400.
services::EventIncludes read_includes(const Query& query, std::initializer_list<std::string_view> allowed) {
  services::EventIncludes with;
  for (const std::string& value : query.all("include")) {
    std::string_view rest = value;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const std::string_view name = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        std::string names;
        for (auto a : allowed) names += (names.empty() ? "" : ", ") + std::string(a);
        throw bad_parameter("include", detail("query_include", {{"value", std::string(name)}, {"allowed", names}}));
      }
      with.organiser = with.organiser || name == "organiser";
      with.partners = with.partners || name == "partners";
      with.sessions = with.sessions || name == "sessions";
      with.speakers = with.speakers || name == "speakers";
    }
  }
  return with;
}

// Each included record as its own route gives it.
nlohmann::json included_json(const services::EventWithIncludes& page, const services::EventIncludes& with,
                             const domain::Caller& caller) {
  nlohmann::json out = nlohmann::json::object();
  if (with.organiser) {
    out["organiser"] = page.organiser ? dto::organisation_json(*page.organiser) : nlohmann::json(nullptr);
  }
  if (with.partners) {
    out["partners"] = nlohmann::json::array();
    for (const auto& o : page.partners) out["partners"].push_back(dto::organisation_json(o));
  }
  if (with.sessions) {
    out["sessions"] = nlohmann::json::array();
    for (const auto& s : page.sessions) out["sessions"].push_back(dto::session_json(s, page.event.timezone));
  }
  if (with.speakers) {
    out["speakers"] = nlohmann::json::array();
    for (const auto& s : page.speakers) {
      out["speakers"].push_back(dto::speaker_json(s, services::may_manage(caller, s)));
    }
  }
  // The collections cut at services::kMaxIncluded, never silently: read the rest from their
  // own routes.
  out["truncated"] = nlohmann::json::array();
  if (page.sessions_truncated) out["truncated"].push_back("sessions");
  if (page.speakers_truncated) out["truncated"].push_back("speakers");
  return out;
}

services::EventPrecondition if_match(const Request& request) {
  return [&request](const domain::Event& current) { check_if_match(request, event_etag(current)); };
}

}  // namespace

boost::asio::awaitable<Response> create_event(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  auto body = parse_json_body(context.request);
  auto draft = dto::read_event_draft(body);
  auto created = co_await services::create_event(context.backend.db, caller, std::move(draft));
  auto response = event_response(201, created, caller, context);
  response.headers.set("Location", context.backend.public_url + "/v1/events/" + created.id);
  co_return response;
}

boost::asio::awaitable<Response> import_events(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  auto type = context.request.headers.get("Content-Type");
  if (!type || !iequals(type->substr(0, std::min<std::size_t>(type->size(), 13)), "text/calendar")) {
    throw domain::Error(Problem::unsupported_media_type, detail("send_calendar"));
  }
  auto organisation = context.query.get("organisation");
  auto report = co_await services::import_events(context.backend.db, caller, organisation, context.request.body);
  const std::string events_url = context.backend.public_url + "/v1/events/";
  // A reason in the reader's language: the problem's detail, or its fields and their messages.
  const pages::Language language = pages::language_of(preferred_language(context.request));
  auto reason_text = [&](const domain::Error& reason) {
    if (reason.fields().empty()) return pages::problem_detail(reason, language);
    std::string out;
    for (const auto& e : reason.fields()) {
      out += (out.empty() ? "" : "; ") + e.field + " " + pages::field_message(e, language);
    }
    return out;
  };
  auto written = [&](const std::vector<services::ImportReport::Written>& list) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& w : list) {
      out.push_back({{"id", w.id}, {"uid", w.uid}, {"url", events_url + w.id}, {"missing", w.missing}});
    }
    return out;
  };
  auto existing = [&](const std::vector<services::ImportReport::Existing>& list, bool with_reason) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& x : list) {
      nlohmann::json item = {{"id", x.id}, {"uid", x.uid}, {"url", events_url + x.id}};
      if (with_reason && x.reason) item["reason"] = reason_text(*x.reason);
      out.push_back(std::move(item));
    }
    return out;
  };
  nlohmann::json sessions = nlohmann::json::array();
  for (const auto& c : report.created_sessions) {
    sessions.push_back({{"id", c.id},
                        {"uid", c.uid},
                        {"event_id", c.event_id},
                        {"url", events_url + c.event_id + "/sessions/" + c.id}});
  }
  nlohmann::json skipped = nlohmann::json::array();
  for (const auto& s : report.skipped) skipped.push_back({{"uid", s.uid}, {"reason", reason_text(s.reason)}});
  nlohmann::json body = {{"created", written(report.created)},
                         {"updated", written(report.updated)},
                         {"unchanged", existing(report.unchanged, false)},
                         {"conflicts", existing(report.conflicts, true)},
                         {"created_sessions", std::move(sessions)},
                         {"skipped", std::move(skipped)}};
  // 201 when the upload created anything (events or sessions); what it created is listed
  // in the body, there being no single Location.
  const bool created_any = !report.created.empty() || !report.created_sessions.empty();
  co_return json_response(created_any ? 201 : 200, body);
}

boost::asio::awaitable<Response> list_events(RequestContext& context) {
  auto caller = co_await authenticate(context);
  // Every filter of read_event_list_filters; not include=, which only adds to each item.
  const Page request_page = read_page(
      context, {"organiser", "partner", "series", "kind", "format", "status", "tag", "from", "to", "tz", "q"});
  auto query = read_list_query(context.query, request_page, context.backend.default_timezone);
  query.include_organisers = read_includes(context.query, {"organiser"}).organiser;
  const bool with_organisers = query.include_organisers;
  auto page = co_await services::list_events(context.backend.db, caller, std::move(query));
  // Written as text (dto::append_event_json): building, sorting and dumping 50 documents was
  // most of the list's time in eventd.
  std::string body(kPagedItemsStart);
  body.reserve(page.items.size() * 2048 + 256);
  std::string included;
  for (const auto& e : page.items) {
    if (with_organisers) {
      auto organiser = std::find_if(page.organisers.begin(), page.organisers.end(),
                                    [&](const domain::Organisation& o) { return o.id == e.organiser_id; });
      const nlohmann::json value = {{"organiser", organiser == page.organisers.end()
                                                      ? nlohmann::json(nullptr)
                                                      : dto::organisation_json(*organiser)}};
      included = value.dump();
    }
    if (&e != &page.items.front()) body += ',';
    dto::append_event_json(body, e, may_see_stream_url(e, caller), caller.can_manage(e.organiser_id),
                           context.backend.public_url, context.backend.frontend_url, included);
  }
  std::optional<std::vector<std::string>> next;
  if (page.next) next = {std::to_string(page.next->first), page.next->second};
  auto response = paged_response_text(context, request_page, std::move(body), next);
  response.headers.set("Vary", "Authorization");
  co_return response;
}

boost::asio::awaitable<Response> get_event(RequestContext& context) {
  auto caller = co_await authenticate(context);
  const services::EventIncludes with = read_includes(context.query, {"organiser", "partners", "sessions", "speakers"});
  if (with.any()) {
    // The event page's data in one answer. Its ETag adds a digest of what was included, which
    // If-Match ignores (as it ignores the counts); no Last-Modified, since a session's change
    // does not move the event's.
    auto page = co_await services::get_event_with(context.backend.db, caller, context.param("id"), with);
    const domain::Event& e = page.event;
    nlohmann::json body = dto::event_json(e, may_see_stream_url(e, caller), caller.can_manage(e.organiser_id),
                                          context.backend.public_url, context.backend.frontend_url);
    body["included"] = included_json(page, with, caller);
    const std::string etag = etag_for(
        e.id, e.version, "c" + std::to_string(e.counts.version) + "i" + content_digest(body["included"].dump()));
    Response response = is_not_modified(context.request, etag, std::nullopt) ? not_modified(etag, std::nullopt)
                                                                             : json_response(200, body);
    if (response.status == 200) set_validators(response, etag, std::nullopt);
    response.headers.set("Vary", "Authorization");
    co_return response;
  }
  auto event = co_await services::get_event(context.backend.db, caller, context.param("id"));
  const std::string etag = event_etag(event);
  if (is_not_modified(context.request, etag, event_last_modified(event))) {
    auto response = not_modified(etag, event_last_modified(event));
    response.headers.set("Vary", "Authorization");
    co_return response;
  }
  co_return event_response(200, event, caller, context);
}

boost::asio::awaitable<Response> patch_event(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  auto patch = parse_json_body(context.request, /*merge_patch=*/true);
  dto::require_object(patch);
  auto change = [&patch, &caller, &context](const domain::Event& current) {
    const nlohmann::json read =
        dto::event_json(current, may_see_stream_url(current, caller), caller.can_manage(current.organiser_id),
                        context.backend.public_url, context.backend.frontend_url);
    // Moving: what changes without this client (registrations, partners' answers, another
    // client's write, the slug or the organisation's frontend_url behind `links`); If-Match
    // is what guards against a lost update, not these.
    auto read_only = dto::drop_read_only(patch, read, {"id", "calendar_url", "webcal_url", "created_at"},
                                         {"counts", "partners", "included", "links", "sequence", "updated_at"});
    nlohmann::json document = dto::event_request_json(current);
    document.merge_patch(patch);
    services::EventDraft draft = dto::read_event_draft(document);
    draft.errors.insert(draft.errors.end(), read_only.begin(), read_only.end());
    return draft;
  };
  // A named value: g++ 12 destroys a temporary argument of a co_await expression twice.
  services::MailContext mail = mail_context_of(context.backend);  // named: see services/mail_outbox.hpp
  auto updated = co_await services::update_event(context.backend.db, caller, context.param("id"),
                                                 if_match(context.request), change, mail);
  co_return event_response(200, updated, caller, context);
}

boost::asio::awaitable<Response> delete_event(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  co_await services::delete_event(context.backend.db, caller, context.param("id"), if_match(context.request));
  Response response;
  response.status = 204;
  co_return response;
}

}  // namespace eventd::http::handlers
