// The programme of a study trip (issue 21) over real HTTP and PostgreSQL: items that are
// places and journeys (own zone, place, hosts, transport), who sees a delegation's legs (the
// organisers; not the public, not other organisations, not another delegation's
// participants), the PATCH round trip, and a participant's itinerary in three zones read by
// the independent parsers of tests/tools/check_ics.py.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "speaker_session_fixture.hpp"
#include "support/ics_check.hpp"

using namespace eventd::test;
using namespace eventd::test::programme;

namespace {

const std::string kTrip = "/v1/events/ostersund-2035";
const std::string kSessions = kTrip + "/sessions";

std::set<std::string> error_fields(const HttpResponse& response) {
  std::set<std::string> fields;
  for (const auto& e : response.json().value("errors", json::array())) fields.insert(e["field"]);
  return fields;
}

std::string error_code(const HttpResponse& response, const std::string& field) {
  for (const auto& e : response.json().value("errors", json::array())) {
    if (e["field"] == field) return e["code"];
  }
  return "";
}

std::set<std::string> titles(const json& items) {
  std::set<std::string> out;
  for (const auto& item : items) out.insert(item["title"]);
  return out;
}

// The Östersund visit again, in the future (so that registrations and tombstones count), with
// its two delegations and the other organisation's event's delegation (the hosts, Hej
// Främling! and Östersunds kommun, are seed organisations).
struct Trip {
  Programme p;
  std::string event_id;
  std::string cyprus;  // delegation ids
  std::string austria;
  std::string foreign;                // a delegation of Integrationsforum 2020
  std::map<std::string, json> items;  // title → the created session, as its organiser got it

  Trip() {
    TestDatabase& db = p.server.database();
    db.exec(
        "INSERT INTO events (slug, title, kind, format, status, timezone, all_day, starts_on, ends_on, venue_city, "
        "venue_country, organiser_id) VALUES ('ostersund-2035', " +
        quoted("Studiebesök i Östersund") +
        ", 'study_visit', 'in_person', 'published', 'Europe/Stockholm', true, '2035-09-04', '2035-09-05', " +
        quoted("Östersund") + ", 'SE', (SELECT id FROM organisations WHERE slug = 'forum'))");
    event_id = p.event_id("ostersund-2035");
    cyprus = db.scalar("INSERT INTO delegations (event_id, name, country) VALUES ('" + event_id +
                       "', 'Cyprus', 'CY') RETURNING id::text");
    austria = db.scalar("INSERT INTO delegations (event_id, name, country) VALUES ('" + event_id + "', " +
                        quoted("Österreich") + ", 'AT') RETURNING id::text");
    foreign = db.scalar("INSERT INTO delegations (event_id, name) VALUES ('" + p.event_id("integrationsforum-2020") +
                        "', 'Elsewhere') RETURNING id::text");
  }

  json create(const json& body) {
    auto r = p.post(kSessions, body, p.forum_key);
    REQUIRE_MESSAGE(r.status == 201, r.body);
    items[body["title"]] = r.json();
    return r.json();
  }

  // The itinerary: legs of each delegation in their own zones, and items for everyone.
  void seed() {
    create({{"title", "Flyg Larnaca–Wien"},
            {"kind", "travel"},
            {"timezone", "Asia/Nicosia"},
            {"starts_at", "2035-09-04T06:00:00"},
            {"ends_at", "2035-09-04T08:30:00"},
            {"place", {{"name", "Larnaca International Airport"}, {"city", "Larnaca"}, {"country", "CY"}}},
            {"transport",
             {{"mode", "flight"},
              {"from", "Larnaca (LCA)"},
              {"to", "Wien (VIE)"},
              {"carrier", "Cyprus Airways"},
              {"reference", "CY 4321"}}},
            {"delegation_ids", {cyprus}}});
    create({{"title", "Flyg Wien–Stockholm"},
            {"kind", "travel"},
            {"timezone", "Europe/Vienna"},
            {"starts_at", "2035-09-04T08:30:00"},
            {"ends_at", "2035-09-04T11:00:00"},
            {"transport", {{"mode", "flight"}, {"from", "Wien (VIE)"}, {"to", "Stockholm Arlanda (ARN)"}}},
            {"delegation_ids", {cyprus}}});
    create({{"title", "Zug Wien–Flughafen"},
            {"kind", "travel"},
            {"timezone", "Europe/Vienna"},
            {"starts_at", "2035-09-04T07:00:00"},
            {"ends_at", "2035-09-04T07:30:00"},
            {"transport", {{"mode", "train"}, {"carrier", "ÖBB"}}},
            {"delegation_ids", {austria}}});
    create({{"title", "Besök hos Hej Främling!"},
            {"kind", "visit"},
            {"starts_at", "2035-09-04T14:00:00"},
            {"ends_at", "2035-09-04T16:00:00"},
            {"place",
             {{"name", "Hej Främling!"},
              {"street", "Rådhusgatan 48"},
              {"postal_code", "831 82"},
              {"city", "Östersund"},
              {"country", "SE"},
              {"latitude", 63.1766},
              {"longitude", 14.6361}}},
            {"host_organisation_ids", {"hej-framling", "ostersunds-kommun"}}});
    create({{"title", "Middag"},
            {"kind", "meal"},
            {"starts_at", "2035-09-04T19:00:00"},
            {"ends_at", "2035-09-04T21:30:00"},
            {"place", {{"name", "Restaurang Hov"}, {"city", "Östersund"}}}});
    create({{"title", "Hotell"},
            {"kind", "accommodation"},
            {"starts_at", "2035-09-04T22:00:00"},
            {"ends_at", "2035-09-05T08:00:00"},
            {"place", {{"name", "Clarion Hotel Grand"}, {"city", "Östersund"}}}});
  }

  std::string id_of(const std::string& title) { return items.at(title)["id"]; }

  // A registration in `delegation` (none when empty).
  json register_in(const std::string& name, const std::string& email, const std::string& delegation) {
    json body = {{"name", name}, {"email", email}, {"consent", true}};
    if (!delegation.empty()) body["delegation_id"] = delegation;
    auto r = p.server.request("POST", kTrip + "/registrations", body.dump(), {{"Content-Type", "application/json"}});
    REQUIRE_MESSAGE(r.status == 201, r.body);
    const json registration = r.json();
    CHECK(registration["delegation_id"] == (delegation.empty() ? json(nullptr) : json(delegation)));
    return registration;
  }

  HttpResponse feed_of(const json& registration) {
    const std::string url = registration["feed_url"];
    return p.server.get(url.substr(url.find("/v1/feeds/")));
  }
};

// UID → "<DTSTART> <DTEND>" in UTC, as check_ics.py's parsers (python icalendar, vobject and ical.js,
// which must agree) read them.
std::map<std::string, std::string> parsed_instants(const std::string& calendar) {
  const auto check = run_ics_checker(calendar);
  REQUIRE_MESSAGE(check.status == 0, check.output);
  std::map<std::string, std::string> out;
  std::istringstream lines(check.output);
  std::string uid, start, end;
  while (lines >> uid >> start >> end) out[uid] = start + " " + end;
  return out;
}

std::string uid_of(const std::string& session_id) { return "session-" + session_id + "@"; }

// The parsed instants of a session, found by its UID's prefix (the host follows the @).
std::string instants_of(const std::map<std::string, std::string>& parsed, const std::string& session_id) {
  for (const auto& [uid, instants] : parsed) {
    if (uid.starts_with(uid_of(session_id))) return instants;
  }
  return "";
}

bool has_line(const std::string& calendar, const std::string& line) {
  const auto lines = lines_of(calendar);
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

}  // namespace

TEST_CASE("trip sessions: legs, visits, meals and nights with their zones, places, hosts and transport") {
  Trip t;
  t.seed();
  const json& flight = t.items["Flyg Larnaca–Wien"];
  // written without an offset, read on Cyprus time (+03:00 in September) and shown in it
  CHECK(flight["timezone"] == "Asia/Nicosia");
  CHECK(flight["starts_at"] == "2035-09-04T06:00:00+03:00");
  CHECK(flight["kind"] == "travel");
  CHECK(flight["transport"] == json({{"mode", "flight"},
                                     {"from", "Larnaca (LCA)"},
                                     {"to", "Wien (VIE)"},
                                     {"carrier", "Cyprus Airways"},
                                     {"reference", "CY 4321"}}));
  CHECK(flight["place"]["name"] == "Larnaca International Airport");
  CHECK(flight["place"]["street"].is_null());
  CHECK(flight["place"]["latitude"].is_null());
  CHECK(flight["delegation_ids"] == json::array({t.cyprus}));
  CHECK(flight["host_organisation_ids"] == json::array());
  CHECK(t.items["Flyg Wien–Stockholm"]["starts_at"] == "2035-09-04T08:30:00+02:00");

  const json& visit = t.items["Besök hos Hej Främling!"];
  // no zone of its own: the event's, said in the representation
  CHECK(visit["timezone"] == "Europe/Stockholm");
  CHECK(t.p.server.database().scalar("SELECT (timezone IS NULL)::text FROM sessions WHERE id = '" +
                                     visit["id"].get<std::string>() + "'") == "true");
  CHECK(visit["kind"] == "visit");
  CHECK(visit["host_organisation_ids"] ==
        json::array({t.p.organisation_id("hej-framling"), t.p.organisation_id("ostersunds-kommun")}));
  CHECK(visit["place"]["latitude"] == 63.1766);
  CHECK(visit["place"]["postal_code"] == "831 82");
  CHECK(visit["transport"].is_null());
  CHECK(visit["delegation_ids"] == json::array());
  CHECK(t.items["Middag"]["kind"] == "meal");
  CHECK(t.items["Hotell"]["kind"] == "accommodation");
  CHECK(t.items["Hotell"]["ends_at"] == "2035-09-05T08:00:00+02:00");

  // free time, with an offset that is the zone's
  auto free = t.p.post(kSessions,
                       {{"title", "Fri tid"},
                        {"kind", "free"},
                        {"timezone", "Europe/Stockholm"},
                        {"starts_at", "2035-09-05T12:00:00+02:00"},
                        {"ends_at", "2035-09-05T14:00:00+02:00"}},
                       t.p.forum_key);
  REQUIRE_MESSAGE(free.status == 201, free.body);
  CHECK(free.json()["timezone"] == "Europe/Stockholm");

  // an organisation named by a visit is not deleted under it
  CHECK_THROWS(t.p.server.database().exec("DELETE FROM organisations WHERE slug = 'hej-framling'"));
  // nor a delegation named by a leg
  CHECK_THROWS(t.p.server.database().exec("DELETE FROM delegations WHERE id = '" + t.cyprus + "'"));
}

TEST_CASE("trip sessions: 422 for transport on a talk, one coordinate, unknown zones, hosts and delegations") {
  Trip t;
  const json base = {{"title", "Punkt"}, {"starts_at", "2035-09-04T10:00:00"}, {"ends_at", "2035-09-04T11:00:00"}};
  auto refused = [&t](json body) {
    auto r = t.p.post(kSessions, body, t.p.forum_key);
    CHECK_MESSAGE(r.status == 422, r.body);
    return r;
  };

  json talk = base;
  talk["transport"] = {{"mode", "bus"}};
  auto r = refused(talk);
  CHECK(error_code(r, "transport") == "only_for_travel");

  json no_mode = base;
  no_mode["kind"] = "travel";
  no_mode["transport"] = {{"from", "Östersund"}};
  r = refused(no_mode);
  CHECK(error_code(r, "transport.mode") == "required");

  json bad_mode = base;
  bad_mode["kind"] = "travel";
  bad_mode["transport"] = {{"mode", "rocket"}};
  r = refused(bad_mode);
  CHECK(error_code(r, "transport.mode") == "not_one_of");

  json one_coordinate = base;
  one_coordinate["place"] = {{"name", "Stortorget"}, {"latitude", 63.17}};
  r = refused(one_coordinate);
  CHECK(error_code(r, "place.longitude") == "coordinates_go_together");

  json nameless = base;
  nameless["place"] = {{"street", "Rådhusgatan 48"}, {"country", "se"}};
  r = refused(nameless);
  CHECK(error_code(r, "place") == "name_or_city_required");
  CHECK(error_code(r, "place.country") == "invalid_country");

  json zone = base;
  zone["timezone"] = "Mars/Olympus_Mons";
  r = refused(zone);
  CHECK(error_code(r, "timezone") == "invalid_time_zone");

  json hosts = base;
  hosts["host_organisation_ids"] = {"hej-framling", "ingen-sadan", "hej-framling"};
  r = refused(hosts);
  CHECK(error_fields(r) == std::set<std::string>{"host_organisation_ids[1]", "host_organisation_ids[2]"});
  CHECK(error_code(r, "host_organisation_ids[1]") == "unknown_organisation");
  CHECK(error_code(r, "host_organisation_ids[2]") == "duplicate");

  json audience = base;
  audience["delegation_ids"] = {t.cyprus, t.foreign, "not-a-uuid"};
  r = refused(audience);
  CHECK(error_fields(r) == std::set<std::string>{"delegation_ids[1]", "delegation_ids[2]"});
  CHECK(error_code(r, "delegation_ids[1]") == "unknown_delegation");

  // all of it in one 422, and nothing written
  json everything = base;
  everything["transport"] = {{"mode", "car"}};
  everything["timezone"] = "Nowhere/Atlantis";
  everything["delegation_ids"] = {t.foreign};
  r = refused(everything);
  CHECK(error_fields(r) == std::set<std::string>{"transport", "timezone", "delegation_ids[0]"});
  CHECK(t.p.server.database().scalar("SELECT count(*) FROM sessions WHERE event_id = '" + t.event_id + "'") == "0");

  // a PATCH that adds transport to a visit is refused the same way
  json visit = base;
  visit["kind"] = "visit";
  auto created = t.p.post(kSessions, visit, t.p.forum_key);
  REQUIRE(created.status == 201);
  auto patched = t.p.patch(kSessions + "/" + created.json()["id"].get<std::string>(),
                           {{"transport", {{"mode", "walk"}}}}, bearer(t.p.forum_key));
  CHECK(patched.status == 422);
  CHECK(error_code(patched, "transport") == "only_for_travel");
}

TEST_CASE("trip sessions: a representation sent back is no change; zone, place and audience changes are") {
  Trip t;
  t.seed();
  for (const std::string title : {"Flyg Larnaca–Wien", "Besök hos Hej Främling!"}) {
    const std::string target = kSessions + "/" + t.id_of(title);
    auto read = t.p.server.get(target, bearer(t.p.forum_key));
    REQUIRE(read.status == 200);
    auto back = t.p.patch(target, read.json(), with(bearer(t.p.forum_key), "If-Match", read.header("ETag")));
    REQUIRE_MESSAGE(back.status == 200, back.body);
    CHECK(back.header("ETag") == read.header("ETag"));
    CHECK(back.json() == read.json());
  }
  // the visit still follows the event's zone
  CHECK(t.p.server.database().scalar("SELECT (timezone IS NULL)::text FROM sessions WHERE id = '" +
                                     t.id_of("Besök hos Hej Främling!") + "'") == "true");

  // its own zone: the instants stay, the offset shown is the new zone's
  const std::string flight = kSessions + "/" + t.id_of("Flyg Larnaca–Wien");
  const std::string sequence_sql = "SELECT sequence FROM sessions WHERE id = '" + t.id_of("Flyg Larnaca–Wien") + "'";
  const std::string before = t.p.server.database().scalar(sequence_sql);
  auto moved = t.p.patch(flight, {{"timezone", "Europe/Stockholm"}}, bearer(t.p.forum_key));
  REQUIRE_MESSAGE(moved.status == 200, moved.body);
  CHECK(moved.json()["starts_at"] == "2035-09-04T05:00:00+02:00");
  CHECK(std::stoi(t.p.server.database().scalar(sequence_sql)) == std::stoi(before) + 1);

  // the place merged member by member, the audience replaced, the transport merged
  auto changed = t.p.patch(flight,
                           {{"place", {{"street", "Airport Road"}}},
                            {"delegation_ids", {t.austria, t.cyprus}},
                            {"transport", {{"reference", "CY 4323"}}}},
                           bearer(t.p.forum_key));
  REQUIRE_MESSAGE(changed.status == 200, changed.body);
  CHECK(changed.json()["place"]["street"] == "Airport Road");
  CHECK(changed.json()["place"]["name"] == "Larnaca International Airport");
  CHECK(changed.json()["transport"]["reference"] == "CY 4323");
  CHECK(changed.json()["transport"]["carrier"] == "Cyprus Airways");
  std::vector<std::string> audience{t.austria, t.cyprus};
  std::sort(audience.begin(), audience.end());
  CHECK(changed.json()["delegation_ids"] == json(audience));
  CHECK(std::stoi(t.p.server.database().scalar(sequence_sql)) == std::stoi(before) + 2);

  // null removes the place, the transport and the own zone; [] makes it everyone's
  auto cleared = t.p.patch(
      flight, {{"place", nullptr}, {"transport", nullptr}, {"timezone", nullptr}, {"delegation_ids", json::array()}},
      bearer(t.p.forum_key));
  REQUIRE_MESSAGE(cleared.status == 200, cleared.body);
  CHECK(cleared.json()["place"].is_null());
  CHECK(cleared.json()["transport"].is_null());
  CHECK(cleared.json()["timezone"] == "Europe/Stockholm");
  CHECK(cleared.json()["delegation_ids"] == json::array());
  CHECK(t.p.server.get(flight).status == 200);  // now public
}

TEST_CASE("trip sessions: a delegation's legs are for the organisers only: list, single, include and feeds") {
  Trip t;
  t.seed();
  const std::set<std::string> legs{"Flyg Larnaca–Wien", "Flyg Wien–Stockholm", "Zug Wien–Flughafen"};
  const std::set<std::string> for_everyone{"Besök hos Hej Främling!", "Middag", "Hotell"};
  std::set<std::string> all = legs;
  all.insert(for_everyone.begin(), for_everyone.end());

  // anonymous and another organisation: the items for everyone
  for (const HeaderList& headers : {HeaderList{}, bearer(t.p.lansstyrelsen_key)}) {
    auto list = t.p.server.get(kSessions, headers);
    REQUIRE(list.status == 200);
    CHECK(titles(list.json()["items"]) == for_everyone);
    auto included = t.p.server.get(kTrip + "?include=sessions", headers);
    REQUIRE(included.status == 200);
    CHECK(titles(included.json()["included"]["sessions"]) == for_everyone);
    for (const auto& leg : legs) {
      auto single = t.p.server.get(kSessions + "/" + t.id_of(leg), headers);
      CHECK(single.status == 404);
    }
    CHECK(t.p.server.get(kSessions + "/" + t.id_of("Middag"), headers).status == 200);
  }
  // pages of two skip the legs without short pages
  auto page = t.p.server.get(kSessions + "?limit=2");
  REQUIRE(page.status == 200);
  CHECK(page.json()["items"].size() == 2);

  // the organiser and the admin: everything
  for (const std::string& key : {t.p.forum_key, t.p.admin}) {
    auto list = t.p.server.get(kSessions, bearer(key));
    REQUIRE(list.status == 200);
    CHECK(titles(list.json()["items"]) == all);
    auto included = t.p.server.get(kTrip + "?include=sessions", bearer(key));
    CHECK(titles(included.json()["included"]["sessions"]) == all);
    CHECK(t.p.server.get(kSessions + "/" + t.id_of("Zug Wien–Flughafen"), bearer(key)).status == 200);
  }

  // the event's feed (public, whoever asks) and the list feeds: no leg
  for (const HeaderList& headers : {HeaderList{}, bearer(t.p.forum_key)}) {
    auto feed = t.p.server.get(kTrip + "/calendar.ics", headers);
    REQUIRE(feed.status == 200);
    for (const auto& leg : legs) CHECK(feed.body.find(uid_of(t.id_of(leg))) == std::string::npos);
    for (const auto& item : for_everyone) CHECK(feed.body.find(uid_of(t.id_of(item))) != std::string::npos);
  }
  for (const std::string target : {"/v1/calendar.ics", "/v1/organisations/forum/calendar.ics"}) {
    auto feed = t.p.server.get(target);
    REQUIRE(feed.status == 200);
    for (const auto& leg : legs) CHECK(feed.body.find(uid_of(t.id_of(leg))) == std::string::npos);
  }

  // a deleted leg is not cancelled in the public feed (it never showed it)
  auto deleted =
      t.p.server.request("DELETE", kSessions + "/" + t.id_of("Zug Wien–Flughafen"), "", bearer(t.p.forum_key));
  REQUIRE(deleted.status == 204);
  auto feed = t.p.server.get(kTrip + "/calendar.ics");
  CHECK(feed.body.find(uid_of(t.id_of("Zug Wien–Flughafen"))) == std::string::npos);
}

TEST_CASE("trip sessions: a participant's itinerary is everyone's items and their delegation's legs, in three zones") {
  Trip t;
  t.seed();
  const json cypriot = t.register_in("Eleni Georgiou", "eleni@example.cy", t.cyprus);
  const json austrian = t.register_in("Lukas Huber", "lukas@example.at", t.austria);
  const json local = t.register_in("Anna Andersson", "anna@example.se", "");

  auto feed = t.feed_of(cypriot);
  REQUIRE_MESSAGE(feed.status == 200, feed.body);
  const std::string& ics = feed.body;
  // each leg in its own zone, with a VTIMEZONE for each zone used
  CHECK(has_line(ics, "DTSTART;TZID=Asia/Nicosia:20350904T060000"));
  CHECK(has_line(ics, "DTSTART;TZID=Europe/Vienna:20350904T083000"));
  CHECK(has_line(ics, "DTSTART;TZID=Europe/Stockholm:20350904T140000"));
  for (const std::string zone : {"Asia/Nicosia", "Europe/Vienna", "Europe/Stockholm"}) {
    CHECK_MESSAGE(has_line(ics, "TZID:" + zone), zone);
  }
  // the place, its point, the transport and the hosts
  CHECK(has_line(ics, "LOCATION:Hej Främling!\\, Rådhusgatan 48\\, 831 82 Östersund\\, SE"));
  CHECK(has_line(ics, "GEO:63.176600;14.636100"));
  const std::string text = unfold(ics);
  CHECK(text.find("Flyg: Larnaca (LCA) → Wien (VIE)\\, Cyprus Airways\\, CY 4321") != std::string::npos);
  CHECK(text.find("Värdar: Hej Främling!\\, Östersunds kommun") != std::string::npos);

  // the same UTC instants in every parser (icalendar, vobject and ical.js agree, or the check fails)
  const auto parsed = parsed_instants(ics);
  CHECK(instants_of(parsed, t.id_of("Flyg Larnaca–Wien")) == "20350904T030000Z 20350904T053000Z");
  CHECK(instants_of(parsed, t.id_of("Flyg Wien–Stockholm")) == "20350904T063000Z 20350904T090000Z");
  CHECK(instants_of(parsed, t.id_of("Besök hos Hej Främling!")) == "20350904T120000Z 20350904T140000Z");
  CHECK(instants_of(parsed, t.id_of("Hotell")) == "20350904T200000Z 20350905T060000Z");
  // never the other delegation's leg
  CHECK(instants_of(parsed, t.id_of("Zug Wien–Flughafen")).empty());

  // the Austrian's: their train, not the Cypriots' flights
  const auto austrian_parsed = parsed_instants(t.feed_of(austrian).body);
  CHECK(instants_of(austrian_parsed, t.id_of("Zug Wien–Flughafen")) == "20350904T050000Z 20350904T053000Z");
  CHECK(instants_of(austrian_parsed, t.id_of("Flyg Larnaca–Wien")).empty());
  CHECK(instants_of(austrian_parsed, t.id_of("Middag")) == "20350904T170000Z 20350904T193000Z");

  // someone of no delegation: the items for everyone only
  const auto local_parsed = parsed_instants(t.feed_of(local).body);
  CHECK(local_parsed.size() == 4);  // the event and its three items for everyone
  CHECK(instants_of(local_parsed, t.id_of("Flyg Wien–Stockholm")).empty());

  // a deleted leg is cancelled where it was shown, and nowhere else
  auto deleted =
      t.p.server.request("DELETE", kSessions + "/" + t.id_of("Flyg Wien–Stockholm"), "", bearer(t.p.forum_key));
  REQUIRE(deleted.status == 204);
  const std::string cancelled = unfold(t.feed_of(cypriot).body);
  CHECK(cancelled.find("INSTÄLLD: Flyg Wien–Stockholm") != std::string::npos);
  CHECK(cancelled.find("STATUS:CANCELLED") != std::string::npos);
  CHECK(t.feed_of(austrian).body.find(uid_of(t.id_of("Flyg Wien–Stockholm"))) == std::string::npos);
}

TEST_CASE("trip sessions: the itinerary carries the traveller's tasks as VTODOs, due a day after their alarm") {
  Trip t;
  t.seed();
  const json cypriot = t.register_in("Eleni Georgiou", "eleni@example.cy", t.cyprus);
  const json austrian = t.register_in("Lukas Huber", "lukas@example.at", t.austria);
  auto task = [&](const json& body) {
    auto created =
        t.p.server.request("POST", kTrip + "/tasks", body.dump(),
                           {{"Authorization", "Bearer " + t.p.forum_key}, {"Content-Type", "application/json"}});
    REQUIRE_MESSAGE(created.status == 201, created.body);
    return created.json()["id"].get<std::string>();
  };
  // 23:59 Stockholm summer time, 12:00 Stockholm: 21:59 and 10:00 UTC.
  const std::string passport =
      task({{"title", "Skicka passuppgifter"}, {"due_at", "2035-08-20T23:59:00"}, {"delegation_ids", {t.cyprus}}});
  const std::string diet = task({{"title", "Kostönskemål"}, {"due_at", "2035-08-25T12:00:00"}});
  auto done = t.p.server.request("PUT", "/v1/registrations/" + cypriot["id"].get<std::string>() + "/tasks/" + diet,
                                 R"({"status": "done"})",
                                 {{"Authorization", "Bearer " + cypriot["manage_token"].get<std::string>()},
                                  {"Content-Type", "application/json"}});
  REQUIRE_MESSAGE(done.status == 200, done.body);

  auto feed = t.feed_of(cypriot);
  REQUIRE(feed.status == 200);
  // Both parsers read the same due instants (and agree on every VEVENT and VTODO).
  const auto check = run_ics_checker(feed.body, /*details=*/true);
  REQUIRE_MESSAGE(check.status == 0, check.output);
  CHECK(check.output.find("task-" + passport + "@127.0.0.1") != std::string::npos);
  CHECK(check.output.find(" - 20350820T215900Z 0 NEEDS-ACTION") != std::string::npos);
  CHECK(check.output.find(" - 20350825T100000Z 0 COMPLETED") != std::string::npos);
  // An open task has its alarm a day before it is due; a done one has none.
  const auto lines = lines_of(feed.body);
  CHECK(std::count(lines.begin(), lines.end(), "BEGIN:VTODO") == 2);
  CHECK(std::count(lines.begin(), lines.end(), "BEGIN:VALARM") == 1);
  CHECK(has_line(feed.body, "TRIGGER;RELATED=END:-P1D"));
  CHECK(std::count(lines.begin(), lines.end(), "STATUS:COMPLETED") == 1);

  // The Austrian has the task for everyone, open, and not the Cypriots' passport task.
  const auto other = run_ics_checker(t.feed_of(austrian).body, true);
  REQUIRE_MESSAGE(other.status == 0, other.output);
  CHECK(other.output.find("task-" + passport) == std::string::npos);
  CHECK(other.output.find(" - 20350825T100000Z 0 NEEDS-ACTION") != std::string::npos);
  // The public feed carries no task.
  CHECK(t.p.server.get(kTrip + "/calendar.ics").body.find("VTODO") == std::string::npos);
}

TEST_CASE("trip sessions: a delegation's leader follows its itinerary and how far its members are with their tasks") {
  Trip t;
  t.seed();
  const json eleni = t.register_in("Eleni Georgiou", "eleni@example.cy", t.cyprus);
  const json andreas = t.register_in("Andreas Christou", "andreas@example.cy", t.cyprus);
  t.register_in("Lukas Huber", "lukas@example.at", t.austria);
  auto as_organiser = [&](const std::string& method, const std::string& path, const json& body) {
    return t.p.server.request(method, path, body.is_null() ? "" : body.dump(),
                              {{"Authorization", "Bearer " + t.p.forum_key}, {"Content-Type", "application/json"}});
  };
  auto created = as_organiser(
      "POST", kTrip + "/tasks",
      {{"title", "Skicka passuppgifter"}, {"due_at", "2035-08-20T23:59:00"}, {"delegation_ids", {t.cyprus}}});
  REQUIRE_MESSAGE(created.status == 201, created.body);
  const std::string passport = created.json()["id"];
  created = as_organiser("POST", kTrip + "/tasks", {{"title", "Kostönskemål"}, {"due_at", "2035-08-25T12:00:00"}});
  REQUIRE_MESSAGE(created.status == 201, created.body);
  const std::string diet = created.json()["id"];
  auto mark_done = [&](const json& registration, const std::string& task) {
    auto done = t.p.server.request(
        "PUT", "/v1/registrations/" + registration["id"].get<std::string>() + "/tasks/" + task, R"({"status": "done"})",
        {{"Authorization", "Bearer " + registration["manage_token"].get<std::string>()},
         {"Content-Type", "application/json"}});
    REQUIRE_MESSAGE(done.status == 200, done.body);
  };
  mark_done(eleni, diet);
  mark_done(eleni, passport);

  auto issued = as_organiser("POST", kTrip + "/delegations/" + t.cyprus + "/leader-token", nullptr);
  REQUIRE_MESSAGE(issued.status == 201, issued.body);
  const json leader = issued.json();
  const std::string feed_url = leader["feed_url"];
  CHECK(feed_url.find("/v1/feeds/evl_") != std::string::npos);
  CHECK(leader["webcal_url"] == "webcal" + feed_url.substr(feed_url.find("://")));
  const std::string feed_path = feed_url.substr(feed_url.find("/v1/feeds/"));
  // The leader is shown it again with their delegation, and it is no key to anything.
  const HeaderList as_leader = {{"Authorization", "Bearer " + leader["leader_token"].get<std::string>()}};
  auto own = t.p.server.request("GET", kTrip + "/delegations/" + t.cyprus, "", as_leader);
  REQUIRE(own.status == 200);
  CHECK(own.json()["feed_url"] == feed_url);
  CHECK(t.p.server.request("GET", kTrip + "/delegations/" + t.cyprus, "", bearer(t.p.forum_key))
            .json()
            .contains("feed_url") == false);
  const std::string feed_token = feed_path.substr(10, feed_path.find("/calendar.ics") - 10);
  CHECK(t.p.server.request("GET", kTrip + "/delegations/" + t.cyprus, "", bearer(feed_token)).status == 401);

  auto feed = t.p.server.get(feed_path);
  REQUIRE_MESSAGE(feed.status == 200, feed.body);
  CHECK(feed.header("cache-control") == "no-store");
  // The delegation's legs in their zones and everyone's items; never the other delegation's.
  const auto parsed = parsed_instants(feed.body);
  CHECK(instants_of(parsed, t.id_of("Flyg Larnaca–Wien")) == "20350904T030000Z 20350904T053000Z");
  CHECK(instants_of(parsed, t.id_of("Flyg Wien–Stockholm")) == "20350904T063000Z 20350904T090000Z");
  CHECK(instants_of(parsed, t.id_of("Middag")) == "20350904T170000Z 20350904T193000Z");
  CHECK(instants_of(parsed, t.id_of("Zug Wien–Flughafen")).empty());
  // Nobody's standing: no attendee, no waitlist mark.
  const std::string text = unfold(feed.body);
  CHECK(text.find("ATTENDEE") == std::string::npos);
  CHECK(text.find("VÄNTELISTA") == std::string::npos);
  CHECK(text.find("X-WR-CALNAME:eventd – Studiebesök i Östersund – Cyprus") != std::string::npos);
  // The tasks with how many of the two have done each; all parsers read the same due instants.
  const auto check = run_ics_checker(feed.body, /*details=*/true);
  REQUIRE_MESSAGE(check.status == 0, check.output);
  CHECK(check.output.find(" - 20350820T215900Z 0 NEEDS-ACTION") != std::string::npos);
  CHECK(check.output.find(" - 20350825T100000Z 0 NEEDS-ACTION") != std::string::npos);
  CHECK(text.find("Klart för 1 av 2 i delegationen") != std::string::npos);
  CHECK(text.find("Klart för 0 av 2") == std::string::npos);

  // Once both have done the diet task, the leader sees it done; the feed's validators move.
  const std::string etag = feed.header("etag");
  mark_done(andreas, diet);
  auto after = t.p.server.request("GET", feed_path, "", {{"If-None-Match", etag}});
  REQUIRE_MESSAGE(after.status == 200, after.body);
  const auto done = run_ics_checker(after.body, true);
  REQUIRE_MESSAGE(done.status == 0, done.output);
  CHECK(done.output.find(" - 20350825T100000Z 0 COMPLETED") != std::string::npos);
  CHECK(done.output.find(" - 20350820T215900Z 0 NEEDS-ACTION") != std::string::npos);
  CHECK(unfold(after.body).find("Klart för 2 av 2 i delegationen") != std::string::npos);

  // A new leader token: the old feed is gone, the new one answers.
  auto renewed = as_organiser("POST", kTrip + "/delegations/" + t.cyprus + "/leader-token", nullptr);
  REQUIRE(renewed.status == 201);
  CHECK(renewed.json()["feed_url"] != feed_url);
  CHECK(t.p.server.get(feed_path).status == 404);
  const std::string renewed_url = renewed.json()["feed_url"];
  CHECK(t.p.server.get(renewed_url.substr(renewed_url.find("/v1/feeds/"))).status == 200);
}

TEST_CASE("trip sessions: a registration cannot choose another delegation's leg") {
  Trip t;
  t.seed();
  json body = {{"name", "Bo Berg"},
               {"email", "bo@example.se"},
               {"consent", true},
               {"session_ids", {t.id_of("Zug Wien–Flughafen")}}};
  auto refused =
      t.p.server.request("POST", kTrip + "/registrations", body.dump(), {{"Content-Type", "application/json"}});
  CHECK(refused.status == 422);
  CHECK(error_code(refused, "session_ids") == "not_for_your_delegation");

  body["session_ids"] = {t.id_of("Middag"), t.id_of("Besök hos Hej Främling!")};
  auto chosen =
      t.p.server.request("POST", kTrip + "/registrations", body.dump(), {{"Content-Type", "application/json"}});
  CHECK_MESSAGE(chosen.status == 201, chosen.body);
}

TEST_CASE("trip sessions: a leg that moves is news to its delegation only") {
  Trip t;
  t.seed();
  const json cypriot = t.register_in("Eleni Georgiou", "eleni@example.cy", t.cyprus);
  const json austrian = t.register_in("Lukas Huber", "lukas@example.at", t.austria);
  const json local = t.register_in("Anna Andersson", "anna@example.se", "");
  auto notices = [&t](const json& registration) {
    return t.p.server.database().scalar(
        "SELECT count(*) FROM mail_outbox WHERE kind = 'event_changed' AND "
        "registration_id = '" +
        registration["id"].get<std::string>() + "'");
  };
  auto moved =
      t.p.patch(kSessions + "/" + t.id_of("Flyg Larnaca–Wien"),
                {{"starts_at", "2035-09-04T06:30:00"}, {"ends_at", "2035-09-04T09:00:00"}}, bearer(t.p.forum_key));
  REQUIRE_MESSAGE(moved.status == 200, moved.body);
  CHECK(moved.json()["starts_at"] == "2035-09-04T06:30:00+03:00");  // still read on Cyprus time
  CHECK(notices(cypriot) == "1");
  CHECK(notices(austrian) == "0");
  CHECK(notices(local) == "0");
  // the dinner moves: everybody's news
  auto dinner =
      t.p.patch(kSessions + "/" + t.id_of("Middag"), {{"starts_at", "2035-09-04T19:30:00"}}, bearer(t.p.forum_key));
  REQUIRE_MESSAGE(dinner.status == 200, dinner.body);
  CHECK(notices(cypriot) == "2");
  CHECK(notices(austrian) == "1");
  CHECK(notices(local) == "1");
}
