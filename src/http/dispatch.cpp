#include "http/dispatch.hpp"

#include <algorithm>
#include <vector>

#include "common/log.hpp"
#include "domain/error.hpp"
#include "http/context.hpp"
#include "http/cors.hpp"
#include "http/problem.hpp"
#include "http/router.hpp"

namespace eventd::http {

boost::asio::awaitable<Dispatched> dispatch(const Router& router, const CorsPolicy& cors, Backend& backend,
                                            const Request& request, const std::string& request_id) {
  // The server leaves the path empty for a request-target it cannot use (http/target.hpp).
  if (request.path.empty()) {
    co_return Dispatched{problem(400,
                                 "The request target must be a path such as /v1/events, or an absolute http(s) URL "
                                 "such as http://events.example/v1/events."),
                         "unmatched",
                         {}};
  }
  // OPTIONS * asks about the server as a whole (RFC 9110 9.3.7): every method some route has.
  if (request.path == "*") {
    Response response;
    response.status = 204;
    std::vector<Method> methods;
    for (const auto& route : router.routes()) {
      if (std::find(methods.begin(), methods.end(), route.method) == methods.end()) methods.push_back(route.method);
    }
    response.headers.set("Allow", allow_header(methods));
    co_return Dispatched{std::move(response), "unmatched", {}};
  }
  RouteMatch match = router.match(request.method, request.path);
  if (match.bad_path) co_return Dispatched{problem(400, "The path has a malformed percent-escape."), "unmatched", {}};
  if (match.allowed.empty()) {
    co_return Dispatched{problem(404, "There is nothing at " + request.path + "."), "unmatched", {}};
  }
  if (request.method == Method::options) co_return Dispatched{cors.options(request, match.allowed), "OPTIONS", {}};
  if (!match.route) {
    Response response = problem(405, "This resource does not support " + std::string(to_string(request.method)) + ".");
    response.headers.set("Allow", allow_header(match.allowed));
    co_return Dispatched{std::move(response), "unmatched", {}};
  }
  const std::string_view route = match.route->pattern;
  CallerNote caller;
  try {
    RequestContext context{request, backend, request_id, std::move(match.params), Query::parse(request.query), caller};
    // Awaited into a named variable first: g++ 12 destroys the temporary of a co_await
    // inside an aggregate initialiser twice (`Dispatched{co_await ..., route}`), which
    // freed the response's headers before they were written.
    Response response = co_await match.route->handler(context);
    co_return Dispatched{std::move(response), route, std::move(caller)};
  } catch (const domain::Error& error) {
    co_return Dispatched{problem(error), route, std::move(caller)};
  } catch (const std::exception& error) {
    log::error("unexpected error",
               {{"request_id", request_id}, {"route", std::string(route)}, {"error", error.what()}});
    co_return Dispatched{
        problem(500, "An unexpected error occurred. It has been logged with request id " + request_id + "."), route,
        std::move(caller)};
  }
}

}  // namespace eventd::http
