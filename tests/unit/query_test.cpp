#include <doctest/doctest.h>

#include "domain/error.hpp"
#include "http/query.hpp"

using namespace eventd::http;

TEST_CASE("query strings decode plus and percent escapes, keep repeats") {
  auto query = Query::parse("q=offentligt+partnerskap&tag=iop&tag=migration&from=2020-11-26T00%3A00%3A00%2B01%3A00");
  CHECK(query.get("q") == "offentligt partnerskap");
  CHECK(query.all("tag") == std::vector<std::string>{"iop", "migration"});
  CHECK(query.get("from") == "2020-11-26T00:00:00+01:00");
  CHECK_FALSE(query.get("missing").has_value());
  CHECK(Query::parse("").items().empty());
  CHECK(Query::parse("flag").get("flag") == "");
}

TEST_CASE("a malformed escape in the query is a bad request") {
  CHECK_THROWS_AS(Query::parse("q=%zz"), eventd::domain::Error);
  CHECK_THROWS_AS(Query::parse("q=%"), eventd::domain::Error);
}
