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

TEST_CASE("016: existing speakers get owners; one shared by two organisations becomes two records") {
  test::TestDatabase database;
  auto all = app::bundled_migrations();
  std::vector<db::Migration> before;
  for (const auto& m : all) {
    if (m.version < 16) before.push_back(m);
  }
  soci::session session(*soci::factory_postgresql(), db::keyword_conninfo(database.url()));
  db::apply_migrations(session, before);
  database.exec(
      "INSERT INTO organisations (slug, name, kind) VALUES ('forum', 'Forum', 'civil_society'), "
      "('lansstyrelsen', 'Länsstyrelsen', 'public_agency'), ('sveriges-radio', 'Sveriges Radio', 'other');"
      "INSERT INTO events (slug, title, kind, format, status, timezone, starts_at, ends_at, online_platform, "
      "organiser_id, created_at) VALUES "
      "('a', 'A', 'seminar', 'online', 'published', 'Europe/Stockholm', '2020-11-26T08:00:00Z', "
      "'2020-11-26T15:00:00Z', 'Zoom', (SELECT id FROM organisations WHERE slug = 'forum'), '2020-01-01'), "
      "('b', 'B', 'seminar', 'online', 'cancelled', 'Europe/Stockholm', '2020-11-27T08:00:00Z', "
      "'2020-11-27T15:00:00Z', 'Zoom', (SELECT id FROM organisations WHERE slug = 'lansstyrelsen'), '2020-02-01');"
      "INSERT INTO sessions (event_id, title, starts_at, ends_at) VALUES "
      "((SELECT id FROM events WHERE slug = 'a'), 'Talk A', '2020-11-26T09:00:00Z', '2020-11-26T10:00:00Z'), "
      "((SELECT id FROM events WHERE slug = 'b'), 'Talk B', '2020-11-27T09:00:00Z', '2020-11-27T10:00:00Z');"
      // shared by both organisations; from Sveriges Radio (neither of them)
      "INSERT INTO speakers (slug, name, email, organisation_id) VALUES ('alice', 'Alice', 'alice@example.se', "
      "(SELECT id FROM organisations WHERE slug = 'sveriges-radio'));"
      // in no session, from Länsstyrelsen; in no session and from nowhere
      "INSERT INTO speakers (slug, name, organisation_id) VALUES ('bo', 'Bo', "
      "(SELECT id FROM organisations WHERE slug = 'lansstyrelsen')), ('cecilia', 'Cecilia', NULL);"
      "INSERT INTO session_speakers (session_id, speaker_id) SELECT s.id, sp.id FROM sessions s, speakers sp "
      "WHERE sp.slug = 'alice'");
  const std::string alice_id = database.scalar("SELECT id::text FROM speakers WHERE slug = 'alice'");
  db::apply_migrations(session, all);

  auto owner_of = [&](const std::string& slug) {
    return database.scalar(
        "SELECT coalesce(o.slug, '(none)') FROM speakers sp LEFT JOIN organisations o ON o.id = "
        "sp.owner_organisation_id WHERE sp.slug = '" +
        slug + "'");
  };
  // the original stays with the organisation of her earliest event; a copy for the other
  CHECK(owner_of("alice") == "forum");
  CHECK(database.scalar("SELECT id::text FROM speakers WHERE slug = 'alice'") == alice_id);
  CHECK(owner_of("alice-lansstyrelsen") == "lansstyrelsen");
  CHECK(database.scalar("SELECT email FROM speakers WHERE slug = 'alice-lansstyrelsen'") == "alice@example.se");
  CHECK(database.scalar("SELECT count(*) FROM session_speakers") == "2");
  CHECK(database.scalar("SELECT sp.slug FROM session_speakers ss JOIN speakers sp ON sp.id = ss.speaker_id JOIN "
                        "sessions s ON s.id = ss.session_id WHERE s.title = 'Talk B'") == "alice-lansstyrelsen");
  CHECK(database.scalar("SELECT sp.slug FROM session_speakers ss JOIN speakers sp ON sp.id = ss.speaker_id JOIN "
                        "sessions s ON s.id = ss.session_id WHERE s.title = 'Talk A'") == "alice");
  CHECK(owner_of("bo") == "lansstyrelsen");
  CHECK(owner_of("cecilia") == "(none)");
  // the cancelled event's session holds no time any more
  CHECK(database.scalar("SELECT ss.active::text FROM session_speakers ss JOIN sessions s ON s.id = ss.session_id "
                        "WHERE s.title = 'Talk B'") == "false");
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
  CHECK(
      database.scalar("SELECT string_agg(e.slug || '=' || e.version || '/' || i.imported_version || '/' || i.sequence "
                      "|| '/' || (i.last_modified = e.created_at), ' ' ORDER BY e.slug) FROM event_imports i JOIN "
                      "events e ON e.id = i.event_id") == "imported=1/1/0/true imported-edited=2/1/0/true");
  // A draft may now lack its venue; a published event still may not.
  database.exec("UPDATE events SET venue_city = NULL WHERE slug = 'written'");
  CHECK_THROWS(database.exec("UPDATE events SET status = 'published' WHERE slug = 'written'"));
  // The bookkeeping goes with its event.
  database.exec("DELETE FROM events WHERE slug = 'imported'");
  CHECK(database.scalar("SELECT count(*) FROM event_imports") == "1");
}

TEST_CASE("025: times stored with a fraction of a second are truncated, in order") {
  test::TestDatabase database;
  auto all = app::bundled_migrations();
  std::vector<db::Migration> before;
  for (const auto& m : all) {
    if (m.version < 25) before.push_back(m);
  }
  soci::session session(*soci::factory_postgresql(), db::keyword_conninfo(database.url()));
  db::apply_migrations(session, before);
  database.exec(
      "INSERT INTO organisations (slug, name, kind) VALUES ('forum', 'Forum', 'civil_society');"
      "INSERT INTO events (slug, title, kind, format, status, timezone, starts_at, ends_at, online_platform, "
      "registration_opens_at, registration_closes_at, organiser_id) VALUES "
      "('a', 'A', 'seminar', 'online', 'published', 'Europe/Stockholm', '2020-11-26T08:00:00.5Z', "
      "'2020-11-26T15:00:00.7Z', 'Zoom', '2020-10-01T00:00:00.25Z', '2020-11-25T12:00:00.999Z', "
      "(SELECT id FROM organisations)), "
      // Within one second: truncating would leave nothing, so it stays as it is.
      "('b', 'B', 'seminar', 'online', 'published', 'Europe/Stockholm', '2020-11-27T08:00:00.2Z', "
      "'2020-11-27T08:00:00.7Z', 'Zoom', NULL, NULL, (SELECT id FROM organisations)), "
      "('c', 'C', 'seminar', 'online', 'published', 'Europe/Stockholm', '2020-11-28T08:00:00Z', "
      "'2020-11-28T15:00:00Z', 'Zoom', NULL, NULL, (SELECT id FROM organisations));"
      // Sessions at the very edges of their event: they stay within it.
      "INSERT INTO sessions (event_id, title, starts_at, ends_at) VALUES "
      "((SELECT id FROM events WHERE slug = 'a'), 'Först', '2020-11-26T08:00:00.9Z', '2020-11-26T09:00:00.4Z'), "
      "((SELECT id FROM events WHERE slug = 'a'), 'Sist', '2020-11-26T14:00:00.1Z', '2020-11-26T15:00:00.6Z')");
  const std::string versions = "SELECT string_agg(slug || '=' || version, ' ' ORDER BY slug) FROM events";
  const std::string unchanged_versions = database.scalar(versions);

  db::apply_migrations(session, all);
  auto times = [&](const std::string& sql) { return database.scalar(sql); };
  CHECK(times("SELECT to_char(starts_at AT TIME ZONE 'UTC', 'HH24:MI:SS.US') || ' ' || to_char(ends_at AT TIME ZONE "
              "'UTC', 'HH24:MI:SS.US') || ' ' || to_char(registration_opens_at AT TIME ZONE 'UTC', 'HH24:MI:SS.US') "
              "|| ' ' || to_char(registration_closes_at AT TIME ZONE 'UTC', 'HH24:MI:SS.US') FROM events WHERE slug = "
              "'a'") == "08:00:00.000000 15:00:00.000000 00:00:00.000000 12:00:00.000000");
  CHECK(times("SELECT string_agg(to_char(starts_at AT TIME ZONE 'UTC', 'HH24:MI:SS.US') || '-' || to_char(ends_at AT "
              "TIME ZONE 'UTC', 'HH24:MI:SS.US'), ' ' ORDER BY starts_at) FROM sessions") ==
        "08:00:00.000000-09:00:00.000000 14:00:00.000000-15:00:00.000000");
  CHECK(times("SELECT to_char(starts_at AT TIME ZONE 'UTC', 'HH24:MI:SS.US') FROM events WHERE slug = 'b'") ==
        "08:00:00.200000");
  // Only the rows that changed have a new version.
  CHECK(unchanged_versions == "a=1 b=1 c=1");
  CHECK(database.scalar(versions).find("c=1") != std::string::npos);
  CHECK(database.scalar(versions).find("b=1") != std::string::npos);
  CHECK(database.scalar(versions).find("a=1") == std::string::npos);
}
