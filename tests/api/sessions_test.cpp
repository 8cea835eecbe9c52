// /v1/events/{id}/sessions over real HTTP and PostgreSQL: the seed programmes in the event's
// zone, times within the event, speaker clashes (also under concurrency), visibility and
// rights, merge patch and conditional requests.
#include <doctest/doctest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "speaker_session_fixture.hpp"

using namespace eventd::test;
using namespace eventd::test::programme;

namespace {
const std::string kForum = "/v1/events/integrationsforum-2020/sessions";
const std::string kOstersund = "/v1/events/ostersund-2019/sessions";

json session(const std::string& title, const std::string& starts, const std::string& ends,
             std::vector<std::string> speakers = {}) {
  return {{"title", title}, {"starts_at", starts}, {"ends_at", ends}, {"speaker_ids", speakers}};
}

std::set<std::string> error_fields(const HttpResponse& response) {
  std::set<std::string> fields;
  for (const auto& e : response.json().value("errors", json::array())) fields.insert(e["field"]);
  return fields;
}
}  // namespace

TEST_CASE("sessions: the seed programmes, in the event's zone and in time order") {
  Programme p;
  p.seed_speakers();
  auto created = p.seed_sessions("integrationsforum-2020", "integrationsforum-2020", p.lansstyrelsen_key);
  // Alice Petrén's talk, as sent, with +01:00 (November)
  const json& talk = created[1];
  CHECK(talk["title"] == "Global migration i coronatider");
  CHECK(talk["starts_at"] == "2020-11-26T09:15:00+01:00");
  CHECK(talk["ends_at"] == "2020-11-26T10:15:00+01:00");
  CHECK(talk["speaker_ids"] == json::array({p.speaker_ids["alice-petren"]}));
  CHECK(talk["event_id"] == p.event_id("integrationsforum-2020"));
  CHECK(talk["kind"] == "talk");
  CHECK(talk["location"].is_null());
  CHECK(talk["description"].get<std::string>().find("nära 80 miljoner i slutet av 2019") != std::string::npos);
  CHECK(created[3]["kind"] == "break");
  CHECK(created[3]["description"].is_null());

  // sent in UTC, returned in the zone's offset
  auto utc = p.post(kForum, session("Avslutning", "2020-11-26T14:45:00Z", "2020-11-26T15:00:00Z"), p.lansstyrelsen_key);
  REQUIRE_MESSAGE(utc.status == 201, utc.body);
  CHECK(utc.json()["starts_at"] == "2020-11-26T15:45:00+01:00");
  CHECK(utc.header("Location").ends_with("/sessions/" + utc.json()["id"].get<std::string>()));

  // the Östersund study visit (all-day, September): +02:00
  auto visit = p.seed_sessions("ostersund-2019", "ostersund-2019", p.forum_key);
  CHECK(visit[0]["starts_at"] == "2019-09-04T09:00:00+02:00");
  CHECK(visit[0]["location"] == "Östersund");
  CHECK(visit[2]["kind"] == "site_visit");
  CHECK(visit[2]["location"] == "Östersunds kommun");

  // the list, public, in time order (posted out of order)
  auto late =
      p.post(kOstersund, session("Kvällsmöte", "2019-09-05T20:00:00+02:00", "2019-09-05T23:59:00+02:00"), p.forum_key);
  REQUIRE_MESSAGE(late.status == 201, late.body);
  auto early =
      p.post(kOstersund, session("Frukost", "2019-09-04T00:00:00+02:00", "2019-09-04T08:00:00+02:00"), p.forum_key);
  REQUIRE_MESSAGE(early.status == 201, early.body);
  auto list = p.server.get(kOstersund);
  REQUIRE(list.status == 200);
  auto items = list.json()["items"];
  REQUIRE(items.size() == 7);
  CHECK(items[0]["title"] == "Frukost");
  CHECK(items[6]["title"] == "Kvällsmöte");
  for (std::size_t i = 1; i < items.size(); ++i) {
    CHECK(items[i - 1]["starts_at"].get<std::string>() <= items[i]["starts_at"].get<std::string>());
  }
  CHECK(list.json()["next_cursor"].is_null());

  // pages of two give the same order
  std::vector<std::string> titles;
  std::string target = kOstersund + "?limit=2";
  for (int pages = 0; pages < 10; ++pages) {
    auto page = p.server.get(target).json();
    for (const auto& s : page["items"]) titles.push_back(s["title"]);
    if (page["next_cursor"].is_null()) break;
    target = kOstersund + "?limit=2&cursor=" + page["next_cursor"].get<std::string>();
  }
  REQUIRE(titles.size() == 7);
  for (std::size_t i = 0; i < 7; ++i) CHECK(titles[i] == items[i]["title"]);

  // one session, by id under the event's id
  auto one =
      p.server.get("/v1/events/" + p.event_id("ostersund-2019") + "/sessions/" + visit[3]["id"].get<std::string>());
  REQUIRE(one.status == 200);
  CHECK(one.json()["title"] == "Hej Främling!");
  // a session of another event is not found here
  CHECK(p.server.get(kOstersund + "/" + talk["id"].get<std::string>()).status == 404);
  CHECK(p.server.get(kOstersund + "/not-a-uuid").status == 404);
}

TEST_CASE("sessions: times within the event and in its zone's offset") {
  Programme p;
  auto post = [&](const std::string& target, const json& body) { return p.post(target, body, p.lansstyrelsen_key); };

  auto after_end = post(kForum, session("Efter", "2020-11-26T15:30:00+01:00", "2020-11-26T16:30:00+01:00"));
  CHECK(after_end.status == 422);
  CHECK(error_fields(after_end).count("ends_at"));
  auto before = post(kForum, session("Före", "2020-11-26T08:00:00+01:00", "2020-11-26T09:30:00+01:00"));
  CHECK(before.status == 422);
  CHECK(error_fields(before).count("starts_at"));
  auto backwards = post(kForum, session("Baklänges", "2020-11-26T11:00:00+01:00", "2020-11-26T10:00:00+01:00"));
  CHECK(backwards.status == 422);
  CHECK(error_fields(backwards).count("ends_at"));
  // +02:00 is not Stockholm's offset in November
  auto summer = post(kForum, session("Sommartid", "2020-11-26T10:00:00+02:00", "2020-11-26T11:00:00+01:00"));
  CHECK(summer.status == 422);
  CHECK(error_fields(summer) == std::set<std::string>{"starts_at"});
  // the whole event is fine, to the microsecond
  CHECK(post(kForum, session("Hela dagen", "2020-11-26T09:00:00+01:00", "2020-11-26T16:00:00+01:00")).status == 201);

  // all-day: within 4–5 September in Stockholm, i.e. 2019-09-03T22:00Z – 2019-09-05T22:00Z
  auto visit = [&](const std::string& starts, const std::string& ends) {
    return p.post(kOstersund, session("Besök", starts, ends), p.forum_key).status;
  };
  CHECK(visit("2019-09-04T00:00:00+02:00", "2019-09-04T01:00:00+02:00") == 201);
  CHECK(visit("2019-09-05T23:00:00+02:00", "2019-09-06T00:00:00+02:00") == 201);
  CHECK(visit("2019-09-03T23:30:00+02:00", "2019-09-04T01:00:00+02:00") == 422);
  CHECK(visit("2019-09-05T23:00:00+02:00", "2019-09-06T00:30:00+02:00") == 422);
  CHECK(visit("2019-09-05T21:30:00Z", "2019-09-05T22:00:00Z") == 201);

  // the database's own check agrees (sessions_within_event_check, raised by a trigger)
  CHECK_THROWS(p.server.database().exec(
      "INSERT INTO sessions (event_id, title, starts_at, ends_at) SELECT id, 'x', '2020-11-26T15:30:00Z', "
      "'2020-11-26T16:00:00Z' FROM events WHERE slug = 'integrationsforum-2020'"));

  // field errors, all at once; unknown and read-only members
  auto invalid = post(kForum, {{"title", ""},
                               {"kind", "lecture"},
                               {"starts_at", "26 Nov 2020 09:00"},
                               {"speaker_ids", {"no-such-speaker"}},
                               {"room", "A"},
                               {"id", "x"}});
  CHECK(invalid.status == 422);
  auto fields = error_fields(invalid);
  for (const char* f : {"title", "kind", "starts_at", "ends_at", "speaker_ids[0]", "room", "id"})
    CHECK_MESSAGE(fields.count(f), f);
  auto unknown_speaker =
      post(kForum, session("Okänd", "2020-11-26T10:00:00+01:00", "2020-11-26T11:00:00+01:00", {"no-such-speaker"}));
  CHECK(unknown_speaker.status == 422);
  CHECK(error_fields(unknown_speaker) == std::set<std::string>{"speaker_ids[0]"});
  CHECK(p.server.request("POST", kForum, "{\"title\":", bearer(p.lansstyrelsen_key)).status == 400);
  CHECK(p.server.request("POST", kForum, "title=x", with(bearer(p.lansstyrelsen_key), "Content-Type", "text/plain"))
            .status == 415);
}

TEST_CASE("sessions: every fault in one 422, a time that cannot be read compared with nothing") {
  Programme p;
  // An unreadable start does not hide that the end lies after the event (09:00–16:00).
  auto faults = p.post(kForum,
                       {{"title", ""},
                        {"starts_at", "morgon"},
                        {"ends_at", "2020-11-26T17:00:00+01:00"},
                        {"speaker_ids", {"no-such-speaker"}},
                        {"kind", "lecture"}},
                       p.lansstyrelsen_key);
  CHECK(faults.status == 422);
  CHECK_MESSAGE(
      (error_fields(faults) == std::set<std::string>{"title", "starts_at", "ends_at", "speaker_ids[0]", "kind"}),
      faults.body);
  const json problem = faults.json();
  for (const auto& e : problem["errors"]) {
    if (e["field"] == "ends_at") CHECK(e["message"] == "must not be after the event ends");
  }
  CHECK(problem["errors"].size() == 5);
  // Nor does an end in another offset hide a start before the event.
  auto offsets =
      p.post(kForum, session("Tidigt", "2020-11-26T08:00:00+01:00", "2020-11-26T10:00:00+02:00"), p.lansstyrelsen_key);
  CHECK(offsets.status == 422);
  CHECK_MESSAGE((error_fields(offsets) == std::set<std::string>{"starts_at", "ends_at"}), offsets.body);
  // A PATCH the same way.
  auto created =
      p.post(kForum, session("Rätt", "2020-11-26T10:00:00+01:00", "2020-11-26T11:00:00+01:00"), p.lansstyrelsen_key);
  REQUIRE(created.status == 201);
  auto patched =
      p.server.request("PATCH", kForum + "/" + created.json()["id"].get<std::string>(),
                       json{{"title", ""}, {"starts_at", 5}, {"ends_at", "2020-11-26T18:00:00+01:00"}}.dump(),
                       with(bearer(p.lansstyrelsen_key), "Content-Type", "application/merge-patch+json"));
  CHECK(patched.status == 422);
  CHECK_MESSAGE((error_fields(patched) == std::set<std::string>{"title", "starts_at", "ends_at"}), patched.body);
}

TEST_CASE("sessions: a speaker in two overlapping sessions is a 409 naming the clash") {
  Programme p;
  p.seed_speakers();
  const std::string alice = p.speaker_ids["alice-petren"];
  auto talk = p.post(kForum,
                     session("Global migration i coronatider", "2020-11-26T09:15:00+01:00", "2020-11-26T10:15:00+01:00",
                             {"alice-petren"}),
                     p.lansstyrelsen_key);
  REQUIRE_MESSAGE(talk.status == 201, talk.body);

  auto clash = p.post(kForum,
                      session("Panel", "2020-11-26T10:00:00+01:00", "2020-11-26T10:30:00+01:00",
                              {"foretradare-for-statskontoret", alice}),
                      p.lansstyrelsen_key);
  REQUIRE(clash.status == 409);
  const std::string detail = clash.json()["detail"];
  CHECK(detail.find("Alice Petrén") != std::string::npos);
  CHECK(detail.find("Global migration i coronatider") != std::string::npos);
  CHECK(detail.find("2020-11-26T09:15:00+01:00") != std::string::npos);
  CHECK(error_fields(clash) == std::set<std::string>{"speaker_ids[1]"});
  CHECK(p.server.get(kForum).json()["items"].size() == 1);  // nothing was kept

  // across events too: another event of Länsstyrelsen's the same day
  p.server.database().exec(
      "INSERT INTO events (slug, title, kind, format, status, timezone, starts_at, ends_at, venue_city, organiser_id) "
      "VALUES ('lansstyrelsen-utkast', 'Utkast', 'seminar', 'in_person', 'draft', 'Europe/Stockholm', "
      "'2020-11-26T08:00:00Z', '2020-11-26T15:00:00Z', 'Göteborg', (SELECT id FROM organisations WHERE slug = "
      "'lansstyrelsen-vastra-gotaland'))");
  auto elsewhere = p.post("/v1/events/lansstyrelsen-utkast/sessions",
                          session("Annat", "2020-11-26T09:00:00+01:00", "2020-11-26T09:30:00+01:00", {"alice-petren"}),
                          p.lansstyrelsen_key);
  CHECK(elsewhere.status == 409);

  // back to back is fine, before and after
  CHECK(p.post(kForum, session("Före", "2020-11-26T09:00:00+01:00", "2020-11-26T09:15:00+01:00", {"alice-petren"}),
               p.lansstyrelsen_key)
            .status == 201);
  auto after = p.post(kForum, session("Efter", "2020-11-26T10:15:00+01:00", "2020-11-26T10:45:00+01:00", {alice}),
                      p.lansstyrelsen_key);
  REQUIRE(after.status == 201);

  // moving a session onto another of hers is a clash as well
  const std::string after_path = kForum + "/" + after.json()["id"].get<std::string>();
  auto moved = p.patch(after_path, {{"starts_at", "2020-11-26T10:00:00+01:00"}}, bearer(p.lansstyrelsen_key));
  CHECK(moved.status == 409);
  CHECK(moved.json()["detail"].get<std::string>().find("Global migration i coronatider") != std::string::npos);
  CHECK(p.server.get(after_path).json()["starts_at"] == "2020-11-26T10:15:00+01:00");

  // the same speaker twice in one session (by id and by slug) is a field error
  auto twice = p.post(
      kForum, session("Dubbel", "2020-11-26T13:00:00+01:00", "2020-11-26T13:30:00+01:00", {"alice-petren", alice}),
      p.lansstyrelsen_key);
  CHECK(twice.status == 422);
  CHECK(error_fields(twice) == std::set<std::string>{"speaker_ids[1]"});
}

TEST_CASE("sessions: 20 parallel overlapping sessions for one speaker give one 201 and 19 409s") {
  Programme p;
  p.seed_speakers();
  constexpr int n = 20;
  std::vector<HttpResponse> responses(n);
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      // each its own connection; all overlap 13:20–13:30 at least
      const std::string minute = (i < 10 ? "0" : "") + std::to_string(i);
      json body = session("Parallell " + std::to_string(i), "2020-11-26T13:" + minute + ":00+01:00",
                          "2020-11-26T13:" + std::to_string(30 + i) + ":00+01:00", {"alice-petren"});
      ++ready;
      while (ready.load() < n) std::this_thread::yield();
      responses[i] = http_request(p.server.port(), "POST", kForum, body.dump(), bearer(p.lansstyrelsen_key));
    });
  }
  for (auto& t : threads) t.join();

  int created = 0, conflicts = 0;
  std::string winner;
  for (const auto& r : responses) {
    if (r.status == 201) {
      ++created;
      winner = r.json()["title"];
    }
  }
  REQUIRE(created == 1);
  for (const auto& r : responses) {
    if (r.status != 409) continue;
    ++conflicts;
    const std::string detail = r.json()["detail"];
    CHECK(detail.find("Alice Petrén") != std::string::npos);
    CHECK(detail.find("\"" + winner + "\"") != std::string::npos);
    CHECK(error_fields(r) == std::set<std::string>{"speaker_ids[0]"});
  }
  CHECK(conflicts == n - 1);
  CHECK(p.server.database().scalar("SELECT count(*) FROM session_speakers") == "1");
}

TEST_CASE("sessions: visibility and rights follow the event") {
  Programme p;
  const json body = session("Något", "2020-11-26T10:00:00+01:00", "2020-11-26T11:00:00+01:00");
  const std::string draft = "/v1/events/forum-utkast/sessions";
  REQUIRE(p.post(draft, body, p.forum_key).status == 201);

  // another organisation's draft: 404 for reads and writes, for the public and another organiser
  CHECK(p.server.get(draft).status == 404);
  CHECK(p.server.get(draft, bearer(p.lansstyrelsen_key)).status == 404);
  CHECK(p.post(draft, body, p.lansstyrelsen_key).status == 404);
  CHECK(p.server.get(draft, bearer(p.forum_key)).json()["items"].size() == 1);
  CHECK(p.server.get(draft, bearer(p.admin)).status == 200);

  // another organisation's published event: readable, but 403 for writes
  CHECK(p.post(kOstersund, session("X", "2019-09-04T10:00:00+02:00", "2019-09-04T11:00:00+02:00"), p.lansstyrelsen_key)
            .status == 403);
  CHECK(p.post(kOstersund, session("X", "2019-09-04T10:00:00+02:00", "2019-09-04T11:00:00+02:00"), p.admin).status ==
        201);
  // no key: 401; an unknown key: 401 even for reads
  CHECK(p.server.request("POST", kForum, body.dump()).status == 401);
  CHECK(p.server.get(kForum, bearer("no-such-key")).status == 401);
  CHECK(p.server.get("/v1/events/no-such-event/sessions").status == 404);
}

TEST_CASE("sessions: ETag, 304, If-Match, merge patch and delete") {
  Programme p;
  p.seed_speakers();
  auto created = p.post(kForum,
                        session("Global migration i coronatider", "2020-11-26T09:15:00+01:00",
                                "2020-11-26T10:15:00+01:00", {"alice-petren"}),
                        p.lansstyrelsen_key);
  REQUIRE(created.status == 201);
  const std::string path = kForum + "/" + created.json()["id"].get<std::string>();
  const std::string etag = created.header("ETag");
  CHECK(!etag.empty());

  auto got = p.server.get(path);
  CHECK(got.header("ETag") == etag);
  CHECK(p.server.get(path, {{"If-None-Match", etag}}).status == 304);
  CHECK(p.server.get(path, {{"If-Modified-Since", got.header("Last-Modified")}}).status == 304);

  const HeaderList organiser = bearer(p.lansstyrelsen_key);
  // merge: description added, location set, speakers replaced; the rest kept
  auto patched =
      p.patch(path, {{"location", "Studio 1"}, {"speaker_ids", {"alice-petren", "foretradare-for-statskontoret"}}},
              with(organiser, "If-Match", etag));
  REQUIRE_MESSAGE(patched.status == 200, patched.body);
  auto body = patched.json();
  CHECK(body["location"] == "Studio 1");
  CHECK(body["title"] == "Global migration i coronatider");
  CHECK(body["starts_at"] == "2020-11-26T09:15:00+01:00");
  CHECK(body["speaker_ids"] ==
        json::array({p.speaker_ids["alice-petren"], p.speaker_ids["foretradare-for-statskontoret"]}));
  const std::string etag2 = patched.header("ETag");
  CHECK(etag2 != etag);

  // a change of speakers alone changes the ETag too
  auto fewer = p.patch(path, {{"speaker_ids", {"foretradare-for-statskontoret"}}}, organiser);
  REQUIRE(fewer.status == 200);
  CHECK(fewer.header("ETag") != etag2);
  CHECK(p.server.get(path, {{"If-None-Match", etag2}}).status == 200);

  // stale tag: 412, nothing changed
  auto stale = p.patch(path, {{"title", "Ny titel"}}, with(organiser, "If-Match", etag));
  CHECK(stale.status == 412);
  CHECK(p.server.get(path).json()["title"] == "Global migration i coronatider");
  // null removes an optional member; a required one cannot be removed; unknown members 422
  auto cleared = p.patch(path, {{"location", nullptr}}, organiser);
  CHECK(cleared.json()["location"].is_null());
  CHECK(p.patch(path, {{"title", nullptr}}, organiser).status == 422);
  CHECK(p.patch(path, {{"room", "A"}}, organiser).status == 422);
  CHECK(p.patch(path, {{"ends_at", "2020-11-26T17:00:00+01:00"}}, organiser).status == 422);
  CHECK(p.patch(path, {{"title", "x"}}, bearer(p.forum_key)).status == 403);

  // delete: stale tag 412, then 204, then 404
  const std::string current = p.server.get(path).header("ETag");
  CHECK(p.server.request("DELETE", path, "", with(organiser, "If-Match", etag)).status == 412);
  CHECK(p.server.request("DELETE", path, "", bearer(p.forum_key)).status == 403);
  CHECK(p.server.request("DELETE", path, "", with(organiser, "If-Match", current)).status == 204);
  CHECK(p.server.get(path).status == 404);
  CHECK(p.server.database().scalar("SELECT count(*) FROM session_speakers") == "0");
}

TEST_CASE("sessions: a session names only speakers of its event's organiser, whoever asks") {
  Programme p;
  p.seed_speakers();
  // Göran Pettersson is Forum's record; Länsstyrelsen cannot put him in its programme, and the
  // answer tells nothing of him (the same words as for a speaker who does not exist)
  auto foreign = p.post(
      kForum, session("Lånad talare", "2020-11-26T10:00:00+01:00", "2020-11-26T11:00:00+01:00", {"goran-pettersson"}),
      p.lansstyrelsen_key);
  REQUIRE(foreign.status == 422);
  CHECK(error_fields(foreign) == std::set<std::string>{"speaker_ids[0]"});
  CHECK(foreign.body.find("Pettersson") == std::string::npos);
  auto unknown = p.post(
      kForum, session("Okänd talare", "2020-11-26T10:00:00+01:00", "2020-11-26T11:00:00+01:00", {"no-such-speaker"}),
      p.lansstyrelsen_key);
  CHECK(unknown.json()["errors"] == foreign.json()["errors"]);
  // an admin cannot either: the rule is the database's
  auto by_admin = p.post(kForum,
                         session("Lånad talare", "2020-11-26T10:00:00+01:00", "2020-11-26T11:00:00+01:00",
                                 {p.speaker_ids["goran-pettersson"]}),
                         p.admin);
  CHECK(by_admin.status == 422);
  REQUIRE(p.post(kForum, session("Utan talare", "2020-11-26T12:00:00+01:00", "2020-11-26T12:30:00+01:00"),
                 p.lansstyrelsen_key)
              .status == 201);
  CHECK_THROWS(p.server.database().exec(
      "INSERT INTO session_speakers (session_id, speaker_id) SELECT s.id, '" + p.speaker_ids["goran-pettersson"] +
      "' FROM sessions s JOIN events e ON e.id = s.event_id WHERE e.slug = 'integrationsforum-2020' LIMIT 1"));
  CHECK(p.server.database().scalar("SELECT count(*) FROM session_speakers") == "0");

  // with his own organisation's event he is fine; then neither his owner nor the event's
  // organiser can change under the programme
  auto own = p.post(
      kOstersund, session("Välkommen", "2019-09-04T10:00:00+02:00", "2019-09-04T11:00:00+02:00", {"goran-pettersson"}),
      p.forum_key);
  REQUIRE_MESSAGE(own.status == 201, own.body);
  auto moved_owner = p.patch("/v1/speakers/goran-pettersson",
                             {{"owner_organisation_id", "lansstyrelsen-vastra-gotaland"}}, bearer(p.admin));
  CHECK(moved_owner.status == 409);
  CHECK(error_fields(moved_owner) == std::set<std::string>{"owner_organisation_id"});
  auto moved_event =
      p.patch("/v1/events/ostersund-2019", {{"organiser_id", "lansstyrelsen-vastra-gotaland"}}, bearer(p.admin));
  CHECK(moved_event.status == 422);
  CHECK(error_fields(moved_event) == std::set<std::string>{"organiser_id"});
}

TEST_CASE("sessions: a cancelled event's sessions hold no speaker's time") {
  Programme p;
  p.seed_speakers();
  auto talk = p.post(kForum,
                     session("Global migration i coronatider", "2020-11-26T09:15:00+01:00", "2020-11-26T10:15:00+01:00",
                             {"alice-petren"}),
                     p.lansstyrelsen_key);
  REQUIRE_MESSAGE(talk.status == 201, talk.body);
  p.server.database().exec(
      "INSERT INTO events (slug, title, kind, format, status, timezone, starts_at, ends_at, venue_city, organiser_id) "
      "VALUES ('ersattning', 'Ersättningsseminarium', 'seminar', 'in_person', 'published', 'Europe/Stockholm', "
      "'2020-11-26T08:00:00Z', '2020-11-26T15:00:00Z', 'Göteborg', (SELECT id FROM organisations WHERE slug = "
      "'lansstyrelsen-vastra-gotaland'))");
  const json replacement =
      session("Samma tid", "2020-11-26T09:30:00+01:00", "2020-11-26T10:00:00+01:00", {"alice-petren"});
  CHECK(p.post("/v1/events/ersattning/sessions", replacement, p.lansstyrelsen_key).status == 409);

  auto cancelled = p.patch("/v1/events/integrationsforum-2020", {{"status", "cancelled"}}, bearer(p.lansstyrelsen_key));
  REQUIRE_MESSAGE(cancelled.status == 200, cancelled.body);
  auto booked = p.post("/v1/events/ersattning/sessions", replacement, p.lansstyrelsen_key);
  CHECK_MESSAGE(booked.status == 201, booked.body);
  // taking the cancelled event back would double-book her: 409, and it stays cancelled
  auto revived = p.patch("/v1/events/integrationsforum-2020", {{"status", "published"}}, bearer(p.lansstyrelsen_key));
  CHECK(revived.status == 409);
  CHECK(p.server.get("/v1/events/integrationsforum-2020").json()["status"] == "cancelled");
}
