// Migrations against a real, fresh PostgreSQL database.
#include <doctest/doctest.h>

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <thread>

#include "app/app.hpp"
#include "db/migrations.hpp"
#include "db/pool.hpp"
#include "support/process.hpp"
#include "support/test_database.hpp"

using namespace eventd;
using namespace std::chrono_literals;

TEST_CASE("migrations apply to a fresh database, and a second run is a no-op") {
  test::TestDatabase database;
  auto migrations = app::bundled_migrations();
  soci::session session(*soci::factory_postgresql(), db::keyword_conninfo(database.url()));
  CHECK(db::apply_migrations(session, migrations) == static_cast<int>(migrations.size()));
  CHECK(db::is_fully_migrated(session, migrations));
  CHECK(db::apply_migrations(session, migrations) == 0);
  CHECK(database.scalar("SELECT count(*) FROM schema_migrations") == std::to_string(migrations.size()));
}

TEST_CASE("several instances migrating at once apply each migration exactly once") {
  test::TestDatabase database;
  auto migrations = app::bundled_migrations();
  std::vector<int> applied(4, -1);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      soci::session session(*soci::factory_postgresql(), db::keyword_conninfo(database.url()));
      applied[i] = db::apply_migrations(session, migrations);
    });
  }
  for (auto& t : threads) t.join();
  int total = 0;
  for (int n : applied) total += n;
  CHECK(total == static_cast<int>(migrations.size()));
}

TEST_CASE("an applied migration that was edited stops the start with a clear message") {
  test::TestDatabase database;
  auto migrations = app::bundled_migrations();
  soci::session session(*soci::factory_postgresql(), db::keyword_conninfo(database.url()));
  db::apply_migrations(session, migrations);
  database.exec("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1");
  CHECK_THROWS_WITH(db::apply_migrations(session, migrations), doctest::Contains("was changed after it was applied"));

  test::Process eventd({EVENTD_BINARY, "migrate"}, {{"EVENTD_DATABASE_URL", database.url()}});
  CHECK(eventd.wait(30s) == 1);
  CHECK(eventd.output().find("was changed after it was applied") != std::string::npos);
}

TEST_CASE("eventd migrate --status lists the migrations") {
  test::TestDatabase database;
  test::Process before({EVENTD_BINARY, "migrate", "--status"}, {{"EVENTD_DATABASE_URL", database.url()}});
  CHECK(before.wait(30s) == 0);
  test::Process apply({EVENTD_BINARY, "migrate"}, {{"EVENTD_DATABASE_URL", database.url()}});
  CHECK(apply.wait(30s) == 0);
  CHECK(before.output().find("pending") != std::string::npos);
  CHECK(database.scalar("SELECT count(*) FROM schema_migrations") == std::to_string(app::bundled_migrations().size()));
}

TEST_CASE("bad configuration stops the program at start with one clear line") {
  test::Process eventd({EVENTD_BINARY, "serve"}, {{"EVENTD_LISTEN", "nowhere"}});
  CHECK(eventd.wait(10s) == 2);
  CHECK(eventd.output().find("EVENTD_LISTEN") != std::string::npos);
  CHECK(std::count(eventd.output().begin(), eventd.output().end(), '\n') == 1);
}

TEST_CASE("023: events imported before keep their UID's history; a draft may then lack its venue") {
  test::TestDatabase database;
  auto migrations = app::bundled_migrations();
  std::vector<db::Migration> before, all = migrations;
  for (const auto& m : migrations) {
    if (m.version < 23) before.push_back(m);
  }
  soci::session session(*soci::factory_postgresql(), db::keyword_conninfo(database.url()));
  db::apply_migrations(session, before);
  database.exec("INSERT INTO organisations (slug, name, kind) VALUES ('fyrbodal', 'Fyrbodal', 'region')");
  for (const std::string slug : {"imported", "imported-edited", "written"}) {
    database.exec(
        "INSERT INTO events (slug, title, kind, format, status, timezone, starts_at, ends_at, venue_city, "
        "organiser_id) VALUES ('" +
        slug +
        "', 'Seminarium', 'seminar', 'in_person', 'draft', 'Europe/Stockholm', '2035-11-08T08:00:00Z', "
        "'2035-11-08T14:30:00Z', 'Uddevalla', (SELECT id FROM organisations))");
  }
  database.exec("UPDATE events SET import_uid = slug || '@example' WHERE slug LIKE 'imported%'");
  database.exec("UPDATE events SET summary = 'Ändrad' WHERE slug = 'imported-edited'");
  // Before 023 a draft needs its venue like any event.
  CHECK_THROWS(database.exec("UPDATE events SET venue_city = NULL WHERE slug = 'written'"));

  db::apply_migrations(session, all);
  CHECK(database.scalar("SELECT count(*) FROM event_imports") == "2");
  CHECK(database.scalar("SELECT string_agg(e.slug || '=' || e.version || '/' || i.imported_version || '/' || i.sequence "
                        "|| '/' || (i.last_modified = e.created_at), ' ' ORDER BY e.slug) FROM event_imports i JOIN "
                        "events e ON e.id = i.event_id") == "imported=1/1/0/true imported-edited=2/1/0/true");
  // A draft may now lack its venue; a published event still may not.
  database.exec("UPDATE events SET venue_city = NULL WHERE slug = 'written'");
  CHECK_THROWS(database.exec("UPDATE events SET status = 'published' WHERE slug = 'written'"));
  // The bookkeeping goes with its event.
  database.exec("DELETE FROM events WHERE slug = 'imported'");
  CHECK(database.scalar("SELECT count(*) FROM event_imports") == "1");
}
