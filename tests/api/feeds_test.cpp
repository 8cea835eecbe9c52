// The public calendar feeds over HTTP: /v1/events/{id}/calendar.ics, /v1/calendar.ics,
// /v1/organisations/{id}/calendar.ics, /v1/speakers/{id}/calendar.ics. The seed data is
// created through the API (api/examples); every feed passes the byte-level lint and the
// independent parsers of tests/tools/check_ics.py.
#include <doctest/doctest.h>

#include <thread>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "ics/lint.hpp"
#include "support/ics_check.hpp"
#include "support/test_server.hpp"

namespace {

using eventd::test::HeaderList;
using eventd::test::HttpResponse;
using eventd::test::TestServer;
using nlohmann::json;

// The test server's public URL is the default, http://127.0.0.1:8080: UIDs carry its host.
constexpr const char* kHost = "127.0.0.1:8080";

json read_example(const std::string& relative) {
  const std::string path = std::string(EVENTD_SOURCE_DIR "/api/examples/") + relative;
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return json::parse(buffer.str());
}

HeaderList bearer(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }

using eventd::test::lines_of;
using eventd::test::unfold;

std::size_t count_lines(const std::string& text, const std::string& prefix) {
  std::size_t n = 0;
  for (const auto& l : lines_of(text)) n += l.rfind(prefix, 0) == 0 ? 1 : 0;
  return n;
}

// The value of `name` in the VEVENT whose UID is `uid` ("" when absent).
std::string property_of(const std::string& text, const std::string& uid, const std::string& name) {
  bool in_event = false, found = false;
  std::string value;
  for (const auto& l : lines_of(text)) {
    if (l == "BEGIN:VEVENT") {
      in_event = true;
      found = false;
      value.clear();
    } else if (l == "END:VEVENT") {
      if (found) return value;
      in_event = false;
    } else if (in_event) {
      if (l == "UID:" + uid) found = true;
      if (value.empty() && (l.rfind(name + ":", 0) == 0 || l.rfind(name + ";", 0) == 0)) value = l;
    }
  }
  return "";
}

std::string event_uid(const std::string& id) { return "event-" + id + "@" + kHost; }
std::string session_uid(const std::string& id) { return "session-" + id + "@" + kHost; }

struct Feeds {
  TestServer server;
  std::string admin;
  std::map<std::string, std::string> event_ids;    // slug → id
  std::map<std::string, std::string> session_ids;  // title → id
  std::map<std::string, std::string> speaker_ids;  // slug → id
  std::string fyrbodal_key;                        // organiser key of fyrbodals-kommunalforbund
  std::string draft_id;                            // a draft of Fyrbodals kommunalförbund

  Feeds() : admin(server.settings().admin_key) {
    for (const auto& o : read_example("organisations.json")) {
      auto r = server.request("POST", "/v1/organisations", o.dump(), bearer(admin));
      REQUIRE_MESSAGE(r.status == 201, r.body);
    }
    for (const auto& s : read_example("speakers.json")) {
      auto r = server.request("POST", "/v1/speakers", s.dump(), bearer(admin));
      REQUIRE_MESSAGE(r.status == 201, r.body);
      speaker_ids[s["slug"]] = r.json()["id"];
    }
    for (const char* name :
         {"ostersund-2019", "integrationsforum-2020", "fyrbodal-webinar-2022", "fyrbodal-seminar-2022"}) {
      auto file = read_example(std::string("events/") + name + ".json");
      auto created = server.request("POST", "/v1/events", file["event"].dump(), bearer(admin));
      REQUIRE_MESSAGE(created.status == 201, created.body);
      event_ids[file["event"]["slug"]] = created.json()["id"];
      // The seed events' partners took part: their invitations are answered (by an admin).
      for (const auto& partner : file["event"]["partner_ids"]) {
        auto accepted =
            server.request("PATCH", std::string("/v1/events/") + name + "/partners/" + partner.get<std::string>(),
                           R"({"status":"accepted"})", bearer(admin));
        REQUIRE_MESSAGE(accepted.status == 200, accepted.body);
      }
      for (const auto& session : file["sessions"]) {
        auto r = server.request("POST", std::string("/v1/events/") + name + "/sessions", session.dump(), bearer(admin));
        REQUIRE_MESSAGE(r.status == 201, r.body);
        session_ids[session["title"]] = r.json()["id"];
      }
    }
    auto key = server.request(
        "POST", "/v1/api-keys",
        json{{"name", "Fyrbodal"}, {"role", "organiser"}, {"organisation_id", "fyrbodals-kommunalforbund"}}.dump(),
        bearer(admin));
    REQUIRE_MESSAGE(key.status == 201, key.body);
    fyrbodal_key = key.json()["key"];
    json draft = read_example("events/fyrbodal-seminar-2022.json")["event"];
    draft["slug"] = "fyrbodal-utkast";
    draft["title"] = "Utkast: uppföljning av kartläggningen";
    draft["status"] = "draft";
    auto created = server.request("POST", "/v1/events", draft.dump(), bearer(fyrbodal_key));
    REQUIRE_MESSAGE(created.status == 201, created.body);
    draft_id = created.json()["id"];
  }

  // GET a feed and check what every feed must be; returns the response.
  HttpResponse feed(const std::string& target, const HeaderList& headers = {}) {
    auto r = server.get(target, headers);
    REQUIRE_MESSAGE(r.status == 200, target << ": " << r.status << " " << r.body);
    CHECK(r.header("Content-Type") == "text/calendar; charset=utf-8");
    CHECK(r.header("Cache-Control") == "public, max-age=300");
    CHECK(r.header("Content-Disposition").starts_with("inline; filename=\""));
    CHECK(r.header("Content-Disposition").ends_with(".ics\""));
    const std::string etag = r.header("ETag");
    CHECK(etag.size() == 66);  // "<64 hex digits>"
    CHECK(etag.front() == '"');
    const auto problems = eventd::ics::lint_ics(r.body);
    CHECK_MESSAGE(problems.empty(), target << ": " << (problems.empty() ? std::string{} : problems.front()));
    const auto check = eventd::test::run_ics_checker(r.body);
    CHECK_MESSAGE(check.status == 0, target << ": " << check.output);
    CHECK(r.body.find("ATTENDEE") == std::string::npos);
    CHECK(r.body.find("freeassociation") == std::string::npos);
    return r;
  }

  HttpResponse patch_event(const std::string& slug, const json& patch) {
    return server.request("PATCH", "/v1/events/" + slug, patch.dump(),
                          {{"Authorization", "Bearer " + admin}, {"Content-Type", "application/merge-patch+json"}});
  }
};

}  // namespace

TEST_CASE_FIXTURE(Feeds, "feeds: every feed is valid text/calendar with the seed events' times") {
  for (const auto& [slug, id] : event_ids) {
    auto r = feed("/v1/events/" + slug + "/calendar.ics");
    CHECK(r.header("Content-Disposition") == "inline; filename=\"" + slug + ".ics\"");
    CHECK(count_lines(r.body, "UID:" + event_uid(id)) == 1);
    // The same feed by id, with the canonical URL (by id) as its SOURCE.
    CHECK(feed("/v1/events/" + id + "/calendar.ics").body == r.body);
    CHECK(count_lines(r.body, "SOURCE:http://127.0.0.1:8080/v1/events/" + id + "/calendar.ics") == 1);
  }
  auto all = feed("/v1/calendar.ics");
  CHECK(all.header("Content-Disposition") == "inline; filename=\"eventd.ics\"");
  CHECK(count_lines(all.body, "BEGIN:VEVENT") == 4);  // the public events, not the draft; no sessions
  CHECK(all.body.find("Utkast") == std::string::npos);
  feed("/v1/organisations/forum/calendar.ics");
  feed("/v1/speakers/alice-petren/calendar.ics");

  // Integrationsforum: 09:00–16:00 Stockholm time is 08:00–15:00 UTC, with its sessions.
  auto forum = feed("/v1/events/integrationsforum-2020/calendar.ics");
  CHECK(count_lines(forum.body, "NAME:eventd – Integrationsforum 2020") == 1);
  CHECK(count_lines(forum.body, "X-WR-CALNAME:eventd – Integrationsforum 2020") == 1);
  CHECK(count_lines(forum.body, "BEGIN:VEVENT") == 6);  // the event and its 5 sessions
  const std::string forum_id = event_ids["integrationsforum-2020"];
  const auto forum_check = eventd::test::run_ics_checker(forum.body);
  CHECK_MESSAGE(
      forum_check.output.find(event_uid(forum_id) + " 20201126T080000Z 20201126T150000Z") != std::string::npos,
      forum_check.output);
  CHECK(property_of(forum.body, event_uid(forum_id), "DTSTART") == "DTSTART;TZID=Europe/Stockholm:20201126T090000");
  // The event's page (eventd's own, no frontend configured), not JSON.
  CHECK(property_of(forum.body, event_uid(forum_id), "URL") ==
        "URL:http://127.0.0.1:8080/events/integrationsforum-2020");
  // The seed organisations have no contact address: no ORGANIZER (calendar_changes_test
  // covers one with an address).
  CHECK(property_of(forum.body, event_uid(forum_id), "ORGANIZER").empty());

  // Östersund: all-day 4–5 September 2019, DTEND exclusive.
  auto ost = feed("/v1/events/ostersund-2019/calendar.ics");
  const std::string ost_id = event_ids["ostersund-2019"];
  const auto ost_check = eventd::test::run_ics_checker(ost.body);
  CHECK_MESSAGE(ost_check.output.find(event_uid(ost_id) + " 20190904 20190906") != std::string::npos, ost_check.output);
  CHECK(property_of(ost.body, event_uid(ost_id), "DTSTART") == "DTSTART;VALUE=DATE:20190904");
  CHECK(property_of(ost.body, event_uid(ost_id), "DTEND") == "DTEND;VALUE=DATE:20190906");
}

TEST_CASE_FIXTURE(Feeds, "feeds: a public feed never carries a stream link that is not public") {
  // Integrationsforum streams on YouTube with access on_request.
  for (const std::string target :
       {"/v1/events/integrationsforum-2020/calendar.ics", "/v1/calendar.ics",
        "/v1/organisations/lansstyrelsen-vastra-gotaland/calendar.ics", "/v1/speakers/alice-petren/calendar.ics"}) {
    auto r = feed(target);
    CHECK_MESSAGE(r.body.find("youtube.com") == std::string::npos, target);
    CHECK_MESSAGE(r.body.find("CONFERENCE") == std::string::npos, target);
    // An admin key changes nothing: the feeds are public.
    auto as_admin = feed(target, bearer(admin));
    CHECK_MESSAGE(as_admin.body.find("youtube.com") == std::string::npos, target);
  }
  // Once the stream is public, the feed shows it.
  auto changed = patch_event("integrationsforum-2020", {{"online", {{"access", "public"}}}});
  REQUIRE_MESSAGE(changed.status == 200, changed.body);
  auto r = feed("/v1/events/integrationsforum-2020/calendar.ics");
  CHECK(r.body.find("CONFERENCE;VALUE=URI") != std::string::npos);
  CHECK(r.body.find("youtube.com") != std::string::npos);
}

TEST_CASE_FIXTURE(Feeds, "feeds: a cancelled event stays, STATUS:CANCELLED with a higher SEQUENCE; the ETag follows") {
  const std::string uid = event_uid(event_ids["fyrbodal-seminar-2022"]);
  const std::string target = "/v1/events/fyrbodal-seminar-2022/calendar.ics";
  auto first = feed(target);
  auto second = feed(target);
  CHECK(first.header("ETag") == second.header("ETag"));
  CHECK(first.header("Last-Modified") == second.header("Last-Modified"));
  CHECK(first.body == second.body);
  auto all_before = feed("/v1/calendar.ics");
  CHECK(property_of(first.body, uid, "STATUS") == "STATUS:CONFIRMED");
  CHECK(property_of(first.body, uid, "SEQUENCE") == "SEQUENCE:0");

  auto cancelled = patch_event("fyrbodal-seminar-2022", {{"status", "cancelled"}});
  REQUIRE_MESSAGE(cancelled.status == 200, cancelled.body);

  auto after = feed(target);
  CHECK(after.header("ETag") != first.header("ETag"));
  CHECK(property_of(after.body, uid, "STATUS") == "STATUS:CANCELLED");
  CHECK(property_of(after.body, uid, "SEQUENCE") == "SEQUENCE:1");
  CHECK(property_of(after.body, uid, "SUMMARY").starts_with("SUMMARY:INSTÄLLT: "));
  // Its sessions show the event's status too.
  const std::string session = session_uid(session_ids["Samtal utifrån resultaten"]);
  CHECK(property_of(after.body, session, "STATUS") == "STATUS:CANCELLED");
  // Still in the list feed and the organiser's feed.
  auto all = feed("/v1/calendar.ics");
  CHECK(all.header("ETag") != all_before.header("ETag"));
  CHECK(property_of(all.body, uid, "STATUS") == "STATUS:CANCELLED");
  auto org = feed("/v1/organisations/fyrbodals-kommunalforbund/calendar.ics");
  CHECK(property_of(org.body, uid, "STATUS") == "STATUS:CANCELLED");
  CHECK(feed("/v1/calendar.ics?status=cancelled").body.find("UID:" + uid) != std::string::npos);
}

TEST_CASE_FIXTURE(Feeds, "feeds: conditional requests, Last-Modified from the records, HEAD") {
  const std::string target = "/v1/events/integrationsforum-2020/calendar.ics";
  auto r = feed(target);
  const std::string etag = r.header("ETag");
  const std::string last_modified = r.header("Last-Modified");
  REQUIRE(!last_modified.empty());
  // Last-Modified is the newest updated_at of the event and its sessions, not the clock.
  auto newest = server.database().scalar(
      "SELECT to_char(GREATEST(e.updated_at, (SELECT max(s.updated_at) FROM sessions s WHERE s.event_id = e.id)) "
      "AT TIME ZONE 'UTC', 'Dy, DD Mon YYYY HH24:MI:SS \"GMT\"') FROM events e WHERE e.slug = "
      "'integrationsforum-2020'");
  CHECK(last_modified == newest);

  auto not_modified = server.get(target, {{"If-None-Match", etag}});
  CHECK(not_modified.status == 304);
  CHECK(not_modified.body.empty());
  CHECK(not_modified.header("ETag") == etag);
  CHECK(not_modified.header("Cache-Control") == "public, max-age=300");
  CHECK(server.get(target, {{"If-None-Match", "\"other\", " + etag}}).status == 304);
  CHECK(server.get(target, {{"If-None-Match", "\"other\""}}).status == 200);

  CHECK(server.get(target, {{"If-Modified-Since", last_modified}}).status == 304);
  CHECK(server.get(target, {{"If-Modified-Since", "Sat, 01 Jan 2000 00:00:00 GMT"}}).status == 200);
  // If-None-Match takes precedence over If-Modified-Since.
  CHECK(server.get(target, {{"If-None-Match", "\"other\""}, {"If-Modified-Since", last_modified}}).status == 200);

  // The same for the other feeds.
  for (const std::string other :
       {"/v1/calendar.ics", "/v1/organisations/forum/calendar.ics", "/v1/speakers/alice-petren/calendar.ics"}) {
    auto full = feed(other);
    CHECK_MESSAGE(server.get(other, {{"If-None-Match", full.header("ETag")}}).status == 304, other);
    CHECK_MESSAGE(server.get(other, {{"If-Modified-Since", full.header("Last-Modified")}}).status == 304, other);
  }

  // A change gives a new tag, and the old one no longer matches.
  auto changed = patch_event("integrationsforum-2020", {{"title", "Integrationsforum 2020 – digitalt"}});
  REQUIRE_MESSAGE(changed.status == 200, changed.body);
  auto after = feed(target);
  CHECK(count_lines(after.body, "NAME:eventd – Integrationsforum 2020 – digitalt") == 1);
  CHECK(after.header("ETag") != etag);
  CHECK(server.get(target, {{"If-None-Match", etag}}).status == 200);

  // Deleting a programme item moves Last-Modified too: If-Modified-Since alone must see it.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // HTTP dates have whole seconds
  auto before_delete = feed(target);
  auto deleted = server.request(
      "DELETE", "/v1/events/integrationsforum-2020/sessions/" + session_ids.at("Global migration i coronatider"), "",
      bearer(admin));
  REQUIRE_MESSAGE(deleted.status == 204, deleted.body);
  CHECK(server.get(target, {{"If-Modified-Since", before_delete.header("Last-Modified")}}).status == 200);
  after = feed(target);

  // HEAD: the headers of a GET, no body.
  auto head = server.request("HEAD", target);
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  CHECK(head.header("ETag") == after.header("ETag"));
  CHECK(head.header("Content-Type") == "text/calendar; charset=utf-8");
  CHECK(head.header("Last-Modified") == after.header("Last-Modified"));
}

TEST_CASE_FIXTURE(Feeds, "feeds: a draft's feed is 404 for the public, 200 for its organiser") {
  CHECK(server.get("/v1/events/fyrbodal-utkast/calendar.ics").status == 404);
  CHECK(server.get("/v1/events/" + draft_id + "/calendar.ics").status == 404);
  CHECK(server.get("/v1/events/no-such-event/calendar.ics").status == 404);
  auto own = server.get("/v1/events/fyrbodal-utkast/calendar.ics", bearer(fyrbodal_key));
  REQUIRE_MESSAGE(own.status == 200, own.body);
  CHECK(own.header("Content-Type") == "text/calendar; charset=utf-8");
  CHECK(own.header("Cache-Control") == "private, no-cache");  // never in a shared cache
  CHECK(eventd::ics::lint_ics(own.body).empty());
  CHECK(property_of(own.body, event_uid(draft_id), "STATUS") == "STATUS:TENTATIVE");
  // Not in the public feeds.
  for (const std::string target : {"/v1/calendar.ics", "/v1/organisations/fyrbodals-kommunalforbund/calendar.ics"}) {
    auto r = feed(target, bearer(fyrbodal_key));
    CHECK_MESSAGE(r.body.find(draft_id) == std::string::npos, target);
  }
  CHECK(server.get("/v1/organisations/no-such-org/calendar.ics").status == 404);
  CHECK(server.get("/v1/speakers/no-such-speaker/calendar.ics").status == 404);
}

TEST_CASE_FIXTURE(Feeds, "feeds: an organisation's feed holds its events as organiser or partner") {
  const std::string forum_uid = event_uid(event_ids["integrationsforum-2020"]);
  // Arbetsförmedlingen is a partner of Integrationsforum 2020 only.
  auto partner = feed("/v1/organisations/arbetsformedlingen/calendar.ics");
  CHECK(count_lines(partner.body, "BEGIN:VEVENT") == 1);
  CHECK(count_lines(partner.body, "UID:" + forum_uid) == 1);
  CHECK(count_lines(partner.body, "X-WR-CALNAME:eventd – Arbetsförmedlingen") == 1);
  CHECK(partner.header("Content-Disposition") == "inline; filename=\"arbetsformedlingen.ics\"");
  // The organiser.
  auto organiser = feed("/v1/organisations/lansstyrelsen-vastra-gotaland/calendar.ics");
  CHECK(count_lines(organiser.body, "UID:" + forum_uid) == 1);
  CHECK(count_lines(organiser.body, "BEGIN:VEVENT") == 1);
  // Forum organises Östersund only; Fyrbodal both of its events (not its draft).
  auto forum = feed("/v1/organisations/forum/calendar.ics");
  CHECK(count_lines(forum.body, "BEGIN:VEVENT") == 1);
  CHECK(count_lines(forum.body, "UID:" + event_uid(event_ids["ostersund-2019"])) == 1);
  auto fyrbodal = feed("/v1/organisations/fyrbodals-kommunalforbund/calendar.ics");
  CHECK(count_lines(fyrbodal.body, "BEGIN:VEVENT") == 2);
  // By id as well.
  auto id = server.get("/v1/organisations/arbetsformedlingen").json()["id"].get<std::string>();
  CHECK(feed("/v1/organisations/" + id + "/calendar.ics").body == partner.body);
  // An organisation with no events: a valid, empty feed.
  auto none = feed("/v1/organisations/majblomman/calendar.ics");
  CHECK(count_lines(none.body, "BEGIN:VEVENT") == 0);
}

TEST_CASE_FIXTURE(Feeds, "feeds: a speaker's feed holds the sessions the speaker appears in, only") {
  auto alice = feed("/v1/speakers/alice-petren/calendar.ics");
  CHECK(count_lines(alice.body, "BEGIN:VEVENT") == 1);
  const std::string session = session_uid(session_ids["Global migration i coronatider"]);
  CHECK(count_lines(alice.body, "UID:" + session) == 1);
  CHECK(alice.body.find("UID:event-") == std::string::npos);  // not the event itself
  CHECK(count_lines(alice.body, "X-WR-CALNAME:eventd – Alice Petrén") == 1);
  CHECK(alice.header("Content-Disposition") == "inline; filename=\"alice-petren.ics\"");
  CHECK(property_of(alice.body, session, "RELATED-TO") ==
        "RELATED-TO;RELTYPE=PARENT:" + event_uid(event_ids["integrationsforum-2020"]));
  const auto check = eventd::test::run_ics_checker(alice.body);
  CHECK_MESSAGE(check.output.find(session + " 20201126T081500Z") != std::string::npos, check.output);
  // By id too; two sessions for Lasse Berndes? One: the Dalabergskyrkan session.
  CHECK(feed("/v1/speakers/" + speaker_ids["alice-petren"] + "/calendar.ics").body == alice.body);
  auto lasse = feed("/v1/speakers/lasse-berndes/calendar.ics");
  CHECK(count_lines(lasse.body, "BEGIN:VEVENT") == 1);
  // A speaker in no public event has no public feed: the public does not learn of them.
  auto create = server.request(
      "POST", "/v1/speakers",
      json{{"slug", "ny-talare"}, {"name", "Ny Talare"}, {"owner_organisation_id", "forum"}}.dump(), bearer(admin));
  REQUIRE_MESSAGE(create.status == 201, create.body);
  CHECK(server.get("/v1/speakers/ny-talare/calendar.ics").status == 404);
}

TEST_CASE_FIXTURE(Feeds, "feeds: /v1/calendar.ics takes the filters of GET /v1/events") {
  auto series = feed("/v1/calendar.ics?series=integrationsforum");
  CHECK(count_lines(series.body, "BEGIN:VEVENT") == 1);
  CHECK(count_lines(series.body, "UID:" + event_uid(event_ids["integrationsforum-2020"])) == 1);
  auto organiser = feed("/v1/calendar.ics?organiser=fyrbodals-kommunalforbund");
  CHECK(count_lines(organiser.body, "BEGIN:VEVENT") == 2);
  auto kind = feed("/v1/calendar.ics?kind=study_visit");
  CHECK(count_lines(kind.body, "UID:" + event_uid(event_ids["ostersund-2019"])) == 1);
  CHECK(count_lines(kind.body, "BEGIN:VEVENT") == 1);
  auto window = feed("/v1/calendar.ics?from=2022-01-01T00:00:00Z&to=2023-01-01T00:00:00Z");
  CHECK(count_lines(window.body, "BEGIN:VEVENT") == 2);
  CHECK(count_lines(feed("/v1/calendar.ics?organiser=no-such-org").body, "BEGIN:VEVENT") == 0);
  // The SOURCE is the feed's own URL, with its query.
  CHECK(count_lines(series.body, "SOURCE;VALUE=URI:http://127.0.0.1:8080/v1/calendar.ics?series=integrationsforum") +
            count_lines(series.body, "SOURCE:http://127.0.0.1:8080/v1/calendar.ics?series=integrationsforum") ==
        1);
  // Invalid filters are a 400, as for the list.
  CHECK(server.get("/v1/calendar.ics?kind=party").status == 400);
  CHECK(server.get("/v1/calendar.ics?from=yesterday").status == 400);
}

// A seed event's public feed, imported again: the same event and programme, as a draft of
// the importer's organisation (the round trip of issue 6). Descriptions lose the paragraphs
// the feed adds (links, "Del av") but keep the contacts the feed writes into them.
TEST_CASE_FIXTURE(Feeds, "feeds: the seed events' feeds import again with their programmes") {
  const HeaderList as_fyrbodal{{"Authorization", "Bearer " + fyrbodal_key},
                               {"Content-Type", "text/calendar; charset=utf-8"}};
  for (const std::string slug :
       {"ostersund-2019", "integrationsforum-2020", "fyrbodal-webinar-2022", "fyrbodal-seminar-2022"}) {
    CAPTURE(slug);
    const std::string ics = feed("/v1/events/" + slug + "/calendar.ics").body;
    auto imported = server.request("POST", "/v1/events/import", ics, as_fyrbodal);
    REQUIRE_MESSAGE(imported.status == 201, imported.body);
    const json report = imported.json();
    CHECK(report["skipped"].empty());
    REQUIRE(report["created"].size() == 1);
    CHECK(report["created"][0]["uid"] == event_uid(event_ids[slug]));
    const std::string copy_id = report["created"][0]["id"];

    const json original = server.get("/v1/events/" + slug, bearer(admin)).json();
    auto copy_response = server.get("/v1/events/" + copy_id, bearer(fyrbodal_key));
    REQUIRE(copy_response.status == 200);
    const json copy = copy_response.json();
    CHECK(copy["status"] == "draft");
    CHECK(copy["organiser_id"] ==
          server.database().scalar("SELECT id::text FROM organisations WHERE slug = 'fyrbodals-kommunalforbund'"));
    for (const std::string field :
         {"title", "kind", "timezone", "all_day", "starts_at", "ends_at", "starts_on", "ends_on"}) {
      CAPTURE(field);
      CHECK(copy.value(field, json()) == original.value(field, json()));
    }
    if (original.contains("venue") && !original["venue"].is_null()) {
      CHECK(copy["venue"]["city"] == original["venue"]["city"]);
    }
    const std::string description = copy.value("description", std::string());
    CHECK(description.starts_with(original.value("description", original.value("summary", std::string()))));
    CHECK(description.find("Mer information:") == std::string::npos);
    CHECK(description.find("More information:") == std::string::npos);

    const json sessions = server.get("/v1/events/" + slug + "/sessions", bearer(admin)).json()["items"];
    const json copies = server.get("/v1/events/" + copy_id + "/sessions", bearer(fyrbodal_key)).json()["items"];
    CHECK(report["created_sessions"].size() == sessions.size());
    REQUIRE(copies.size() == sessions.size());
    for (std::size_t i = 0; i < sessions.size(); ++i) {
      CAPTURE(i);
      for (const std::string field : {"title", "kind", "starts_at", "ends_at", "description", "location"}) {
        CAPTURE(field);
        CHECK(copies[i].value(field, json()) == sessions[i].value(field, json()));
      }
    }
    // The copy's own feed has the same instants as the original's.
    auto again = server.get("/v1/events/" + copy_id + "/calendar.ics", bearer(fyrbodal_key));
    REQUIRE(again.status == 200);
    CHECK(count_lines(again.body, "BEGIN:VEVENT") == count_lines(ics, "BEGIN:VEVENT"));
  }
  // Importing the same feed again creates nothing: the event is unchanged (the feed's
  // SEQUENCE and LAST-MODIFIED are those imported), its programme items are skipped.
  const std::string ics = feed("/v1/events/ostersund-2019/calendar.ics").body;
  auto again = server.request("POST", "/v1/events/import", ics, as_fyrbodal);
  REQUIRE(again.status == 200);
  CHECK(again.json()["created"].empty());
  CHECK(again.json()["created_sessions"].empty());
  CHECK(again.json()["updated"].empty());
  CHECK(again.json()["unchanged"].size() == 1);
  CHECK(again.json()["skipped"].size() == count_lines(ics, "BEGIN:VEVENT") - 1);
}

// The sessions still in a speaker's feed cannot tell that one left it: the speaker's
// programme change moves Last-Modified, so a client revalidating with If-Modified-Since
// alone gets the new feed.
TEST_CASE_FIXTURE(Feeds, "feeds: a session leaving a speaker's programme moves the feed's Last-Modified") {
  const std::string target = "/v1/speakers/alice-petren/calendar.ics";
  const std::string session =
      "/v1/events/integrationsforum-2020/sessions/" + session_ids["Global migration i coronatider"];
  // She speaks once more, so that she stays a public speaker when she leaves the first one.
  auto second = server.request("POST", "/v1/events/integrationsforum-2020/sessions",
                               json{{"title", "Frågestund"},
                                    {"starts_at", "2020-11-26T15:45:00+01:00"},
                                    {"ends_at", "2020-11-26T16:00:00+01:00"},
                                    {"speaker_ids", {"alice-petren"}}}
                                   .dump(),
                               bearer(admin));
  REQUIRE_MESSAGE(second.status == 201, second.body);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // HTTP dates have whole seconds
  auto before = feed(target);
  CHECK(count_lines(before.body, "BEGIN:VEVENT") == 2);
  const json speakers = server.get(session).json()["speaker_ids"];
  json others = json::array();
  for (const auto& id : speakers) {
    if (id != speaker_ids["alice-petren"]) others.push_back(id);
  }
  REQUIRE(others.size() + 1 == speakers.size());
  auto removed =
      server.request("PATCH", session, json{{"speaker_ids", others}}.dump(),
                     {{"Authorization", "Bearer " + admin}, {"Content-Type", "application/merge-patch+json"}});
  REQUIRE_MESSAGE(removed.status == 200, removed.body);
  auto unchanged_since = server.get(target, {{"If-Modified-Since", before.header("Last-Modified")}});
  CHECK(unchanged_since.status == 200);
  CHECK(count_lines(unchanged_since.body, "BEGIN:VEVENT") == 1);
  auto after = feed(target);
  CHECK(after.header("Last-Modified") != before.header("Last-Modified"));
  CHECK(server.get(target, {{"If-Modified-Since", after.header("Last-Modified")}}).status == 304);
}
