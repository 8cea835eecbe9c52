#include <doctest/doctest.h>

#include "http/conditional.hpp"

using namespace eventd;
using namespace eventd::http;

TEST_CASE("http_date writes IMF-fixdate, and parse_http_date reads it back") {
  using namespace std::chrono;
  const domain::Instant t = sys_days(year(1994) / November / 6) + hours(8) + minutes(49) + seconds(37);
  CHECK(http_date(t) == "Sun, 06 Nov 1994 08:49:37 GMT");
  CHECK(http_date(t + microseconds(999'999)) == "Sun, 06 Nov 1994 08:49:37 GMT");  // seconds, floored
  CHECK(http_date(domain::Instant{}) == "Thu, 01 Jan 1970 00:00:00 GMT");
  const domain::Instant leap = sys_days(year(2024) / February / 29) + hours(23) + minutes(59) + seconds(59);
  CHECK(http_date(leap) == "Thu, 29 Feb 2024 23:59:59 GMT");
  CHECK(parse_http_date(http_date(leap)) == leap);
}
