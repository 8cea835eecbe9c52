#include "http/handlers/rooms.hpp"

#include "http/auth.hpp"
#include "http/backend.hpp"
#include "http/conditional.hpp"
#include "http/context.hpp"
#include "http/dto/reader.hpp"
#include "http/dto/room.hpp"
#include "http/json.hpp"
#include "http/public_writes.hpp"

namespace eventd::http::handlers {

namespace {

// The assignments change the representation without the room's version (they are rows of
// their own, and a cancellation deletes them without the room): they are the tag's derived
// part, which If-Match ignores, so a bed given meanwhile does not make an organiser's edit of
// the room a 412. For the same reason a room has no Last-Modified: its updated_at does not
// move with its assignments, so If-Modified-Since could not be answered truthfully.
std::string room_etag(const domain::Room& room) {
  std::string assigned;
  for (const auto& a : room.assignments) {
    assigned += a.id + "|" + a.name.value_or("") + "|" + domain::format_date(a.first_night) + "|" +
                domain::format_date(a.last_night) + ";";
  }
  return etag_for(room.id, room.version, content_digest(assigned));
}

// Who sleeps where is personal data.
Response room_response(int status, const domain::Room& room) {
  Response response = json_response(status, dto::room_json(room));
  set_validators(response, room_etag(room), std::nullopt);
  mark_personal(response);
  return response;
}

bool wants_csv(const Request& request) {
  auto accept = request.headers.get("Accept");
  return accept && accept->find("text/csv") != std::string_view::npos;
}

}  // namespace

boost::asio::awaitable<Response> create_room(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  auto draft = dto::read_room(parse_json_body(context.request));
  auto created = co_await services::create_room(context.backend.db, caller, context.param("id"), std::move(draft));
  auto response = room_response(201, created);
  response.headers.set("Location",
                       context.backend.public_url + "/v1/events/" + created.event_id + "/rooms/" + created.id);
  co_return response;
}

boost::asio::awaitable<Response> list_rooms(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  auto found = co_await services::list_rooms(context.backend.db, caller, context.param("id"));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& room : found) items.push_back(dto::room_json(room));
  // Every room of the event at once (db::kMaxRoomsPerEvent): no next page.
  Response response = json_response(200, {{"items", std::move(items)}, {"next_cursor", nullptr}});
  mark_personal(response);
  co_return response;
}

boost::asio::awaitable<Response> get_room(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  auto found = co_await services::get_room(context.backend.db, caller, context.param("id"), context.param("room_id"));
  const std::string etag = room_etag(found);
  if (is_not_modified(context.request, etag, std::nullopt)) {
    Response response = not_modified(etag, std::nullopt);
    mark_personal(response);
    co_return response;
  }
  co_return room_response(200, found);
}

boost::asio::awaitable<Response> patch_room(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  auto patch = parse_json_body(context.request, /*merge_patch=*/true);
  dto::require_object(patch);
  const Request& request = context.request;
  auto change = [&patch, &request](const domain::Room& current) {
    check_if_match(request, room_etag(current));
    auto read_only = dto::drop_read_only(patch, dto::room_json(current), {"id", "event_id", "created_at"},
                                         {"assignments", "updated_at"});
    nlohmann::json document = dto::room_request_json(current);
    document.merge_patch(patch);
    services::RoomDraft draft = dto::read_room(document);
    draft.errors.insert(draft.errors.end(), read_only.begin(), read_only.end());
    return draft;
  };
  auto updated =
      co_await services::patch_room(context.backend.db, caller, context.param("id"), context.param("room_id"), change);
  co_return room_response(200, updated);
}

boost::asio::awaitable<Response> delete_room(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  const Request& request = context.request;
  co_await services::delete_room(
      context.backend.db, caller, context.param("id"), context.param("room_id"),
      [&request](const domain::Room& current) { check_if_match(request, room_etag(current)); });
  Response response;
  response.status = 204;
  co_return response;
}

boost::asio::awaitable<Response> create_room_assignment(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  auto draft = dto::read_room_assignment(parse_json_body(context.request));
  auto assigned = co_await services::assign_room(context.backend.db, caller, context.param("id"),
                                                 context.param("room_id"), std::move(draft));
  Response response = json_response(201, dto::room_assignment_json(assigned));
  mark_personal(response);
  co_return response;
}

boost::asio::awaitable<Response> delete_room_assignment(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  co_await services::unassign_room(context.backend.db, caller, context.param("id"), context.param("room_id"),
                                   context.param("assignment_id"));
  Response response;
  response.status = 204;
  co_return response;
}

boost::asio::awaitable<Response> get_rooming_list(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  auto list = co_await services::rooming_list(context.backend.db, caller, context.param("id"));
  Response response;
  if (wants_csv(context.request)) {
    response.status = 200;
    response.body = dto::rooming_list_csv(list);
    response.headers.set("Content-Type", "text/csv; charset=utf-8; header=present");
    response.headers.set("Content-Disposition", "attachment; filename=\"rooming-list.csv\"");
  } else {
    response = json_response(200, dto::rooming_list_json(list));
  }
  mark_personal(response);
  co_return response;
}

}  // namespace eventd::http::handlers
