#include "http/handlers/sessions.hpp"

#include <charconv>

#include "db/support.hpp"
#include "domain/error.hpp"
#include "http/auth.hpp"
#include "http/backend.hpp"
#include "http/conditional.hpp"
#include "http/context.hpp"
#include "http/dto/reader.hpp"
#include "http/dto/session.hpp"
#include "http/json.hpp"
#include "http/mail_context.hpp"
#include "http/pagination.hpp"
#include "services/mail_outbox.hpp"
#include "services/session_service.hpp"

namespace eventd::http::handlers {

namespace {

Response session_response(int status, const services::SessionInEvent& found) {
  Response response = json_response(status, dto::session_json(found.session, found.timezone));
  set_validators(response, etag_for(found.session.id, found.session.version), found.session.updated_at);
  return response;
}

// The cursor is the last row's (starts_at in microseconds, id).
std::optional<db::SessionCursor> read_cursor(const Page& page) {
  if (!page.after) return std::nullopt;
  const auto& key = *page.after;
  db::SessionCursor cursor;
  bool ok = key.size() == 2 && db::is_uuid(key[1]);
  if (ok) {
    auto [end, ec] = std::from_chars(key[0].data(), key[0].data() + key[0].size(), cursor.starts_us);
    ok = ec == std::errc{} && end == key[0].data() + key[0].size();
  }
  if (!ok) throw domain::Error(domain::Problem::invalid_cursor);
  cursor.id = key[1];
  return cursor;
}

}  // namespace

boost::asio::awaitable<Response> create_session(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  auto draft = dto::read_session(parse_json_body(context.request));
  auto created = co_await services::create_session(context.backend.db, caller, context.param("id"), std::move(draft));
  auto response = session_response(201, created);
  response.headers.set("Location", context.backend.public_url + "/v1/events/" + created.session.event_id +
                                       "/sessions/" + created.session.id);
  co_return response;
}

boost::asio::awaitable<Response> list_sessions(RequestContext& context) {
  auto caller = co_await authenticate(context);
  auto page = read_page(context);
  auto found =
      co_await services::list_sessions(context.backend.db, caller, context.param("id"), read_cursor(page), page.limit);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& s : found.items) items.push_back(dto::session_json(s, found.timezone));
  std::optional<std::vector<std::string>> next;
  if (found.has_more) {
    const auto& last = found.items.back();
    next = {std::to_string(db::to_us(last.starts_at)), last.id};
  }
  co_return paged_response(context, page, std::move(items), next);
}

boost::asio::awaitable<Response> get_session(RequestContext& context) {
  auto caller = co_await authenticate(context);
  auto found =
      co_await services::get_session(context.backend.db, caller, context.param("id"), context.param("session_id"));
  const std::string etag = etag_for(found.session.id, found.session.version);
  if (is_not_modified(context.request, etag, found.session.updated_at)) {
    co_return not_modified(etag, found.session.updated_at);
  }
  co_return session_response(200, found);
}

boost::asio::awaitable<Response> patch_session(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  auto patch = parse_json_body(context.request, /*merge_patch=*/true);
  dto::require_object(patch);
  const Request& request = context.request;
  auto change = [&patch, &request](const domain::Session& current, const std::string& timezone) {
    check_if_match(request, etag_for(current.id, current.version));
    const nlohmann::json shown = dto::session_json(current, timezone);
    auto read_only = dto::drop_read_only(patch, shown, {"id", "event_id", "created_at"}, {"updated_at"});
    // What GET gave, sent back, is no change: the effective zone it shows (which may be the
    // event's while the session has none of its own) and the times written in that zone's
    // offset (read again in a zone changed by this patch they would be another offset's).
    for (const char* member : {"timezone", "starts_at", "ends_at"}) {
      if (patch.contains(member) && patch[member] == shown[member]) patch.erase(member);
    }
    nlohmann::json document = dto::session_request_json(current);
    document.merge_patch(patch);
    services::SessionDraft draft = dto::read_session(document);
    draft.errors.insert(draft.errors.end(), read_only.begin(), read_only.end());
    return draft;
  };
  // A named value: g++ 12 destroys a temporary argument of a co_await expression twice.
  services::MailContext mail = mail_context_of(context.backend);  // named: see services/mail_outbox.hpp
  auto updated = co_await services::patch_session(context.backend.db, caller, context.param("id"),
                                                  context.param("session_id"), change, mail);
  co_return session_response(200, updated);
}

boost::asio::awaitable<Response> delete_session(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  const Request& request = context.request;
  services::MailContext mail = mail_context_of(context.backend);  // named: see services/mail_outbox.hpp
  co_await services::delete_session(
      context.backend.db, caller, context.param("id"), context.param("session_id"),
      [&request](const domain::Session& current) { check_if_match(request, etag_for(current.id, current.version)); },
      mail);
  Response response;
  response.status = 204;
  co_return response;
}

}  // namespace eventd::http::handlers
