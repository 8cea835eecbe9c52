#include "http/handlers/api_keys.hpp"

#include "domain/error.hpp"
#include "http/context.hpp"

namespace eventd::http::handlers {

// Placeholder until the resource lands: every route answers 503 problem+json.
namespace {
domain::Error pending() { return domain::Error(domain::ErrorCode::unavailable, "Not implemented yet."); }
}  // namespace

boost::asio::awaitable<Response> create_api_key(RequestContext&) { throw pending(); co_return Response{}; }
boost::asio::awaitable<Response> list_api_keys(RequestContext&) { throw pending(); co_return Response{}; }
boost::asio::awaitable<Response> revoke_api_key(RequestContext&) { throw pending(); co_return Response{}; }

}  // namespace eventd::http::handlers
