#include "http/metrics.hpp"

#include <sstream>

namespace eventd::http {

void Metrics::request_finished(std::string_view method, std::string_view route, int status,
                               std::chrono::steady_clock::duration elapsed) {
  --in_flight_;
  double seconds = std::chrono::duration<double>(elapsed).count();
  std::lock_guard lock(mutex_);
  const std::tuple<std::string_view, std::string_view, int> key{method, route, status};
  auto count = requests_.find(key);
  if (count == requests_.end())
    count = requests_.emplace(std::tuple{std::string(method), std::string(route), status}, 0).first;
  ++count->second;
  auto histogram_it = latency_.find(route);
  if (histogram_it == latency_.end()) histogram_it = latency_.emplace(std::string(route), Histogram{}).first;
  auto& histogram = histogram_it->second;
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    if (seconds <= bounds_[i]) ++histogram.buckets[i];
  }
  ++histogram.count;
  histogram.sum += seconds;
}

std::string Metrics::render(const Gauges& gauges) const {
  std::ostringstream out;
  out << "# HELP eventd_http_requests_total HTTP requests answered, by route and status.\n"
         "# TYPE eventd_http_requests_total counter\n";
  std::lock_guard lock(mutex_);
  for (const auto& [key, count] : requests_) {
    const auto& [method, route, status] = key;
    out << "eventd_http_requests_total{method=\"" << method << "\",route=\"" << route << "\",status=\"" << status
        << "\"} " << count << "\n";
  }
  out << "# HELP eventd_http_request_duration_seconds Time from a complete request to its answer.\n"
         "# TYPE eventd_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    for (std::size_t i = 0; i < bounds_.size(); ++i) {
      out << "eventd_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\"" << bounds_[i] << "\"} "
          << h.buckets[i] << "\n";
    }
    out << "eventd_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\"+Inf\"} " << h.count << "\n";
    out << "eventd_http_request_duration_seconds_sum{route=\"" << route << "\"} " << h.sum << "\n";
    out << "eventd_http_request_duration_seconds_count{route=\"" << route << "\"} " << h.count << "\n";
  }
  out << "# HELP eventd_http_requests_in_flight Requests being answered now.\n"
         "# TYPE eventd_http_requests_in_flight gauge\n"
      << "eventd_http_requests_in_flight " << in_flight_.load() << "\n"
      << "# HELP eventd_http_open_connections Open client connections.\n"
         "# TYPE eventd_http_open_connections gauge\n"
      << "eventd_http_open_connections " << gauges.open_connections << "\n"
      << "# HELP eventd_http_connections_refused_total Connections closed at once: EVENTD_MAX_CONNECTIONS were open.\n"
         "# TYPE eventd_http_connections_refused_total counter\n"
      << "eventd_http_connections_refused_total " << connections_refused_.load() << "\n"
      << "# HELP eventd_db_pool_connections Database connections in the pool.\n"
         "# TYPE eventd_db_pool_connections gauge\n"
      << "eventd_db_pool_connections " << gauges.pool_size << "\n"
      << "# HELP eventd_db_pool_connections_in_use Database connections lent out now.\n"
         "# TYPE eventd_db_pool_connections_in_use gauge\n"
      << "eventd_db_pool_connections_in_use " << gauges.pool_in_use << "\n"
      << "# HELP eventd_db_waiting Database tasks admitted and not yet finished.\n"
         "# TYPE eventd_db_waiting gauge\n"
      << "eventd_db_waiting " << gauges.pool_waiting << "\n";
  return out.str();
}

}  // namespace eventd::http
