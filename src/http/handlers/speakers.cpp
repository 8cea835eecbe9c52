#include "http/handlers/speakers.hpp"

#include "domain/error.hpp"
#include "http/context.hpp"

namespace eventd::http::handlers {

// Placeholder until the resource lands: every route answers 503 problem+json.
namespace {
domain::Error pending() { return domain::Error(domain::ErrorCode::unavailable, "Not implemented yet."); }
}  // namespace

boost::asio::awaitable<Response> create_speaker(RequestContext&) { throw pending(); co_return Response{}; }
boost::asio::awaitable<Response> list_speakers(RequestContext&) { throw pending(); co_return Response{}; }
boost::asio::awaitable<Response> get_speaker(RequestContext&) { throw pending(); co_return Response{}; }
boost::asio::awaitable<Response> patch_speaker(RequestContext&) { throw pending(); co_return Response{}; }
boost::asio::awaitable<Response> delete_speaker(RequestContext&) { throw pending(); co_return Response{}; }
boost::asio::awaitable<Response> list_event_speakers(RequestContext&) { throw pending(); co_return Response{}; }

}  // namespace eventd::http::handlers
