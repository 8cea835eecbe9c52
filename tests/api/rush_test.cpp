// The registration rush (docs/REGISTRATION_RUSH.md): sign-ups of one event that arrive
// together are decided together, in batches, each with its own answer; the database refuses
// more confirmed registrations than seats whoever writes them; two instances on one database
// still confirm exactly the capacity.
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/test_server.hpp"

using namespace eventd::test;
using nlohmann::json;

namespace {

std::string quoted(const std::string& text) { return "$q$" + text + "$q$"; }

// A published seminar to come, with `capacity` seats and a waitlist, by SQL.
std::string make_event(TestDatabase& db, const std::string& slug, int capacity) {
  db.exec("INSERT INTO organisations (slug, name, kind) VALUES ('fyrbodal', " + quoted("Fyrbodals kommunalförbund") +
          ", 'region') ON CONFLICT DO NOTHING");
  db.exec(
      "INSERT INTO events (slug, title, kind, format, status, timezone, starts_at, ends_at, venue_city, "
      "venue_country, capacity, waitlist, organiser_id) VALUES ('" +
      slug + "', " + quoted("Migration och integration i Fyrbodal") +
      ", 'seminar', 'in_person', 'published', 'Europe/Stockholm', '2035-11-08T08:00:00Z', "
      "'2035-11-08T14:30:00Z', " +
      quoted("Vänersborg") + ", 'SE', " + std::to_string(capacity) +
      ", true, (SELECT id FROM organisations WHERE slug = 'fyrbodal'))");
  return db.scalar("SELECT id::text FROM events WHERE slug = '" + slug + "'");
}

HttpResponse sign_up(TestServer& server, const std::string& slug, const json& body) {
  return server.request("POST", "/v1/events/" + slug + "/registrations", body.dump(),
                        {{"Content-Type", "application/json"}});
}

json person(int i) {
  return {{"name", "Deltagare " + std::to_string(i)},
          {"email", "rusning" + std::to_string(i) + "@example.se"},
          {"consent", true}};
}

// Runs `work(i)` on `clients` threads released at once.
template <class Work>
void at_once(int clients, Work work) {
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      work(i);
    });
  }
  go = true;
  for (auto& thread : threads) thread.join();
}

long long metric(TestServer& server, const std::string& name) {
  const long long value = server.metric(name);
  REQUIRE(value >= 0);
  return value;
}

}  // namespace

TEST_CASE("rush: sign-ups arriving together are decided in batches, each with its own answer") {
  ServerSettings settings;
  settings.db_pool = 4;
  TestServer server(settings);
  make_event(server.database(), "rusning", 40);
  // 120 at once: 100 people, 10 of them twice (one of each pair gets a seat or a place, the
  // other a 409), and 10 without consent (422). The refused ones must not undo the others.
  constexpr int kClients = 120;
  std::vector<HttpResponse> answers(kClients);
  auto body_of = [](int i) {
    if (i < 100) return person(i);
    if (i < 110) return person(i - 100);  // the same address as client i - 100
    json without = person(i);
    without["consent"] = false;
    return without;
  };
  at_once(kClients, [&](int i) { answers[i] = sign_up(server, "rusning", body_of(i)); });

  std::map<int, int> statuses;
  int confirmed = 0;
  std::set<int> positions;
  for (int i = 0; i < kClients; ++i) {
    ++statuses[answers[i].status];
    if (answers[i].status != 201) continue;
    const auto body = answers[i].json();
    if (body["status"] == "confirmed") ++confirmed;
    if (body["status"] == "waitlisted") positions.insert(body["waitlist_position"].get<int>());
  }
  CHECK(statuses[201] == 100);
  CHECK(statuses[409] == 10);
  CHECK(statuses[422] == 10);
  for (int i = 0; i < 10; ++i) {
    // One of each pair registered; the other was told the address is registered already.
    CHECK(((answers[i].status == 201) != (answers[100 + i].status == 201)));
    const auto& refused = answers[i].status == 409 ? answers[i] : answers[100 + i];
    CHECK(refused.json()["type"].get<std::string>().ends_with("/problems/duplicate-registration"));
  }
  for (int i = 110; i < kClients; ++i) CHECK(answers[i].json()["errors"][0]["code"] == "consent_required");
  CHECK(confirmed == 40);
  CHECK(positions.size() == 60);
  CHECK(*positions.begin() == 1);
  CHECK(*positions.rbegin() == 60);
  CHECK(server.database().scalar("SELECT count(*) FROM registrations") == "100");
  CHECK(server.database().scalar("SELECT count(*) FROM registrations WHERE status = 'confirmed'") == "40");
  // Each answer's place is the one the table gives it (counted by seq).
  for (const auto& answer : answers) {
    if (answer.status != 201 || answer.json()["status"] != "waitlisted") continue;
    const auto body = answer.json();
    CHECK(server.database().scalar("SELECT count(*) FROM registrations w, registrations r WHERE r.id = '" +
                                   body["id"].get<std::string>() +
                                   "' AND w.status = 'waitlisted' AND w.seq <= r.seq") ==
          std::to_string(body["waitlist_position"].get<int>()));
  }
  // Every sign-up has its message in the outbox, written with it.
  CHECK(server.database().scalar("SELECT count(*) FROM mail_outbox WHERE kind IN "
                                 "('registration_confirmed', 'registration_waitlisted')") == "100");
  // Decided together: fewer transactions than sign-ups (the refused ones included).
  const auto batches = metric(server, "eventd_registration_batches_total");
  const auto signups = metric(server, "eventd_registration_signups_total");
  CHECK(signups == kClients);
  CHECK(batches < signups);
  MESSAGE(signups << " sign-ups in " << batches << " transactions");
  // Waitlist positions follow the order the seats were decided in.
  CHECK(server.database().scalar("SELECT bool_and(ok) FROM (SELECT seq > ALL (SELECT seq FROM registrations WHERE "
                                 "status = 'confirmed') AS ok FROM registrations WHERE status = 'waitlisted') x") ==
        "t");
}

TEST_CASE("rush: a sign-up the database refuses undoes only itself; the others of its batch are decided as if alone") {
  ServerSettings settings;
  settings.db_pool = 1;
  TestServer server(settings);
  auto& db = server.database();
  const std::string event = make_event(db, "rusning-avvisad", 12);
  db.exec("INSERT INTO sessions (event_id, title, starts_at, ends_at) VALUES ('" + event +
          "', 'Ett', '2035-11-08T08:00:00Z', '2035-11-08T09:00:00Z'), ('" + event +
          "', 'Två', '2035-11-08T09:00:00Z', '2035-11-08T10:00:00Z')");
  const std::string first = db.scalar("SELECT id::text FROM sessions WHERE title = 'Ett'");
  const std::string second = db.scalar("SELECT id::text FROM sessions WHERE title = 'Två'");
  // A rule eventd does not check before writing: the statement that writes the batch's
  // registrations together fails on it. It keeps the name of the name's own check, so the
  // refused sign-up is the 422 that constraint maps to (an unknown one would be a 500).
  db.exec(
      "ALTER TABLE registrations DROP CONSTRAINT registrations_name_check, ADD CONSTRAINT "
      "registrations_name_check CHECK (char_length(name) BETWEEN 1 AND 200 AND name <> 'Avvisad')");
  constexpr int kClients = 30;
  std::vector<HttpResponse> answers(kClients);
  auto body_of = [&](int i) {
    json body = person(i);
    if (i % 10 == 3) body["name"] = "Avvisad";
    if (i % 3 == 0) body["session_ids"] = {second, first, second};
    return body;
  };
  at_once(kClients, [&](int i) { answers[i] = sign_up(server, "rusning-avvisad", body_of(i)); });
  int created = 0, confirmed = 0, choices = 0;
  std::set<int> positions;
  for (int i = 0; i < kClients; ++i) {
    if (i % 10 == 3) {
      CHECK(answers[i].status == 422);
      CHECK(answers[i].json()["errors"][0]["field"] == "name");
      continue;
    }
    REQUIRE_MESSAGE(answers[i].status == 201, answers[i].body);
    ++created;
    const auto body = answers[i].json();
    if (body["status"] == "confirmed") ++confirmed;
    if (body["status"] == "waitlisted") positions.insert(body["waitlist_position"].get<int>());
    // The chosen sessions as the table holds them: each once, in its order.
    std::vector<std::string> sessions = body["session_ids"];
    std::vector<std::string> expected;
    if (i % 3 == 0)
      expected = std::min(first, second) == first ? std::vector{first, second} : std::vector{second, first};
    CHECK(sessions == expected);
    choices += static_cast<int>(expected.size());
    const auto stored = server.request("GET", "/v1/registrations/" + body["id"].get<std::string>(), "",
                                       {{"Authorization", "Bearer " + body["manage_token"].get<std::string>()}});
    REQUIRE(stored.status == 200);
    CHECK(stored.json()["session_ids"] == body["session_ids"]);
    CHECK(stored.json()["waitlist_position"] == body["waitlist_position"]);
  }
  CHECK(created == 27);
  CHECK(confirmed == 12);
  CHECK(positions.size() == 15);
  CHECK(*positions.rbegin() == 15);
  CHECK(db.scalar("SELECT count(*) FROM registrations") == "27");
  CHECK(db.scalar("SELECT count(*) FROM registrations WHERE name = 'Avvisad'") == "0");
  CHECK(db.scalar("SELECT confirmed || '/' || waitlisted FROM event_registration_counts") == "12/15");
  CHECK(db.scalar("SELECT count(*) FROM registration_sessions") == std::to_string(choices));
  CHECK(db.scalar("SELECT count(*) FROM mail_outbox") == "27");
  // Two link codes in each message, none for the refused.
  CHECK(db.scalar("SELECT count(*) FROM person_codes") == "54");
  // Decided in batches: the one connection kept them waiting together.
  CHECK(metric(server, "eventd_registration_batches_total") < kClients);
}

TEST_CASE("rush: two instances on one database confirm exactly the capacity") {
  TestServer a;
  TestServer b{a.database()};
  make_event(a.database(), "rusning-tva", 25);
  constexpr int kClients = 80;
  std::vector<HttpResponse> answers(kClients);
  at_once(kClients, [&](int i) { answers[i] = sign_up(i % 2 == 0 ? a : b, "rusning-tva", person(i)); });
  int confirmed = 0;
  std::set<int> positions;
  for (const auto& answer : answers) {
    REQUIRE_MESSAGE(answer.status == 201, answer.body);
    const auto body = answer.json();
    if (body["status"] == "confirmed") ++confirmed;
    if (body["status"] == "waitlisted") positions.insert(body["waitlist_position"].get<int>());
  }
  CHECK(confirmed == 25);
  // Each waitlisted answer has its own place, 1 to 55, whichever instance decided it.
  CHECK(positions.size() == 55);
  CHECK(*positions.begin() == 1);
  CHECK(*positions.rbegin() == 55);
  CHECK(a.database().scalar("SELECT count(*) FROM registrations WHERE status = 'confirmed'") == "25");
  CHECK(a.database().scalar("SELECT count(*) FROM registrations WHERE status = 'waitlisted'") == "55");
}

TEST_CASE("rush: the database itself refuses more confirmed registrations than seats") {
  TestServer server;
  auto& db = server.database();
  const std::string event = make_event(db, "rusning-sql", 2);
  auto insert = [&](int i, const std::string& status) {
    db.exec(
        "INSERT INTO registrations (event_id, status, name, email, consent_at, manage_token_hash, "
        "feed_token_hash, confirmed_at) VALUES ('" +
        event + "', '" + status + "', 'P" + std::to_string(i) + "', 'p" + std::to_string(i) +
        "@example.se', now(), decode(md5('m" + std::to_string(i) + "'), 'hex'), decode(md5('f" + std::to_string(i) +
        "'), 'hex'), " + (status == "confirmed" ? "now()" : "NULL") + ")");
  };
  insert(1, "confirmed");
  insert(2, "confirmed");
  insert(3, "waitlisted");
  // A third confirmed seat, by hand: the count's trigger refuses the transaction (raised as
  // event_registration_counts_capacity_check; plain SOCI shows only the message).
  CHECK_THROWS_WITH(insert(4, "confirmed"), doctest::Contains("confirmed registrations"));
  // Nor can a waitlisted one be moved to confirmed without a seat, or the seats be lowered
  // below those confirmed.
  CHECK_THROWS_WITH(db.exec("UPDATE registrations SET status = 'confirmed', confirmed_at = now() WHERE name = 'P3'"),
                    doctest::Contains("confirmed registrations"));
  CHECK_THROWS_WITH(db.exec("UPDATE events SET capacity = 1 WHERE id = '" + event + "'"),
                    doctest::Contains("confirmed registrations"));
  CHECK(db.scalar("SELECT count(*) FROM registrations WHERE status = 'confirmed'") == "2");
  // A capacity raised by hand is taken: the seat is there for the next one.
  db.exec("UPDATE events SET capacity = 3 WHERE id = '" + event + "'");
  insert(5, "confirmed");
  CHECK(db.scalar("SELECT confirmed FROM event_registration_counts WHERE event_id = '" + event + "'") == "3");
  // Through the API, lowering below the confirmed is still the service's 409.
  auto lower = server.request(
      "PATCH", "/v1/events/rusning-sql", R"({"capacity": 1})",
      {{"Authorization", "Bearer " + server.settings().admin_key}, {"Content-Type", "application/merge-patch+json"}});
  CHECK(lower.status == 409);
  CHECK(lower.json()["type"].get<std::string>().ends_with("/problems/capacity-too-low"));
}

TEST_CASE("rush: a batch for an unknown event answers each 404; one Idempotency-Key sent at once makes one record") {
  TestServer server;
  make_event(server.database(), "rusning-nyckel", 10);
  std::vector<HttpResponse> missing(20);
  at_once(20, [&](int i) { missing[i] = sign_up(server, "finns-inte", person(i)); });
  for (const auto& answer : missing) {
    CHECK(answer.status == 404);
    CHECK(answer.json()["type"].get<std::string>().ends_with("/problems/not-found"));
  }
  // Ten retries of one request at once, with its key: one registration, the same answer.
  std::vector<HttpResponse> retries(10);
  at_once(10, [&](int i) {
    retries[i] = server.request(
        "POST", "/v1/events/rusning-nyckel/registrations", person(1).dump(),
        {{"Content-Type", "application/json"}, {"Idempotency-Key", "rusning-0123456789abcdef-samma-nyckel"}});
  });
  std::set<std::string> ids;
  int replayed = 0;
  for (const auto& answer : retries) {
    REQUIRE_MESSAGE(answer.status == 201, answer.body);
    ids.insert(answer.json()["id"].get<std::string>());
    if (answer.header("Idempotent-Replayed") == "true") ++replayed;
  }
  CHECK(ids.size() == 1);
  CHECK(replayed == 9);
  CHECK(server.database().scalar("SELECT count(*) FROM registrations") == "1");
}

TEST_CASE("rush: beyond its line's length a sign-up is turned away at once, 503 with Retry-After, nothing kept") {
  ServerSettings settings;
  settings.signup_queue = 2;
  TestServer server(settings);
  make_event(server.database(), "rusning-ko", 100);
  constexpr int kClients = 40;
  std::vector<HttpResponse> answers(kClients);
  at_once(kClients, [&](int i) { answers[i] = sign_up(server, "rusning-ko", person(i)); });
  int created = 0;
  int refused = 0;
  for (const auto& answer : answers) {
    if (answer.status == 201) {
      ++created;
      continue;
    }
    REQUIRE_MESSAGE(answer.status == 503, answer.body);
    ++refused;
    CHECK(answer.json()["type"].get<std::string>().ends_with("/problems/unavailable"));
    CHECK(!answer.header("Retry-After").empty());
  }
  // Forty at once against a line of two, while each batch takes milliseconds: some wait their
  // turn, the rest are refused; whatever was answered 201 is there, nothing else.
  CHECK(refused > 0);
  CHECK(created > 0);
  CHECK(metric(server, "eventd_registration_refused_total") == refused);
  CHECK(server.database().scalar("SELECT count(*) FROM registrations") == std::to_string(created));
  // The line empties: the next sign-up is decided as usual.
  CHECK(sign_up(server, "rusning-ko", person(1000)).status == 201);
}
