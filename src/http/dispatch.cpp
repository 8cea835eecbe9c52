#include "http/dispatch.hpp"

#include <algorithm>
#include <vector>

#include "common/log.hpp"
#include "domain/error.hpp"
#include "http/backend.hpp"
#include "http/context.hpp"
#include "http/cors.hpp"
#include "http/problem.hpp"
#include "http/router.hpp"

namespace eventd::http {

boost::asio::awaitable<Dispatched> dispatch(const Router& router, const CorsPolicy& cors, Backend& backend,
                                            const Request& request, const std::string& request_id) {
  using domain::Error;
  using domain::Problem;
  const ProblemContext where = problem_context(request, backend.public_url);
  // The server leaves the path empty for a request-target it cannot use (http/target.hpp).
  if (request.path.empty()) {
    co_return Dispatched{
        problem(Error(Problem::bad_request, domain::detail("bad_request_target")), where), "unmatched", {}};
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
  if (match.bad_path) {
    co_return Dispatched{
        problem(Error(Problem::bad_request, domain::detail("bad_path_escape")), where), "unmatched", {}};
  }
  if (match.allowed.empty()) {
    co_return Dispatched{
        problem(Error(Problem::not_found, domain::detail("nothing_at_path", {{"path", request.path}})), where),
        "unmatched",
        {}};
  }
  if (request.method == Method::options) {
    if (auto refusal = cors.refusal(request)) co_return Dispatched{problem(*refusal, where), "OPTIONS", {}};
    co_return Dispatched{cors.options(request, match.allowed), "OPTIONS", {}};
  }
  if (!match.route) {
    Response response =
        problem(Error(Problem::method_not_allowed,
                      domain::detail("method_not_allowed", {{"method", std::string(to_string(request.method))}})),
                where);
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
    co_return Dispatched{problem(error, where), route, std::move(caller)};
  } catch (const std::exception& error) {
    log::error("unexpected error",
               {{"request_id", request_id}, {"route", std::string(route)}, {"error", error.what()}});
    co_return Dispatched{
        problem(Error(Problem::internal_error, domain::detail("internal_error", {{"request_id", request_id}})), where),
        route, std::move(caller)};
  }
}

}  // namespace eventd::http
