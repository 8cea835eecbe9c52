#include "http/handlers/webhooks.hpp"

#include "http/auth.hpp"
#include "http/backend.hpp"
#include "http/conditional.hpp"
#include "http/context.hpp"
#include "http/dto/reader.hpp"
#include "http/dto/webhook.hpp"
#include "http/json.hpp"
#include "http/pagination.hpp"
#include "http/public_writes.hpp"

namespace eventd::http::handlers {

namespace {

services::WebhookSettings settings_of(const Backend& backend) {
  return services::WebhookSettings{backend.data_key, backend.webhook_policy};
}

Response webhook_response(int status, nlohmann::json body, const domain::WebhookSubscription& s) {
  Response response = json_response(status, std::move(body));
  set_validators(response, etag_for(s.id, s.version), s.updated_at);
  mark_personal(response);
  return response;
}

// The subscription with its secret, which is shown only in this answer.
nlohmann::json with_secret(const services::WebhookWithSecret& w) {
  nlohmann::json body = dto::webhook_json(w.subscription);
  body["secret"] = w.secret;
  return body;
}

std::optional<std::string> state_filter(const RequestContext& context) {
  auto state = context.query.get("state");
  if (!state || state->empty()) return std::nullopt;
  if (*state != "pending" && *state != "delivered" && *state != "failed" && *state != "discarded") {
    throw domain::Error(
        domain::Problem::bad_request,
        domain::detail("query_one_of", {{"name", "state"}, {"allowed", "pending, delivered, failed, discarded"}}));
  }
  return std::string(*state);
}

}  // namespace

boost::asio::awaitable<Response> create_webhook(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  auto draft = dto::read_webhook(parse_json_body(context.request));
  auto created =
      co_await services::create_webhook(context.backend.db, caller, std::move(draft), settings_of(context.backend));
  auto response = webhook_response(201, with_secret(created), created.subscription);
  response.headers.set("Location", context.backend.public_url + "/v1/webhooks/" + created.subscription.id);
  co_return response;
}

boost::asio::awaitable<Response> list_webhooks(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  std::optional<std::string> organisation;
  if (auto o = context.query.get("organisation_id"); o && !o->empty()) organisation = std::string(*o);
  auto found = co_await services::list_webhooks(context.backend.db, caller, organisation);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& s : found) items.push_back(dto::webhook_json(s));
  // At most kMaxWebhooksPerOrganisation each: no next page.
  Response response = json_response(200, {{"items", std::move(items)}, {"next_cursor", nullptr}});
  mark_personal(response);
  co_return response;
}

boost::asio::awaitable<Response> get_webhook(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  auto found = co_await services::get_webhook(context.backend.db, caller, context.param("id"));
  const std::string etag = etag_for(found.id, found.version);
  if (is_not_modified(context.request, etag, found.updated_at)) {
    Response response = not_modified(etag, found.updated_at);
    mark_personal(response);
    co_return response;
  }
  co_return webhook_response(200, dto::webhook_json(found), found);
}

boost::asio::awaitable<Response> patch_webhook(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  auto patch = parse_json_body(context.request, /*merge_patch=*/true);
  dto::require_object(patch);
  const Request& request = context.request;
  auto change = [&patch, &request](const domain::WebhookSubscription& current) {
    check_if_match(request, etag_for(current.id, current.version));
    auto read_only = dto::drop_read_only(patch, dto::webhook_json(current), {"id", "organisation_id", "created_at"},
                                         {"disabled_reason", "previous_secret_until", "updated_at"});
    nlohmann::json document = dto::webhook_request_json(current);
    document.merge_patch(patch);
    services::WebhookDraft draft = dto::read_webhook(document);
    draft.errors.insert(draft.errors.end(), read_only.begin(), read_only.end());
    return draft;
  };
  auto updated = co_await services::patch_webhook(context.backend.db, caller, context.param("id"), change,
                                                  settings_of(context.backend));
  co_return webhook_response(200, dto::webhook_json(updated), updated);
}

boost::asio::awaitable<Response> delete_webhook(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  const Request& request = context.request;
  co_await services::delete_webhook(context.backend.db, caller, context.param("id"),
                                    [&request](const domain::WebhookSubscription& current) {
                                      check_if_match(request, etag_for(current.id, current.version));
                                    });
  Response response;
  response.status = 204;
  co_return response;
}

boost::asio::awaitable<Response> rotate_webhook_secret(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  // The old secret signs beside the new one for a day unless the body says otherwise.
  std::chrono::seconds overlap{24 * 3600};
  if (!context.request.body.empty()) {
    const nlohmann::json body = parse_json_body(context.request);
    domain::Validator errors;
    dto::ObjectReader r(body, errors);
    if (auto seconds = r.integer("overlap_seconds")) overlap = std::chrono::seconds(*seconds);
    r.reject_unknown();
    errors.throw_if_any();
  }
  auto rotated = co_await services::rotate_webhook_secret(context.backend.db, caller, context.param("id"), overlap,
                                                          settings_of(context.backend));
  co_return webhook_response(200, with_secret(rotated), rotated.subscription);
}

boost::asio::awaitable<Response> list_webhook_deliveries(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  services::WebhookDeliveryQuery query;
  query.state = state_filter(context);
  auto page = read_page(context, {"state"});
  query.before_seq = read_seq_cursor(page);
  query.limit = page.limit;
  auto found = co_await services::list_webhook_deliveries(context.backend.db, caller, context.param("id"), query);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& d : found.items) items.push_back(dto::webhook_delivery_json(d));
  std::optional<std::vector<std::string>> next;
  if (found.next_seq) next = {std::to_string(*found.next_seq)};
  Response response = paged_response(context, page, std::move(items), next);
  mark_personal(response);
  co_return response;
}

boost::asio::awaitable<Response> get_webhook_delivery(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  auto found = co_await services::get_webhook_delivery(context.backend.db, caller, context.param("id"),
                                                       context.param("delivery_id"));
  Response response = json_response(200, dto::webhook_delivery_json(found));
  mark_personal(response);
  co_return response;
}

boost::asio::awaitable<Response> replay_webhook_delivery(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  auto replayed = co_await services::replay_webhook_delivery(context.backend.db, caller, context.param("id"),
                                                             context.param("delivery_id"));
  Response response = json_response(201, dto::webhook_delivery_json(replayed));
  response.headers.set(
      "Location", context.backend.public_url + "/v1/webhooks/" + context.param("id") + "/deliveries/" + replayed.id);
  mark_personal(response);
  co_return response;
}

boost::asio::awaitable<Response> replay_webhooks(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  const nlohmann::json body = parse_json_body(context.request);
  dto::require_object(body);
  domain::Validator errors;
  dto::ObjectReader r(body, errors);
  r.required("since");
  auto since = r.instant("since");
  r.reject_unknown();
  errors.throw_if_any();
  const std::size_t count =
      co_await services::replay_webhooks_since(context.backend.db, caller, context.param("id"), *since);
  Response response = json_response(202, {{"replayed", count}});
  mark_personal(response);
  co_return response;
}

boost::asio::awaitable<Response> list_webhook_event_types(RequestContext& context) {
  // Public, and the same for every caller; but a bad key is still a 401 (openapi: on any /v1 request).
  co_await authenticate(context);
  Response response = json_response(200, dto::webhook_event_types_json(context.backend.public_url));
  response.headers.set("Cache-Control", "public, max-age=3600");
  co_return response;
}

}  // namespace eventd::http::handlers
