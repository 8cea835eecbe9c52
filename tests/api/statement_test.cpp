// db/statement.hpp against a real PostgreSQL: statements are prepared once per connection
// and reused, rows come typed as SOCI types them, errors carry SQLSTATE and constraint, and a
// new connection (or statements dropped behind its back) is handled.
#include <doctest/doctest.h>

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <optional>
#include <string>
#include <vector>

#include "db/pool.hpp"
#include "db/sql_error.hpp"
#include "db/statement.hpp"
#include "db/support.hpp"
#include "support/test_database.hpp"

namespace {

using eventd::db::Params;

struct Connected {
  eventd::test::TestDatabase database;
  soci::session session{*soci::factory_postgresql(), eventd::db::keyword_conninfo(database.url())};

  ~Connected() { eventd::db::forget_prepared(session); }

  int prepared_count() {
    int n = 0;
    session << "SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'eventd\\_%'", soci::into(n);
    return n;
  }
};

}  // namespace

TEST_CASE_FIXTURE(Connected, "statements: prepared once per connection, then only executed") {
  const std::string sql = "SELECT CAST(:p1 AS int) + 1";
  for (int i = 0; i < 5; ++i) {
    Params p;
    p.add(std::to_string(i));
    int got = -1;
    eventd::db::for_each_row(session, sql, p, [&](const soci::row& row) { got = row.get<int>(0); });
    CHECK(got == i + 1);
  }
  CHECK(prepared_count() == 1);
  Params other;
  other.add(std::string("x"));
  eventd::db::for_each_row(session, "SELECT " + other.add(std::string("y")) + " || :p1", other,
                           [&](const soci::row& row) { CHECK(row.get<std::string>(0) == "yx"); });
  CHECK(prepared_count() == 2);
}

TEST_CASE_FIXTURE(Connected, "statements: placeholders, literals and casts; columns typed as SOCI types them") {
  Params p;
  const std::string a = p.add(std::string("it's"));
  const std::string b = p.add(std::optional<std::string>{});
  const std::string sql = "SELECT " + a + "::text, 'a :p9 b', " + b +
                          "::text, 7::int2, 8::int4, 9::int8, 1.5::float8, "
                          "true, 2.25::numeric, '{1,2}'::int[], now()::date, 'x'::varchar -- :p7 in a comment\n";
  int rows = 0;
  eventd::db::for_each_row(session, sql, p, [&](const soci::row& row) {
    ++rows;
    CHECK(row.get<std::string>(0) == "it's");
    CHECK(row.get<std::string>(1) == "a :p9 b");
    CHECK(row.get_indicator(2) == soci::i_null);
    CHECK(eventd::db::opt_text(row, 2) == std::nullopt);
    CHECK(row.get<int>(3) == 7);
    CHECK(row.get<int>(4) == 8);
    CHECK(row.get<long long>(5) == 9);
    CHECK(row.get<double>(6) == 1.5);
    CHECK(row.get<int>(7) == 1);
    CHECK(row.get<double>(8) == 2.25);
    CHECK(row.get<std::string>(9) == "{1,2}");
    CHECK(row.get<std::tm>(10).tm_year > 100);
    CHECK(row.get<std::string>(11) == "x");
    CHECK_THROWS_AS(row.get<std::string>(4), std::bad_cast);  // an int4 is an int, as with SOCI
  });
  CHECK(rows == 1);

  // Many rows reuse one soci::row, refilled.
  Params none;
  long long sum = 0;
  eventd::db::for_each_row(session, "SELECT g::int8 FROM generate_series(1, 100) g", none,
                           [&](const soci::row& row) { sum += row.get<long long>(0); });
  CHECK(sum == 5050);

  Params bad;
  CHECK_THROWS_AS(eventd::db::for_each_row(session, "SELECT :name", bad, [](const soci::row&) {}),
                  std::invalid_argument);
  CHECK_THROWS_AS(eventd::db::for_each_row(session, "SELECT :p2", bad, [](const soci::row&) {}), std::invalid_argument);
}

TEST_CASE_FIXTURE(Connected, "statements: errors carry the SQLSTATE and the constraint, as SOCI's do") {
  session << "CREATE TABLE t (id int CONSTRAINT t_pkey PRIMARY KEY, n int CONSTRAINT t_n_check CHECK (n > 0))";
  Params p;
  const std::string sql = "INSERT INTO t VALUES (CAST(" + p.add(std::string("1")) + " AS int), CAST(" +
                          p.add(std::string("1")) + " AS int))";
  eventd::db::execute(session, sql, p);
  try {
    eventd::db::execute(session, sql, p);
    FAIL("a duplicate key went through");
  } catch (const std::exception& e) {
    auto error = eventd::db::sql_error(e);
    REQUIRE(error);
    CHECK(error->sqlstate == eventd::db::unique_violation);
    CHECK(error->constraint == "t_pkey");
  }
  // A constraint named only in the error's fields (a trigger's RAISE ... USING CONSTRAINT).
  session << "CREATE FUNCTION t_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
             "RAISE EXCEPTION 'no' USING ERRCODE = 'check_violation', CONSTRAINT = 't_refused_check'; END $$";
  session << "CREATE TRIGGER t_refuse BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION t_refuse()";
  Params q;
  try {
    eventd::db::execute(session, "UPDATE t SET n = 2", q);
    FAIL("the trigger did not refuse");
  } catch (const std::exception& e) {
    auto error = eventd::db::sql_error(e);
    REQUIRE(error);
    CHECK(error->sqlstate == eventd::db::check_violation);
    CHECK(error->constraint == "t_refused_check");
  }
}

TEST_CASE_FIXTURE(Connected,
                  "statements: a new connection, or statements dropped behind our back, are prepared again") {
  const std::string sql = "SELECT 42";
  Params p;
  auto answer = [&] {
    int got = 0;
    eventd::db::for_each_row(session, sql, p, [&](const soci::row& row) { got = row.get<int>(0); });
    return got;
  };
  CHECK(answer() == 42);
  session.close();
  session.open(*soci::factory_postgresql(), eventd::db::keyword_conninfo(database.url()));
  CHECK(answer() == 42);  // another server process: prepared afresh
  CHECK(prepared_count() == 1);

  session << "DEALLOCATE ALL";
  CHECK_THROWS(answer());  // the cached name is gone: this call fails, and forgets it ...
  CHECK(answer() == 42);   // ... so the next one prepares again
}

TEST_CASE_FIXTURE(Connected, "statements: a text array carries any text, and NULL, as one parameter") {
  // What a batch's messages hold: quotes, backslashes, braces, commas, line breaks, the word
  // NULL, empty text, non-ASCII text, and no value at all.
  const std::vector<std::optional<std::string>> values = {
      "<a href=\"https://example.se/r?x=1&y=2\">Anmälan</a>",
      "C:\\tmp\\\"quoted\\\"",
      "{braces}, commas, 'apostrophes'",
      "line one\r\nline two\n\ttabbed",
      "NULL",
      "",
      std::nullopt,
      "Östersund — Λευκωσία — Wien",
  };
  Params p;
  const std::string sql = "SELECT x, i FROM unnest(CAST(" + p.add(eventd::db::text_array(values)) +
                          " AS text[])) WITH ORDINALITY AS t(x, i) ORDER BY i";
  std::vector<std::optional<std::string>> back;
  eventd::db::for_each_row(session, sql, p,
                           [&](const soci::row& row) { back.push_back(eventd::db::opt_text(row, 0)); });
  CHECK(back == values);
  // No values: an empty array, no rows.
  Params none;
  int rows = -1;
  eventd::db::for_each_row(
      session, "SELECT count(*)::int4 FROM unnest(CAST(" + none.add(eventd::db::text_array({})) + " AS text[]))", none,
      [&](const soci::row& row) { rows = row.get<int>(0); });
  CHECK(rows == 0);
}
