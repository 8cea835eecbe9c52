#include "http/handlers/events.hpp"

#include "domain/error.hpp"
#include "http/context.hpp"

namespace eventd::http::handlers {

// Placeholder until the resource lands: every route answers 503 problem+json.
namespace {
domain::Error pending() { return domain::Error(domain::ErrorCode::unavailable, "Not implemented yet."); }
}  // namespace

boost::asio::awaitable<Response> create_event(RequestContext&) { throw pending(); co_return Response{}; }
boost::asio::awaitable<Response> list_events(RequestContext&) { throw pending(); co_return Response{}; }
boost::asio::awaitable<Response> get_event(RequestContext&) { throw pending(); co_return Response{}; }
boost::asio::awaitable<Response> patch_event(RequestContext&) { throw pending(); co_return Response{}; }
boost::asio::awaitable<Response> delete_event(RequestContext&) { throw pending(); co_return Response{}; }

}  // namespace eventd::http::handlers
