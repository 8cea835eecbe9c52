#include "http/handlers/delegations.hpp"

#include "http/auth.hpp"
#include "http/backend.hpp"
#include "http/conditional.hpp"
#include "http/context.hpp"
#include "http/dto/delegation.hpp"
#include "http/dto/reader.hpp"
#include "http/json.hpp"
#include "http/mail_context.hpp"
#include "http/public_writes.hpp"
#include "services/mail_outbox.hpp"

namespace eventd::http::handlers {

namespace {

// Its leader is shown their calendar's links (derived from their token) beside it.
nlohmann::json delegation_body(const domain::Delegation& d, const RequestContext& context,
                               const std::optional<std::string>& leader_token) {
  nlohmann::json body = dto::delegation_json(d);
  if (leader_token) {
    const FeedLinks feed =
        personal_feed_links(context.backend.public_url, services::leader_feed_token_for(*leader_token));
    body["feed_url"] = feed.https;
    body["webcal_url"] = feed.webcal;
  }
  return body;
}

// The contact person's details are personal data.
Response delegation_response(int status, const nlohmann::json& body, const domain::Delegation& d) {
  Response response = json_response(status, body);
  set_validators(response, etag_for(d.id, d.version), d.updated_at);
  mark_personal(response);
  return response;
}

// A leader token (evd_...) is the delegation's leader; anything else must be an API key.
boost::asio::awaitable<services::DelegationAccess> access_of(RequestContext& context) {
  services::DelegationAccess access;
  auto token = bearer_token(context.request);
  if (token && token->starts_with(services::kLeaderTokenPrefix)) {
    context.caller_note.credential = "leader_token";
    access.leader_token = *token;
  } else {
    access.caller = co_await authenticate(context);
  }
  co_return access;
}

}  // namespace

boost::asio::awaitable<Response> create_delegation(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  auto draft = dto::read_delegation(parse_json_body(context.request));
  auto created =
      co_await services::create_delegation(context.backend.db, caller, context.param("id"), std::move(draft));
  auto response = delegation_response(201, dto::delegation_json(created), created);
  response.headers.set("Location",
                       context.backend.public_url + "/v1/events/" + created.event_id + "/delegations/" + created.id);
  co_return response;
}

boost::asio::awaitable<Response> list_delegations(RequestContext& context) {
  auto access = co_await access_of(context);
  auto found = co_await services::list_delegations(context.backend.db, access, context.param("id"));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& d : found) items.push_back(delegation_body(d, context, access.leader_token));
  // Every delegation of the event at once (db::kMaxDelegationsPerEvent): no next page.
  Response response = json_response(200, {{"items", std::move(items)}, {"next_cursor", nullptr}});
  mark_personal(response);
  co_return response;
}

boost::asio::awaitable<Response> get_delegation(RequestContext& context) {
  auto access = co_await access_of(context);
  auto found = co_await services::get_delegation(context.backend.db, access, context.param("id"),
                                                 context.param("delegation_id"));
  const std::string etag = etag_for(found.id, found.version);
  if (is_not_modified(context.request, etag, found.updated_at)) {
    Response response = not_modified(etag, found.updated_at);
    mark_personal(response);
    co_return response;
  }
  co_return delegation_response(200, delegation_body(found, context, access.leader_token), found);
}

boost::asio::awaitable<Response> patch_delegation(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  auto patch = parse_json_body(context.request, /*merge_patch=*/true);
  dto::require_object(patch);
  const Request& request = context.request;
  auto change = [&patch, &request](const domain::Delegation& current) {
    check_if_match(request, etag_for(current.id, current.version));
    auto read_only = dto::drop_read_only(patch, dto::delegation_json(current), {"id", "event_id", "created_at"},
                                         {"counts", "has_leader_token", "feed_url", "webcal_url", "updated_at"});
    nlohmann::json document = dto::delegation_request_json(current);
    document.merge_patch(patch);
    services::DelegationDraft draft = dto::read_delegation(document);
    draft.errors.insert(draft.errors.end(), read_only.begin(), read_only.end());
    return draft;
  };
  services::MailContext mail = mail_context_of(context.backend);  // named: see services/mail_outbox.hpp
  auto updated = co_await services::patch_delegation(context.backend.db, caller, context.param("id"),
                                                     context.param("delegation_id"), change, mail);
  co_return delegation_response(200, dto::delegation_json(updated), updated);
}

boost::asio::awaitable<Response> delete_delegation(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  const Request& request = context.request;
  co_await services::delete_delegation(context.backend.db, caller, context.param("id"), context.param("delegation_id"),
                                       [&request](const domain::Delegation& current) {
                                         check_if_match(request, etag_for(current.id, current.version));
                                       });
  Response response;
  response.status = 204;
  co_return response;
}

boost::asio::awaitable<Response> issue_leader_token(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  auto issued = co_await services::issue_leader_token(context.backend.db, caller, context.param("id"),
                                                      context.param("delegation_id"));
  const FeedLinks feed = personal_feed_links(context.backend.public_url, issued.feed_token);
  nlohmann::json body = {{"leader_token", issued.token},
                         {"feed_url", feed.https},
                         {"webcal_url", feed.webcal},
                         {"delegation", dto::delegation_json(issued.delegation)}};
  Response response = json_response(201, body);
  mark_personal(response);
  co_return response;
}

}  // namespace eventd::http::handlers
