// /v1/speakers and /v1/events/{id}/speakers over real HTTP and PostgreSQL: the seed speakers
// with their Swedish text, private fields, slugs, filters, pagination, conditional requests.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <vector>

#include "speaker_session_fixture.hpp"

using namespace eventd::test;
using namespace eventd::test::programme;

TEST_CASE("speakers: the seed speakers round-trip with their Swedish text") {
  Programme p;
  p.seed_speakers();
  p.seed_sessions("integrationsforum-2020", "integrationsforum-2020", p.lansstyrelsen_key);
  auto seeds = read_json_file(EVENTD_SOURCE_DIR "/api/examples/speakers.json");
  for (const auto& seed : seeds) {
    auto got = p.server.get("/v1/speakers/" + seed["slug"].get<std::string>(), bearer(p.admin));
    REQUIRE(got.status == 200);
    auto body = got.json();
    CHECK(body["id"] == p.speaker_ids[seed["slug"]]);
    for (const char* field : {"slug", "name", "title", "affiliation", "bio", "phone", "email"}) {
      CHECK_MESSAGE(body[field] == seed.value(field, json()), field);
    }
    CHECK(body["organisation_id"] == p.organisation_id(seed["organisation_id"]));
    CHECK(body["owner_organisation_id"] == p.organisation_id(seed["owner_organisation_id"]));
    CHECK(got.header("ETag").size() > 2);
    CHECK(!got.header("Last-Modified").empty());
  }
  // by id, too, and public: she speaks at a published event
  auto petren = p.server.get("/v1/speakers/" + p.speaker_ids["alice-petren"]);
  CHECK(petren.status == 200);
  CHECK(petren.json()["name"] == "Alice Petrén");
  CHECK(petren.json()["bio"] ==
        "Utrikeskorrespondent vid Sveriges Radio med uppdrag att bevaka migrations- och flyktingfrågor.");
  CHECK(p.server.get("/v1/speakers/nobody-at-all").status == 404);
}

TEST_CASE("speakers: email and phone only for the owner's organisers and admins") {
  Programme p;
  p.seed_speakers();
  p.seed_sessions("ostersund-2019", "ostersund-2019", p.forum_key);  // Göran Pettersson speaks there
  auto patched =
      p.patch("/v1/speakers/goran-pettersson", {{"email", "goran.pettersson@socialforum.se"}}, bearer(p.forum_key));
  REQUIRE_MESSAGE(patched.status == 200, patched.body);

  auto anonymous = p.server.get("/v1/speakers/goran-pettersson");
  REQUIRE(anonymous.status == 200);
  CHECK(!anonymous.json().contains("email"));
  CHECK(!anonymous.json().contains("phone"));
  CHECK(anonymous.body.find("996 54 25") == std::string::npos);
  CHECK(anonymous.header("Vary").find("Authorization") != std::string::npos);

  // another organisation's organiser sees the public profile only
  auto other = p.server.get("/v1/speakers/goran-pettersson", bearer(p.lansstyrelsen_key));
  REQUIRE(other.status == 200);
  CHECK(!other.json().contains("email"));
  CHECK(!other.json().contains("phone"));
  CHECK(other.body.find("socialforum") == std::string::npos);
  auto organiser = p.server.get("/v1/speakers/goran-pettersson", bearer(p.forum_key));
  CHECK(organiser.json()["phone"] == "+46 70 996 54 25");
  CHECK(organiser.json()["email"] == "goran.pettersson@socialforum.se");
  auto petren = p.server.get("/v1/speakers/alice-petren", bearer(p.admin)).json();
  CHECK(petren.contains("email"));
  CHECK(petren["email"].is_null());

  auto list = p.server.get("/v1/speakers?limit=200").json();
  for (const auto& s : list["items"]) {
    CHECK(!s.contains("email"));
    CHECK(!s.contains("phone"));
  }
  auto organiser_list = p.server.get("/v1/speakers?q=Pettersson", bearer(p.forum_key)).json();
  REQUIRE(organiser_list["items"].size() == 1);
  CHECK(organiser_list["items"][0]["phone"] == "+46 70 996 54 25");
  auto other_list = p.server.get("/v1/speakers?q=Pettersson", bearer(p.lansstyrelsen_key)).json();
  REQUIRE(other_list["items"].size() == 1);
  CHECK(!other_list["items"][0].contains("phone"));
}

TEST_CASE("speakers: create rules, slugs, merge patch, conditional requests, delete") {
  Programme p;
  // anonymous: 401; an unknown key: 401
  CHECK(p.server.request("POST", "/v1/speakers", R"({"name":"X"})").status == 401);
  CHECK(p.post("/v1/speakers", {{"name", "X"}}, "no-such-key").status == 401);

  auto created = p.post("/v1/speakers", {{"name", "Åsa Öberg-Ström"}, {"affiliation", "Sensus"}}, p.forum_key);
  REQUIRE_MESSAGE(created.status == 201, created.body);
  auto asa = created.json();
  CHECK(asa["slug"] == "asa-oberg-strom");
  CHECK(asa["title"].is_null());
  CHECK(created.header("Location").ends_with("/v1/speakers/" + asa["id"].get<std::string>()));
  CHECK(!created.header("ETag").empty());

  auto taken = p.post("/v1/speakers", {{"name", "Åsa Öberg Ström"}}, p.forum_key);
  CHECK(taken.status == 409);
  CHECK(taken.json()["errors"][0]["field"] == "slug");

  auto invalid = p.post("/v1/speakers",
                        {{"name", ""},
                         {"email", "not-an-address"},
                         {"phone", "ring mig"},
                         {"nickname", "x"},
                         {"organisation_id", "no-such-organisation"}},
                        p.forum_key);
  CHECK_MESSAGE(invalid.status == 422, invalid.body);
  std::set<std::string> fields;
  const json problem = invalid.json();
  for (const auto& e : problem["errors"]) fields.insert(e["field"]);
  CHECK(fields.count("name"));
  CHECK(fields.count("email"));
  CHECK(fields.count("phone"));
  CHECK(fields.count("nickname"));
  CHECK(fields.count("organisation_id"));
  CHECK(p.post("/v1/speakers", {{"name", "Y"}, {"id", "x"}}, p.forum_key).status == 422);  // read-only member

  // GET: 304 on the tag or the date
  const std::string path = "/v1/speakers/asa-oberg-strom";
  auto first = p.server.get(path, bearer(p.forum_key));
  const std::string etag = first.header("ETag");
  CHECK(p.server.get(path, with(bearer(p.forum_key), "If-None-Match", etag)).status == 304);
  CHECK(p.server.get(path, with(bearer(p.forum_key), "If-Modified-Since", first.header("Last-Modified"))).status ==
        304);

  // PATCH: merge, null removes, stale tag 412
  auto patched =
      p.patch(path, {{"title", "studieförbundschef"}, {"affiliation", nullptr}, {"organisation_id", "sensus"}},
              with(bearer(p.forum_key), "If-Match", etag));
  REQUIRE_MESSAGE(patched.status == 200, patched.body);
  CHECK(patched.json()["title"] == "studieförbundschef");
  CHECK(patched.json()["affiliation"].is_null());
  CHECK(patched.json()["name"] == "Åsa Öberg-Ström");
  CHECK(patched.json()["organisation_id"] == p.organisation_id("sensus"));
  CHECK(patched.header("ETag") != etag);
  CHECK(p.server.get(path, with(bearer(p.forum_key), "If-None-Match", etag)).status == 200);
  auto stale = p.patch(path, {{"title", "x"}}, with(bearer(p.forum_key), "If-Match", etag));
  CHECK(stale.status == 412);
  CHECK(p.patch(path, {{"name", nullptr}}, bearer(p.forum_key)).status == 422);
  CHECK(p.patch(path, {{"shoe_size", 44}}, bearer(p.forum_key)).status == 422);
  CHECK(p.patch(path, {{"title", "x"}}, {}).status == 401);

  // DELETE: stale tag 412, then 204, then 404
  CHECK(p.server.request("DELETE", path, "", with(bearer(p.forum_key), "If-Match", etag)).status == 412);
  CHECK(p.server.request("DELETE", path, "", bearer(p.forum_key)).status == 204);
  CHECK(p.server.get(path, bearer(p.forum_key)).status == 404);
}

TEST_CASE("speakers: list by name with q and organisation filters, cursor pages") {
  Programme p;
  p.seed_speakers();
  // all eight, in name order, three at a time
  std::vector<std::string> names;
  std::string target = "/v1/speakers?limit=3";
  for (int pages = 0; pages < 10; ++pages) {
    auto page = p.server.get(target, bearer(p.admin));
    REQUIRE_MESSAGE(page.status == 200, page.body);
    auto body = page.json();
    for (const auto& s : body["items"]) names.push_back(s["name"]);
    if (body["next_cursor"].is_null()) break;
    target = "/v1/speakers?limit=3&cursor=" + body["next_cursor"].get<std::string>();
  }
  REQUIRE(names.size() == 8);
  CHECK(std::is_sorted(names.begin(), names.end()));
  CHECK(names.front() == "Alice Petrén");

  auto names_of = [&](const std::string& query) {
    std::vector<std::string> out;
    auto response = p.server.get("/v1/speakers?" + query, bearer(p.admin));
    REQUIRE_MESSAGE(response.status == 200, response.body);
    const json body = response.json();
    for (const auto& s : body["items"]) out.push_back(s["name"]);
    return out;
  };
  CHECK(names_of("q=Petr%C3%A9n") == std::vector<std::string>{"Alice Petrén"});
  CHECK(names_of("q=petren") == std::vector<std::string>{"Alice Petrén"});
  CHECK(names_of("q=PETTERS") == std::vector<std::string>{"Göran Pettersson"});
  CHECK(names_of("q=%25").empty());  // LIKE wildcards are literal
  CHECK(names_of("organisation=svenska-kyrkan") == std::vector<std::string>{"Lasse Berndes", "Maria Bryntesson"});
  CHECK(names_of("organisation=" + p.organisation_id("sveriges-radio")) == std::vector<std::string>{"Alice Petrén"});
  CHECK(names_of("organisation=no-such-organisation").empty());
  CHECK(names_of("organisation=svenska-kyrkan&q=maria") == std::vector<std::string>{"Maria Bryntesson"});
  CHECK(p.server.get("/v1/speakers?limit=0").status == 400);
  CHECK(p.server.get("/v1/speakers?cursor=bm9wZQ").status == 400);
}

TEST_CASE("speakers: of an event, through its sessions; in a session they cannot be deleted") {
  Programme p;
  p.seed_speakers();
  p.seed_sessions("integrationsforum-2020", "integrationsforum-2020", p.lansstyrelsen_key);
  // Alice Petrén twice: she gets a second session the same day
  auto second = p.post("/v1/events/integrationsforum-2020/sessions",
                       {{"title", "Frågestund"},
                        {"starts_at", "2020-11-26T15:45:00+01:00"},
                        {"ends_at", "2020-11-26T16:00:00+01:00"},
                        {"speaker_ids", {"alice-petren"}}},
                       p.lansstyrelsen_key);
  REQUIRE_MESSAGE(second.status == 201, second.body);

  auto list = p.server.get("/v1/events/integrationsforum-2020/speakers");
  REQUIRE_MESSAGE(list.status == 200, list.body);
  auto items = list.json()["items"];
  REQUIRE(items.size() == 2);
  CHECK(items[0]["name"] == "Alice Petrén");
  CHECK(items[1]["name"] == "Företrädare för Statskontoret");
  CHECK(!items[0].contains("email"));
  auto paged = p.server.get("/v1/events/" + p.event_id("integrationsforum-2020") + "/speakers?limit=1").json();
  CHECK(paged["items"].size() == 1);
  CHECK(paged["next_cursor"].is_string());
  CHECK(p.server.get("/v1/events/ostersund-2019/speakers").json()["items"].empty());
  // another organisation's draft: 404, for the public and for another organiser
  CHECK(p.server.get("/v1/events/forum-utkast/speakers").status == 404);
  CHECK(p.server.get("/v1/events/forum-utkast/speakers", bearer(p.lansstyrelsen_key)).status == 404);
  CHECK(p.server.get("/v1/events/forum-utkast/speakers", bearer(p.forum_key)).status == 200);
  CHECK(p.server.get("/v1/events/no-such-event/speakers").status == 404);

  auto busy = p.server.request("DELETE", "/v1/speakers/alice-petren", "", bearer(p.admin));
  CHECK(busy.status == 409);
  CHECK(busy.json()["detail"].get<std::string>().find("Alice Petrén") != std::string::npos);
  CHECK(p.server.get("/v1/speakers/alice-petren").status == 200);
  CHECK(p.server.request("DELETE", "/v1/speakers/lisa-jonsson", "", bearer(p.admin)).status == 204);
}

TEST_CASE("speakers: a record belongs to its organisation; the public sees it only from a public event") {
  Programme p;
  const std::string forum = p.organisation_id("forum");
  auto created = p.post("/v1/speakers",
                        {{"name", "Karin Lindqvist"},
                         {"email", "karin@example.se"},
                         {"phone", "+46 70 123 45 67"},
                         {"photo_url", "https://example.se/karin.jpg"}},
                        p.forum_key);
  REQUIRE_MESSAGE(created.status == 201, created.body);
  CHECK(created.json()["owner_organisation_id"] == forum);
  CHECK(created.json()["photo_url"] == "https://example.se/karin.jpg");
  const std::string path = "/v1/speakers/karin-lindqvist";

  // in no public event yet: nobody but Forum and admins learns she exists
  CHECK(p.server.get(path).status == 404);
  auto other = p.server.get(path, bearer(p.lansstyrelsen_key));
  CHECK(other.status == 404);
  CHECK(other.body.find("karin@example.se") == std::string::npos);
  CHECK(p.server.get(path + "/calendar.ics").status == 404);
  CHECK(p.server.get(path, bearer(p.admin)).json()["email"] == "karin@example.se");
  CHECK(p.server.get("/v1/speakers?q=Lindqvist").json()["items"].empty());
  CHECK(p.server.get("/v1/speakers?q=Lindqvist", bearer(p.lansstyrelsen_key)).json()["items"].empty());
  CHECK(p.server.get("/v1/speakers?q=Lindqvist", bearer(p.forum_key)).json()["items"].size() == 1);
  CHECK(p.patch(path, {{"title", "x"}}, bearer(p.lansstyrelsen_key)).status == 404);
  CHECK(p.server.request("DELETE", path, "", bearer(p.lansstyrelsen_key)).status == 404);

  // in Forum's draft: still private
  auto draft_talk = p.post("/v1/events/forum-utkast/sessions",
                           {{"title", "Inledning"},
                            {"starts_at", "2020-11-26T09:00:00+01:00"},
                            {"ends_at", "2020-11-26T09:30:00+01:00"},
                            {"speaker_ids", {"karin-lindqvist"}}},
                           p.forum_key);
  REQUIRE_MESSAGE(draft_talk.status == 201, draft_talk.body);
  CHECK(p.server.get(path).status == 404);

  // in a published event: the public profile, for everyone; the record stays Forum's
  auto talk = p.post("/v1/events/ostersund-2019/sessions",
                     {{"title", "Välkommen"},
                      {"starts_at", "2019-09-04T10:00:00+02:00"},
                      {"ends_at", "2019-09-04T11:00:00+02:00"},
                      {"speaker_ids", {"karin-lindqvist"}}},
                     p.forum_key);
  REQUIRE_MESSAGE(talk.status == 201, talk.body);
  auto shown = p.server.get(path);
  REQUIRE(shown.status == 200);
  CHECK(shown.json()["name"] == "Karin Lindqvist");
  CHECK(shown.json()["photo_url"] == "https://example.se/karin.jpg");
  CHECK(!shown.json().contains("email"));
  CHECK(shown.body.find("123 45 67") == std::string::npos);
  CHECK(p.server.get(path + "/calendar.ics").status == 200);
  auto other_sees = p.server.get(path, bearer(p.lansstyrelsen_key));
  CHECK(other_sees.status == 200);
  CHECK(!other_sees.json().contains("phone"));
  CHECK(p.patch(path, {{"title", "x"}}, bearer(p.lansstyrelsen_key)).status == 403);
  CHECK(p.server.request("DELETE", path, "", bearer(p.lansstyrelsen_key)).status == 403);
  CHECK(p.server.get(path, bearer(p.forum_key)).json()["phone"] == "+46 70 123 45 67");

  // the owner: an organiser's own organisation only; an admin names it
  auto foreign_owner = p.post(
      "/v1/speakers", {{"name", "Någon"}, {"owner_organisation_id", "lansstyrelsen-vastra-gotaland"}}, p.forum_key);
  CHECK(foreign_owner.status == 422);
  CHECK(foreign_owner.json()["errors"][0]["field"] == "owner_organisation_id");
  CHECK(p.patch(path, {{"owner_organisation_id", "lansstyrelsen-vastra-gotaland"}}, bearer(p.forum_key)).status == 422);
  auto no_owner = p.post("/v1/speakers", {{"name", "Någon"}}, p.admin);
  CHECK(no_owner.status == 422);
  CHECK(no_owner.json()["errors"][0]["field"] == "owner_organisation_id");
  auto by_admin = p.post("/v1/speakers", {{"name", "Någon"}, {"owner_organisation_id", "forum"}}, p.admin);
  CHECK(by_admin.status == 201);
  CHECK(by_admin.json()["owner_organisation_id"] == forum);
  auto bad_photo = p.post("/v1/speakers", {{"name", "Bild"}, {"photo_url", "javascript:alert(1)"}}, p.forum_key);
  CHECK(bad_photo.status == 422);
  CHECK(bad_photo.json()["errors"][0]["field"] == "photo_url");
}
