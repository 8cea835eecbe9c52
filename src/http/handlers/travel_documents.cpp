#include "http/handlers/travel_documents.hpp"

#include "http/backend.hpp"
#include "http/context.hpp"
#include "http/dto/travel_document.hpp"
#include "http/handlers/registrations.hpp"
#include "http/json.hpp"
#include "http/public_writes.hpp"
#include "services/travel_document_service.hpp"

namespace eventd::http::handlers {

namespace {

Response no_content() {
  Response response;
  response.status = 204;
  return response;
}

}  // namespace

boost::asio::awaitable<Response> put_travel_document(RequestContext& context) {
  auto access = co_await registration_access_of(context);
  auto draft = dto::read_travel_document(parse_json_body(context.request));
  // The answer repeats nothing: the details are read back by the organisers only.
  co_await services::put_travel_document(context.backend.db, context.backend.data_key, context.param("id"), access,
                                         std::move(draft));
  co_return no_content();
}

boost::asio::awaitable<Response> get_travel_document(RequestContext& context) {
  auto access = co_await registration_access_of(context);
  auto stored =
      co_await services::get_travel_document(context.backend.db, context.backend.data_key, context.param("id"), access);
  Response response = json_response(200, dto::travel_document_json(stored));
  mark_personal(response);
  co_return response;
}

boost::asio::awaitable<Response> delete_travel_document(RequestContext& context) {
  auto access = co_await registration_access_of(context);
  co_await services::erase_travel_document(context.backend.db, context.param("id"), access);
  co_return no_content();
}

}  // namespace eventd::http::handlers
