#pragma once
// From a request to a response through the route table, with every error turned into
// problem+json. The server calls it for each request; `eventd demo` calls it directly.
#include <boost/asio/awaitable.hpp>
#include <string>
#include <string_view>

#include "http/context.hpp"
#include "http/message.hpp"

namespace eventd::http {

class Router;
class CorsPolicy;
struct Backend;

struct Dispatched {
  Response response;
  // The matched pattern, for metrics and logs ("unmatched" otherwise): a view of the router's
  // own text, valid as long as the router.
  std::string_view route;
  CallerNote caller{};  // for the request log
};

boost::asio::awaitable<Dispatched> dispatch(const Router& router, const CorsPolicy& cors, Backend& backend,
                                            const Request& request, const std::string& request_id);

}  // namespace eventd::http
