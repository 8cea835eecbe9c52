#include "http/handlers/media_requests.hpp"

#include "domain/error.hpp"
#include "domain/links.hpp"
#include "http/auth.hpp"
#include "http/backend.hpp"
#include "http/conditional.hpp"
#include "http/context.hpp"
#include "http/dto/media_request.hpp"
#include "http/dto/reader.hpp"
#include "http/json.hpp"
#include "http/mail_context.hpp"
#include "http/pagination.hpp"
#include "http/public_writes.hpp"
#include "services/media_request_service.hpp"
#include "services/person_service.hpp"

namespace eventd::http::handlers {

namespace {

using domain::Error;
using domain::Problem;

std::string self_url(const RequestContext& context, const std::string& id) {
  return context.backend.public_url + "/v1/media-requests/" + id;
}

// The representation shows the event's title and contacts, which move with the event.
std::string media_request_etag(const services::MediaRequestView& view) {
  return etag_for(view.request.id, view.request.version, "e" + std::to_string(view.event.version));
}

dto::MediaRequestExtras extras_for(const RequestContext& context, const services::MediaRequestView& view) {
  dto::MediaRequestExtras extras;
  extras.self = self_url(context, view.request.id);
  extras.event = &view.event;
  extras.event_url = context.backend.public_url + "/v1/events/" + view.event.id;
  if (view.by_requester) {
    extras.page = domain::PageLinks(context.backend.public_url, context.backend.frontend_url)
                      .for_organisation(view.organisation_frontend_url)
                      .media_request(view.request.id);
  }
  if (view.access) {
    extras.access = dto::MediaAccessLinks{view.access->stream_url, "", ""};
    if (!view.access->feed_token.empty()) {
      auto feed = personal_feed_links(context.backend.public_url, view.access->feed_token);
      extras.access->feed_url = std::move(feed.https);
      extras.access->webcal_url = std::move(feed.webcal);
    }
  }
  return extras;
}

Response view_response(const RequestContext& context, int status, const services::MediaRequestView& view) {
  Response response = json_response(status, dto::media_request_json(view.request, extras_for(context, view)));
  response.headers.set("ETag", media_request_etag(view));
  mark_personal(response);
  return response;
}

// A status token (evs_...) is the requester; anything else must be an API key.
boost::asio::awaitable<services::MediaRequestAccess> access_of(RequestContext& context) {
  services::MediaRequestAccess access;
  auto token = bearer_token(context.request);
  if (token && token->starts_with(services::kStatusTokenPrefix)) {
    context.caller_note.credential = "status_token";
    access.token = *token;
  } else if (token && token->starts_with(services::kPersonTokenPrefix)) {
    context.caller_note.credential = "person_token";
    access.person_token = *token;
  } else {
    access.caller = co_await authenticate(context);
  }
  co_return access;
}

services::MediaRequestListQuery read_list_query(const RequestContext& context, const Page& page) {
  services::MediaRequestListQuery query;
  if (auto status = context.query.get("status"); status && !status->empty()) {
    query.status = domain::parse_media_request_status(*status);
    if (!query.status) {
      throw Error(Problem::bad_request,
                  domain::detail("query_one_of",
                                 {{"name", "status"}, {"allowed", "pending, approved, rejected, withdrawn, revoked"}}));
    }
  }
  query.after_seq = read_seq_cursor(page);
  query.limit = page.limit;
  return query;
}

Response list_response(const RequestContext& context, const Page& request_page,
                       const services::MediaRequestPage& page) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& r : page.items) {
    dto::MediaRequestExtras extras;
    extras.self = self_url(context, r.id);
    items.push_back(dto::media_request_json(r, extras));
  }
  std::optional<std::vector<std::string>> next;
  if (page.next_seq) next = {std::to_string(*page.next_seq)};
  Response response = paged_response(context, request_page, std::move(items), next);
  mark_personal(response);
  return response;
}

}  // namespace

boost::asio::awaitable<Response> create_media_request(RequestContext& context) {
  co_await check_public_write_rate(context);
  // Public, but a bad key is still a 401 (openapi: on any /v1 request).
  co_await authenticate(context);
  auto key = idempotency_key_of(context.request);
  auto draft = dto::read_media_request(parse_json_body(context.request));
  std::optional<services::IdempotencyRequest> idempotency;
  if (key) {
    idempotency = services::IdempotencyRequest{"POST " + context.request.path, *key, context.request.body};
  }
  const RequestContext& ctx = context;
  auto render = [&ctx](const services::NewMediaRequestResult& created) {
    nlohmann::json body = dto::media_request_json(created.view.request, extras_for(ctx, created.view));
    body["status_token"] = created.status_token;
    return services::StoredResponse{202, self_url(ctx, created.view.request.id), body.dump(),
                                    media_request_etag(created.view)};
  };
  services::MailContext mail = mail_context_of(context.backend);  // named: see services/mail_outbox.hpp
  auto answer = co_await services::request_media_access(context.backend.db, context.param("id"), std::move(draft),
                                                        std::move(idempotency), render, mail);
  co_return created_response(answer.response, answer.replayed);
}

boost::asio::awaitable<Response> list_event_media_requests(RequestContext& context) {
  auto caller = co_await authenticate(context);
  const Page request_page = read_page(context, {"status"});
  auto query = read_list_query(context, request_page);
  query.event_ref = context.param("id");
  auto page = co_await services::list_media_requests(context.backend.db, caller, std::move(query));
  co_return list_response(context, request_page, page);
}

boost::asio::awaitable<Response> list_media_requests(RequestContext& context) {
  auto caller = co_await authenticate(context);
  const Page request_page = read_page(context, {"status"});
  auto query = read_list_query(context, request_page);
  auto page = co_await services::list_media_requests(context.backend.db, caller, std::move(query));
  co_return list_response(context, request_page, page);
}

boost::asio::awaitable<Response> get_media_request(RequestContext& context) {
  auto access = co_await access_of(context);
  auto view = co_await services::get_media_request(context.backend.db, context.param("id"), access);
  const std::string etag = media_request_etag(view);
  if (is_not_modified(context.request, etag, std::nullopt)) {
    Response response = not_modified(etag, std::nullopt);
    mark_personal(response);
    co_return response;
  }
  co_return view_response(context, 200, view);
}

boost::asio::awaitable<Response> rotate_media_feed_link(RequestContext& context) {
  auto access = co_await access_of(context);
  auto view = co_await services::rotate_media_feed_token(context.backend.db, context.param("id"), access);
  co_return view_response(context, 200, view);
}

boost::asio::awaitable<Response> decide_media_request(RequestContext& context) {
  auto access = co_await access_of(context);
  auto input = dto::read_media_decision(parse_json_body(context.request, /*merge_patch=*/true));
  const Request& request = context.request;
  auto precondition = [&request](const domain::MediaRequest& current) {
    // The tag's event part is ignored by If-Match: a decision does not depend on it.
    check_if_match(request, etag_for(current.id, current.version));
  };
  services::MailContext mail = mail_context_of(context.backend);  // named: see services/mail_outbox.hpp
  auto view = co_await services::decide_media_request(context.backend.db, context.param("id"), access, std::move(input),
                                                      precondition, mail);
  co_return view_response(context, 200, view);
}

boost::asio::awaitable<Response> withdraw_media_request(RequestContext& context) {
  auto access = co_await access_of(context);
  bool erase = false;
  if (auto value = context.query.get("erase")) {
    if (*value != "true" && *value != "false")
      throw Error(Problem::bad_request, domain::detail("query_boolean", {{"name", "erase"}}));
    erase = *value == "true";
  }
  const Request& request = context.request;
  auto precondition = [&request](const domain::MediaRequest& current) {
    check_if_match(request, etag_for(current.id, current.version));
  };
  services::MailContext mail = mail_context_of(context.backend);  // named: see services/mail_outbox.hpp
  co_await services::withdraw_media_request(context.backend.db, context.param("id"), access, erase, precondition, mail);
  Response response;
  response.status = 204;
  mark_personal(response);
  co_return response;
}

boost::asio::awaitable<Response> media_request_history(RequestContext& context) {
  auto access = co_await access_of(context);
  auto history = co_await services::media_request_history(context.backend.db, context.param("id"), access);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& d : history) items.push_back(dto::media_decision_json(d));
  Response response = json_response(200, {{"items", std::move(items)}, {"next_cursor", nullptr}});
  mark_personal(response);
  co_return response;
}

}  // namespace eventd::http::handlers
