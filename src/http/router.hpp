#pragma once
// The route table: verb + path pattern -> handler. Every route of the service is declared
// in one place, http/routes.cpp.
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace eventd::http {

struct RequestContext;
using Handler = std::function<boost::asio::awaitable<Response>(RequestContext&)>;

struct Route {
  Method method;
  std::string pattern;  // e.g. /v1/events/{id}/sessions/{session_id}
  Handler handler;
  std::vector<std::string> segments;
  int literals = 0;  // literal segments: the more, the better a match (/v1/events/import over /v1/events/{id})
};

using PathParams = std::map<std::string, std::string, std::less<>>;

struct RouteMatch {
  const Route* route = nullptr;  // null: no route for this method
  PathParams params;
  std::vector<Method> allowed;  // methods whose pattern matches the path (for 405 and OPTIONS)
  bool bad_path = false;        // a malformed percent-escape in the path
};

class Router {
 public:
  void add(Method method, std::string pattern, Handler handler);
  // HEAD is answered by the GET route.
  RouteMatch match(Method method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

std::string allow_header(const std::vector<Method>& methods);

}  // namespace eventd::http
