// What GET /v1/events/{id}?include= says when a collection is longer than it includes.
#include <doctest/doctest.h>

#include <vector>

#include "services/event_service.hpp"

using eventd::services::cap_included;

TEST_CASE("include: a collection read with one more than the limit is cut, and says so") {
  std::vector<int> fits{1, 2, 3};
  CHECK_FALSE(cap_included(fits, 3));
  CHECK(fits.size() == 3);
  std::vector<int> longer{1, 2, 3, 4};
  CHECK(cap_included(longer, 3));
  CHECK(longer == std::vector<int>{1, 2, 3});
  std::vector<int> none;
  CHECK_FALSE(cap_included(none));
  std::vector<int> at_limit(eventd::services::kMaxIncluded);
  CHECK_FALSE(cap_included(at_limit));
  at_limit.push_back(0);
  CHECK(cap_included(at_limit));
  CHECK(at_limit.size() == eventd::services::kMaxIncluded);
}
