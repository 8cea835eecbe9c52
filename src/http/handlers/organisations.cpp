#include "http/handlers/organisations.hpp"

#include "db/support.hpp"
#include "domain/error.hpp"
#include "http/auth.hpp"
#include "http/backend.hpp"
#include "http/conditional.hpp"
#include "http/context.hpp"
#include "http/dto/organisation.hpp"
#include "http/dto/reader.hpp"
#include "http/json.hpp"
#include "http/pagination.hpp"
#include "services/organisation_service.hpp"

namespace eventd::http::handlers {

namespace {

std::string etag_of(const domain::Organisation& organisation) {
  return etag_for(organisation.id, organisation.version);
}

// The single-resource answer: the representation with its validators.
Response organisation_response(int status, const domain::Organisation& organisation) {
  auto response = json_response(status, dto::organisation_json(organisation));
  set_validators(response, etag_of(organisation), organisation.updated_at);
  return response;
}

// The cursor is (id, name): the id first, because it never contains the separator, so a
// name with a line break in it still decodes whole.
std::optional<db::OrganisationCursor> organisation_cursor(const Page& page) {
  if (!page.after) return std::nullopt;
  const auto& key = *page.after;
  if (key.size() < 2 || !db::is_uuid(key[0])) {
    throw domain::Error(domain::Problem::invalid_cursor);
  }
  db::OrganisationCursor cursor{.name = key[1], .id = key[0]};
  for (std::size_t i = 2; i < key.size(); ++i) cursor.name += "\n" + key[i];
  return cursor;
}

}  // namespace

boost::asio::awaitable<Response> create_organisation(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_admin(caller);
  auto body = parse_json_body(context.request);
  auto draft = dto::read_organisation(body, /*make_slug=*/true);
  auto created = co_await services::create_organisation(context.backend.db, draft);
  auto response = organisation_response(201, created);
  response.headers.set("Location", context.backend.public_url + "/v1/organisations/" + created.id);
  co_return response;
}

boost::asio::awaitable<Response> list_organisations(RequestContext& context) {
  auto caller = co_await authenticate(context);  // public, but a bad key is still a 401
  (void)caller;
  auto page = read_page(context);
  auto after = organisation_cursor(page);
  auto result = co_await services::list_organisations(context.backend.db, page.limit, after);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& organisation : result.items) items.push_back(dto::organisation_json(organisation));
  std::optional<std::vector<std::string>> next;
  if (result.has_more) {
    const auto& last = result.items.back();
    next = {last.id, last.name};
  }
  auto response = paged_response(context, page, std::move(items), next);
  response.headers.set("Vary", "Authorization");  // openapi conventions: answers may depend on the caller
  co_return response;
}

boost::asio::awaitable<Response> get_organisation(RequestContext& context) {
  auto caller = co_await authenticate(context);  // public, but a bad key is still a 401
  (void)caller;
  auto organisation = co_await services::get_organisation(context.backend.db, context.param("id"));
  if (is_not_modified(context.request, etag_of(organisation), organisation.updated_at)) {
    co_return not_modified(etag_of(organisation), organisation.updated_at);
  }
  auto response = organisation_response(200, organisation);
  response.headers.set("Vary", "Authorization");  // openapi conventions: answers may depend on the caller
  co_return response;
}

boost::asio::awaitable<Response> patch_organisation(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_admin(caller);  // openapi: admin only
  auto patch = parse_json_body(context.request, /*merge_patch=*/true);
  dto::require_object(patch);
  const Request& request = context.request;
  // Runs inside the transaction with the row locked, so the If-Match check, the merge and
  // the write see the same version.
  services::OrganisationChange change = [&request, &patch](const domain::Organisation& current) {
    check_if_match(request, etag_of(current));
    auto read_only = dto::drop_read_only(patch, dto::organisation_json(current), {"id", "created_at"}, {"updated_at"});
    auto merged = dto::organisation_request_json(current);
    merged.merge_patch(patch);
    return dto::read_organisation(merged, /*make_slug=*/false, std::move(read_only));
  };
  auto updated = co_await services::update_organisation(context.backend.db, context.param("id"), change);
  co_return organisation_response(200, updated);
}

boost::asio::awaitable<Response> delete_organisation(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_admin(caller);
  const Request& request = context.request;
  services::OrganisationPrecondition precondition = [&request](const domain::Organisation& current) {
    check_if_match(request, etag_of(current));
  };
  co_await services::delete_organisation(context.backend.db, context.param("id"), precondition);
  Response response;
  response.status = 204;
  co_return response;
}

}  // namespace eventd::http::handlers
