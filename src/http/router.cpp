#include "http/router.hpp"

#include <algorithm>
#include <stdexcept>

#include "http/query.hpp"

namespace eventd::http {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
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

// Literal segments score higher, so /v1/events/import wins over /v1/events/{id}.
int literal_count(const Route& route) {
  return static_cast<int>(
      std::count_if(route.segments.begin(), route.segments.end(), [](const std::string& s) { return !is_param(s); }));
}

}  // namespace

void Router::add(Method method, std::string pattern, Handler handler) {
  Route route{method, pattern, std::move(handler), {}};
  for (auto segment : split_path(pattern)) route.segments.emplace_back(segment);
  if (route.segments.empty()) throw std::logic_error("route pattern must start with '/': " + pattern);
  routes_.push_back(std::move(route));
}

RouteMatch Router::match(Method method, std::string_view path) const {
  RouteMatch result;
  auto segments = split_path(path);
  Method wanted = method == Method::head ? Method::get : method;
  int best_score = -1;
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    PathParams params;
    bool matches = true;
    for (std::size_t i = 0; i < segments.size() && matches; ++i) {
      const std::string& expected = route.segments[i];
      if (is_param(expected)) {
        auto decoded = percent_decode(segments[i], false);
        if (!decoded) {
          result.bad_path = true;
          return result;
        }
        if (decoded->empty()) matches = false;
        params[expected.substr(1, expected.size() - 2)] = std::move(*decoded);
      } else {
        matches = expected == segments[i];
      }
    }
    if (!matches) continue;
    if (std::find(result.allowed.begin(), result.allowed.end(), route.method) == result.allowed.end()) {
      result.allowed.push_back(route.method);
    }
    if (route.method == wanted && literal_count(route) > best_score) {
      best_score = literal_count(route);
      result.route = &route;
      result.params = std::move(params);
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
