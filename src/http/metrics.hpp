#pragma once
// Prometheus counters for requests: by route and status, a latency histogram, in flight.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace eventd::http {

class Metrics {
 public:
  void request_started() { ++in_flight_; }
  void connection_refused() { ++connections_refused_; }
  // route is the pattern (bounded cardinality), never the raw path.
  void request_finished(std::string_view method, std::string_view route, int status,
                        std::chrono::steady_clock::duration elapsed);

  struct Gauges {
    std::size_t pool_size;
    std::size_t pool_in_use;
    std::size_t pool_waiting;
    std::size_t open_connections;
  };
  std::string render(const Gauges& gauges) const;

 private:
  static constexpr std::array<double, 12> bounds_{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                  0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
  struct Histogram {
    std::array<std::uint64_t, bounds_.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };
  std::atomic<long> in_flight_{0};
  std::atomic<std::uint64_t> connections_refused_{0};
  mutable std::mutex mutex_;
  // std::less<>: looked up by views, so a request allocates nothing once its key exists
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t, std::less<>> requests_;
  std::map<std::string, Histogram, std::less<>> latency_;  // by route
};

}  // namespace eventd::http
