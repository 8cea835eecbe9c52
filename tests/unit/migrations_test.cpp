#include <doctest/doctest.h>

#include "app/app.hpp"
#include "db/migrations.hpp"

using namespace eventd::db;

TEST_CASE("migrations are ordered by their number and malformed names refused") {
  auto ordered = order_migrations({{0, "010_b.sql", ""}, {0, "002_a.sql", ""}});
  CHECK(ordered[0].version == 2);
  CHECK(ordered[1].version == 10);
  CHECK_THROWS(order_migrations({{0, "x_a.sql", ""}}));
  CHECK_THROWS(order_migrations({{0, "001-a.sql", ""}}));
  CHECK_THROWS(order_migrations({{0, "001_a.sql", ""}, {0, "1_b.sql", ""}}));
}

TEST_CASE("the bundled migrations are embedded and start at 1") {
  auto migrations = eventd::app::bundled_migrations();
  REQUIRE_FALSE(migrations.empty());
  CHECK(migrations.front().version == 1);
  CHECK_FALSE(migrations.front().sql.empty());
}

TEST_CASE("checksums are SHA-256") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}
