#include "http/handlers/speakers.hpp"

#include "db/support.hpp"
#include "domain/error.hpp"
#include "http/auth.hpp"
#include "http/backend.hpp"
#include "http/conditional.hpp"
#include "http/context.hpp"
#include "http/dto/reader.hpp"
#include "http/dto/speaker.hpp"
#include "http/json.hpp"
#include "http/pagination.hpp"
#include "services/speaker_service.hpp"

namespace eventd::http::handlers {

namespace {

// email and phone: the organisers of the owning organisation and admins only.
nlohmann::json speaker_json(const domain::Speaker& s, const domain::Caller& caller) {
  return dto::speaker_json(s, services::may_manage(caller, s));
}

Response speaker_response(int status, const domain::Speaker& s, const domain::Caller& caller) {
  Response response = json_response(status, speaker_json(s, caller));
  set_validators(response, etag_for(s.id, s.version), s.updated_at);
  // The representation depends on the caller (email, phone).
  response.headers.set("Vary", "Authorization");
  return response;
}

// The cursor is the last row's (name, id).
std::optional<db::SpeakerCursor> read_cursor(const Page& page) {
  if (!page.after) return std::nullopt;
  const auto& key = *page.after;
  if (key.size() != 2 || !db::is_uuid(key[1])) {
    throw domain::Error(domain::Problem::invalid_cursor);
  }
  return db::SpeakerCursor{key[0], key[1]};
}

Response page_response(const RequestContext& context, const Page& request_page, const services::SpeakerPage& page,
                       const domain::Caller& caller) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& s : page.items) items.push_back(speaker_json(s, caller));
  std::optional<std::vector<std::string>> next;
  if (page.has_more) next = {page.items.back().name, page.items.back().id};
  Response response = paged_response(context, request_page, std::move(items), next);
  response.headers.set("Vary", "Authorization");
  return response;
}

}  // namespace

boost::asio::awaitable<Response> create_speaker(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);  // an organiser (for its own organisation) or an admin
  auto draft = dto::read_speaker(parse_json_body(context.request));
  auto created = co_await services::create_speaker(context.backend.db, caller, std::move(draft));
  auto response = speaker_response(201, created, caller);
  response.headers.set("Location", context.backend.public_url + "/v1/speakers/" + created.id);
  co_return response;
}

boost::asio::awaitable<Response> list_speakers(RequestContext& context) {
  auto caller = co_await authenticate(context);
  auto page = read_page(context, {"q", "organisation"});
  db::SpeakerFilter filter;
  filter.q = context.query.get("q");
  if (filter.q && filter.q->empty()) filter.q.reset();
  if (filter.q && filter.q->size() > 300) {
    throw domain::Error(domain::Problem::bad_request,
                        domain::detail("query_too_long", {{"name", "q"}, {"max", "300"}}));
  }
  filter.organisation = context.query.get("organisation");
  if (filter.organisation && filter.organisation->empty()) filter.organisation.reset();
  filter.after = read_cursor(page);
  filter.limit = page.limit;
  auto found = co_await services::list_speakers(context.backend.db, caller, std::move(filter));
  co_return page_response(context, page, found, caller);
}

boost::asio::awaitable<Response> get_speaker(RequestContext& context) {
  auto caller = co_await authenticate(context);
  auto speaker = co_await services::get_speaker(context.backend.db, caller, context.param("id"));
  const std::string etag = etag_for(speaker.id, speaker.version);
  if (is_not_modified(context.request, etag, speaker.updated_at)) {
    auto response = not_modified(etag, speaker.updated_at);
    response.headers.set("Vary", "Authorization");
    co_return response;
  }
  co_return speaker_response(200, speaker, caller);
}

boost::asio::awaitable<Response> patch_speaker(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  auto patch = parse_json_body(context.request, /*merge_patch=*/true);
  dto::require_object(patch);
  const Request& request = context.request;
  auto change = [&patch, &request](const domain::Speaker& current) {
    check_if_match(request, etag_for(current.id, current.version));
    auto read_only = dto::drop_read_only(patch, dto::speaker_json(current, /*show_private=*/true), {"id", "created_at"},
                                         {"updated_at"});
    nlohmann::json document = dto::speaker_request_json(current);
    document.merge_patch(patch);
    services::SpeakerDraft draft = dto::read_speaker(document);
    draft.errors.insert(draft.errors.end(), read_only.begin(), read_only.end());
    return draft;
  };
  auto updated = co_await services::patch_speaker(context.backend.db, caller, context.param("id"), change);
  co_return speaker_response(200, updated, caller);
}

boost::asio::awaitable<Response> delete_speaker(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  const Request& request = context.request;
  co_await services::delete_speaker(
      context.backend.db, caller, context.param("id"),
      [&request](const domain::Speaker& current) { check_if_match(request, etag_for(current.id, current.version)); });
  Response response;
  response.status = 204;
  co_return response;
}

boost::asio::awaitable<Response> list_event_speakers(RequestContext& context) {
  auto caller = co_await authenticate(context);
  auto page = read_page(context);
  auto found = co_await services::list_event_speakers(context.backend.db, caller, context.param("id"),
                                                      read_cursor(page), page.limit);
  co_return page_response(context, page, found, caller);
}

}  // namespace eventd::http::handlers
