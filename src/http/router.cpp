#include "http/router.hpp"

#include <algorithm>
#include <boost/container/small_vector.hpp>
#include <optional>
#include <stdexcept>

#include "http/query.hpp"

namespace eventd::http {

namespace {

// Paths of the service have few segments: kept on the stack.
using Segments = boost::container::small_vector<std::string_view, 8>;

Segments split_path(std::string_view path) {
  Segments segments;
  if (path.empty() || path.front() != '/') return segments;
  path.remove_prefix(1);
  while (true) {
    auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

bool is_param(const std::string& segment) { return segment.size() > 2 && segment.front() == '{'; }

}  // namespace

void Router::add(Method method, std::string pattern, Handler handler) {
  Route route{method, pattern, std::move(handler), {}, 0};
  for (auto segment : split_path(pattern)) route.segments.emplace_back(segment);
  route.literals = static_cast<int>(
      std::count_if(route.segments.begin(), route.segments.end(), [](const std::string& s) { return !is_param(s); }));
  if (route.segments.empty()) throw std::logic_error("route pattern must start with '/': " + pattern);
  routes_.push_back(std::move(route));
}

RouteMatch Router::match(Method method, std::string_view path) const {
  RouteMatch result;
  const auto segments = split_path(path);
  const Method wanted = method == Method::head ? Method::get : method;
  // Literal segments are compared first; a parameter's segment is decoded only once some
  // route's literals match, and once per request however many routes share it (decoding
  // every parameter of every route of the same length was a third of a cached feed's time).
  boost::container::small_vector<std::optional<std::string>, 8> decoded(segments.size());
  const Route* best = nullptr;
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    bool matches = true;
    for (std::size_t i = 0; i < segments.size() && matches; ++i) {
      if (!is_param(route.segments[i])) matches = route.segments[i] == segments[i];
    }
    for (std::size_t i = 0; i < segments.size() && matches; ++i) {
      if (!is_param(route.segments[i])) continue;
      if (!decoded[i]) {
        decoded[i] = percent_decode(segments[i], false);
        if (!decoded[i]) {
          result.bad_path = true;
          return result;
        }
      }
      matches = !decoded[i]->empty();
    }
    if (!matches) continue;
    if (std::find(result.allowed.begin(), result.allowed.end(), route.method) == result.allowed.end()) {
      result.allowed.push_back(route.method);
    }
    if (route.method == wanted && (!best || route.literals > best->literals)) best = &route;
  }
  if (best) {
    result.route = best;
    for (std::size_t i = 0; i < segments.size(); ++i) {
      const std::string& expected = best->segments[i];
      if (is_param(expected)) result.params.emplace(expected.substr(1, expected.size() - 2), std::move(*decoded[i]));
    }
  }
  return result;
}

std::string allow_header(const std::vector<Method>& methods) {
  std::vector<Method> all = methods;
  if (std::find(all.begin(), all.end(), Method::get) != all.end()) all.push_back(Method::head);
  all.push_back(Method::options);
  std::string header;
  for (Method m : all) {
    if (!header.empty()) header += ", ";
    header += to_string(m);
  }
  return header;
}

}  // namespace eventd::http
