#include "http/handlers/api_keys.hpp"

#include <charconv>

#include "db/support.hpp"
#include "domain/error.hpp"
#include "http/auth.hpp"
#include "http/backend.hpp"
#include "http/conditional.hpp"
#include "http/context.hpp"
#include "http/dto/api_key.hpp"
#include "http/json.hpp"
#include "http/pagination.hpp"
#include "services/api_key_service.hpp"

namespace eventd::http::handlers {

namespace {

// The cursor is (created_at in microseconds, id) of the last key on the page.
std::optional<db::ApiKeyCursor> api_key_cursor(const Page& page) {
  if (!page.after) return std::nullopt;
  const auto& key = *page.after;
  db::ApiKeyCursor cursor;
  bool ok = key.size() == 2 && db::is_uuid(key[1]);
  if (ok) {
    const auto& us = key[0];
    auto [end, ec] = std::from_chars(us.data(), us.data() + us.size(), cursor.created_at_us);
    ok = ec == std::errc{} && end == us.data() + us.size();
  }
  if (!ok) throw domain::Error(domain::Problem::invalid_cursor);
  cursor.id = key[1];
  return cursor;
}

}  // namespace

boost::asio::awaitable<Response> create_api_key(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_admin(caller);
  auto body = parse_json_body(context.request);
  auto request = dto::read_api_key_create(body);
  auto created = co_await services::create_api_key(context.backend.db, request);
  auto response = json_response(201, dto::created_api_key_json(created));
  response.headers.set("ETag", etag_of_content(response.body));
  // The key is in this answer only: no cache on the way may keep it.
  response.headers.set("Cache-Control", "no-store");
  co_return response;
}

boost::asio::awaitable<Response> list_api_keys(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_admin(caller);
  auto page = read_page(context);
  auto after = api_key_cursor(page);
  auto result = co_await services::list_api_keys(context.backend.db, page.limit, after);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& key : result.items) items.push_back(dto::api_key_json(key));
  std::optional<std::vector<std::string>> next;
  if (result.has_more) {
    const auto& last = result.items.back();
    next = {std::to_string(db::to_us(last.created_at)), last.id};
  }
  auto response = paged_response(context, page, std::move(items), next);
  response.headers.set("Cache-Control", "no-store");
  co_return response;
}

boost::asio::awaitable<Response> current_api_key(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  auto current = co_await services::current_api_key(context.backend.db, caller);
  auto response = json_response(200, dto::current_api_key_json(current));
  response.headers.set("ETag", etag_of_content(response.body));
  response.headers.set("Cache-Control", "no-store");
  co_return response;
}

boost::asio::awaitable<Response> revoke_api_key(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_admin(caller);
  co_await services::revoke_api_key(context.backend.db, context.param("id"));
  Response response;
  response.status = 204;
  co_return response;
}

}  // namespace eventd::http::handlers
