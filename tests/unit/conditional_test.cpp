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

TEST_CASE("parse_http_date takes IMF-fixdate only, every field digits at its place") {
  CHECK(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").has_value());
  CHECK(parse_http_date("Mon, 06 Nov 1994 08:49:37 GMT").has_value());  // a wrong day name is tolerated
  // Found by the request_line fuzzer: sscanf's %d took a sign, so "-010" was the year -10.
  CHECK_FALSE(parse_http_date("Thu, 26 Nov -010 08:00:00 GMT").has_value());
  CHECK_FALSE(parse_http_date("Th}, 26 Nov 2020 08:00:00 GMT").has_value());
  CHECK_FALSE(parse_http_date("Sun, 06 Nov 1994 -8:49:37 GMT").has_value());
  CHECK_FALSE(parse_http_date("Sun, +6 Nov 1994 08:49:37 GMT").has_value());
  CHECK_FALSE(parse_http_date("Sun,  6 Nov 1994 08:49:37 GMT").has_value());
  CHECK_FALSE(parse_http_date("Sun, 06 nov 1994 08:49:37 GMT").has_value());
  CHECK_FALSE(parse_http_date("Sun, 31 Nov 1994 08:49:37 GMT").has_value());
  CHECK_FALSE(parse_http_date("Sun, 06 Nov 1994 24:00:00 GMT").has_value());
  CHECK_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC").has_value());
  CHECK_FALSE(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT").has_value());  // RFC 850: not taken
  CHECK_FALSE(parse_http_date("Sun Nov  6 08:49:37 1994").has_value());        // asctime: not taken
}
