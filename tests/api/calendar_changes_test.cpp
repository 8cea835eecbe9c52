// Every change reaches subscribers (issue 17): a session's own SEQUENCE in every feed, a
// deleted session kept as STATUS:CANCELLED until its event is over, invitations with the
// organisation's address as ORGANIZER (SENT-BY the sending address) and RSVP=FALSE, and
// list feeds that keep every upcoming event however many past ones there are. The feeds
// are read with the byte-level lint and with python3-icalendar, python3-vobject and ical.js
// (tests/tools/check_ics.py --details), which must agree on UID, SEQUENCE and STATUS.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "db/migrations.hpp"
#include "ics/import.hpp"
#include "ics/lint.hpp"
#include "support/ics_check.hpp"
#include "support/smtp_sink.hpp"
#include "support/test_server.hpp"

using namespace eventd::test;
using nlohmann::json;

namespace {

constexpr const char* kHost = "127.0.0.1:8080";  // the test server's public URL (UIDs)

HeaderList bearer(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }
HeaderList json_body(const std::string& key) {
  return {{"Authorization", "Bearer " + key}, {"Content-Type", "application/json"}};
}
HeaderList merge_patch(const std::string& key) {
  return {{"Authorization", "Bearer " + key}, {"Content-Type", "application/merge-patch+json"}};
}
std::string quoted(const std::string& text) { return "$q$" + text + "$q$"; }
std::string path_of(const std::string& url) { return url.substr(url.find("/v1/")); }
std::string session_uid(const std::string& id) { return "session-" + id + "@" + kHost; }
std::string event_uid(const std::string& id) { return "event-" + id + "@" + kHost; }

// What the parsers read of one VEVENT.
struct Seen {
  std::string start, end;
  int sequence = -1;
  std::string status;
};

// The feed, linted and read by both Python parsers (which must agree): UID → what they saw.
std::map<std::string, Seen> parsed(const std::string& text) {
  const auto problems = eventd::ics::lint_ics(text);
  CHECK_MESSAGE(problems.empty(), (problems.empty() ? std::string{} : problems.front()));
  const auto check = run_ics_checker(text, true);
  REQUIRE_MESSAGE(check.status == 0, check.output);
  std::map<std::string, Seen> out;
  std::istringstream lines(check.output);
  std::string uid;
  Seen seen;
  while (lines >> uid >> seen.start >> seen.end >> seen.sequence >> seen.status) out[uid] = seen;
  return out;
}

// The content line of `name` in the VEVENT whose UID is `uid` ("" when absent).
std::string property_of(const std::string& text, const std::string& uid, const std::string& name) {
  std::vector<std::string> block;
  for (const auto& l : lines_of(text)) {
    if (l == "BEGIN:VEVENT") block.clear();
    block.push_back(l);
    if (l != "END:VEVENT" || std::find(block.begin(), block.end(), "UID:" + uid) == block.end()) continue;
    for (const auto& p : block) {
      if (p.rfind(name + ":", 0) == 0 || p.rfind(name + ";", 0) == 0) return p;
    }
    return "";
  }
  return "";
}

// Fyrbodal (with a contact address), its organiser key, a published seminar in a year to
// come with two sessions (one with a speaker), and a speaker.
struct Programme {
  TestServer server;
  std::string admin;
  std::string key;
  std::string event_id;
  std::string speaker_id;
  std::string talk_id;   // 09:15–10:00, Alice Petrén
  std::string panel_id;  // 10:30–11:30

  explicit Programme(ServerSettings settings = {}) : server(std::move(settings)), admin(server.settings().admin_key) {
    auto org = server.request("POST", "/v1/organisations",
                              json{{"slug", "fyrbodal"},
                                   {"name", "Fyrbodals kommunalförbund"},
                                   {"kind", "region"},
                                   {"email", "kansliet@fyrbodal.se"}}
                                  .dump(),
                              json_body(admin));
    REQUIRE_MESSAGE(org.status == 201, org.body);
    key = "evk_test_fyrbodal_0123456789abcdef";
    server.database().exec(
        "INSERT INTO api_keys (name, key_hash, key_prefix, role, organisation_id) VALUES ('test', decode('" +
        eventd::db::sha256_hex(key) +
        "', 'hex'), 'evk_', 'organiser', (SELECT id FROM organisations WHERE slug = " + "'fyrbodal'))");
    event_id = create_event("seminarium", "2035-11-08T08:00:00Z", "2035-11-08T14:30:00Z");
    auto speaker = server.request(
        "POST", "/v1/speakers",
        json{{"slug", "alice-petren"}, {"name", "Alice Petrén"}, {"owner_organisation_id", "fyrbodal"}}.dump(),
        json_body(admin));
    REQUIRE_MESSAGE(speaker.status == 201, speaker.body);
    speaker_id = speaker.json()["id"];
    talk_id = add_session("seminarium", "Global migration", "2035-11-08T09:15:00+01:00", "2035-11-08T10:00:00+01:00",
                          {speaker_id});
    panel_id = add_session("seminarium", "Panelsamtal", "2035-11-08T10:30:00+01:00", "2035-11-08T11:30:00+01:00");
  }

  std::string create_event(const std::string& slug, const std::string& starts, const std::string& ends) {
    server.database().exec(
        "INSERT INTO events (slug, title, kind, format, status, timezone, starts_at, ends_at, venue_city, "
        "venue_country, capacity, organiser_id) VALUES ('" +
        slug + "', " + quoted("Migration och integration i Fyrbodal") +
        ", 'seminar', 'in_person', 'published', 'Europe/Stockholm', '" + starts + "', '" + ends + "', " +
        quoted("Vänersborg") + ", 'SE', 50, (SELECT id FROM organisations WHERE slug = 'fyrbodal'))");
    return server.database().scalar("SELECT id::text FROM events WHERE slug = '" + slug + "'");
  }

  std::string add_session(const std::string& event, const std::string& title, const std::string& starts,
                          const std::string& ends, const std::vector<std::string>& speakers = {}) {
    auto r = server.request(
        "POST", "/v1/events/" + event + "/sessions",
        json{{"title", title}, {"starts_at", starts}, {"ends_at", ends}, {"speaker_ids", speakers}}.dump(),
        json_body(key));
    REQUIRE_MESSAGE(r.status == 201, r.body);
    return r.json()["id"];
  }

  HttpResponse patch_session(const std::string& id, const json& patch) {
    return server.request("PATCH", "/v1/events/seminarium/sessions/" + id, patch.dump(), merge_patch(key));
  }

  json register_as(const std::string& name, const std::string& email, std::vector<std::string> sessions = {}) {
    json body = {{"name", name}, {"email", email}, {"consent", true}};
    if (!sessions.empty()) body["session_ids"] = sessions;
    auto r = server.request("POST", "/v1/events/seminarium/registrations", body.dump(),
                            {{"Content-Type", "application/json"}});
    REQUIRE_MESSAGE(r.status == 201, r.body);
    return r.json();
  }

  std::string get(const std::string& target, const HeaderList& headers = {}) {
    auto r = server.get(target, headers);
    REQUIRE_MESSAGE(r.status == 200, target << ": " << r.status << " " << r.body);
    return r.body;
  }
};

}  // namespace

TEST_CASE("calendar: a session that moves raises its own SEQUENCE in every feed; the others keep theirs") {
  Programme p;
  const json anna = p.register_as("Anna Andersson", "anna@example.se");
  const std::map<std::string, std::string> feeds = {
      {"event", "/v1/events/seminarium/calendar.ics"},
      {"speaker", "/v1/speakers/alice-petren/calendar.ics"},
      {"personal", path_of(anna["feed_url"])},
  };
  const std::string talk = session_uid(p.talk_id), panel = session_uid(p.panel_id);
  for (const auto& [name, target] : feeds) {
    CAPTURE(name);
    auto seen = parsed(p.get(target));
    REQUIRE(seen.contains(talk));
    CHECK(seen[talk].sequence == 0);
    CHECK(seen[talk].start == "20351108T081500Z");
  }

  // Moved by half an hour: its SEQUENCE rises in every feed, the other session's does not.
  auto moved = p.patch_session(p.talk_id,
                               {{"starts_at", "2035-11-08T09:45:00+01:00"}, {"ends_at", "2035-11-08T10:30:00+01:00"}});
  REQUIRE_MESSAGE(moved.status == 200, moved.body);
  for (const auto& [name, target] : feeds) {
    CAPTURE(name);
    auto seen = parsed(p.get(target));
    CHECK(seen[talk].sequence == 1);
    CHECK(seen[talk].start == "20351108T084500Z");
    if (name != "speaker") CHECK(seen[panel].sequence == 0);
    if (name != "speaker") CHECK(seen[event_uid(p.event_id)].sequence == 0);  // the event itself did not change
  }
  CHECK(p.server.database().scalar("SELECT sequence FROM sessions WHERE id = '" + p.talk_id + "'") == "1");

  // A new description is not a move: nothing rises.
  REQUIRE(p.patch_session(p.talk_id, {{"description", "Med frågestund."}}).status == 200);
  CHECK(parsed(p.get(feeds.at("event")))[talk].sequence == 1);
  // A new place is.
  REQUIRE(p.patch_session(p.talk_id, {{"location", "Sal B"}}).status == 200);
  for (const auto& [name, target] : feeds) {
    CAPTURE(name);
    CHECK(parsed(p.get(target))[talk].sequence == 2);
  }

  // The event's online link is every session's: a new one raises the event's SEQUENCE, and
  // with it every session VEVENT's (its own plus the event's).
  auto online = p.server.request(
      "PATCH", "/v1/events/seminarium",
      json{{"format", "hybrid"},
           {"online", {{"platform", "Zoom"}, {"stream_url", "https://play.example.se/fyrbodal"}, {"access", "public"}}}}
          .dump(),
      merge_patch(p.key));
  REQUIRE_MESSAGE(online.status == 200, online.body);
  for (const auto& [name, target] : feeds) {
    CAPTURE(name);
    const std::string body = p.get(target);
    auto seen = parsed(body);
    CHECK(seen[talk].sequence == 3);
    if (name != "speaker") CHECK(seen[panel].sequence == 1);
    CHECK(property_of(body, talk, "CONFERENCE").find("https://play.example.se/fyrbodal") != std::string::npos);
  }
}

TEST_CASE("calendar: a deleted session stays in the feeds as STATUS:CANCELLED until its event is over") {
  ServerSettings settings;
  settings.retention_sweep_s = "1";  // drops the tombstones of events that are over
  Programme p(settings);
  const json anna = p.register_as("Anna Andersson", "anna@example.se");                  // the whole programme
  const json bo = p.register_as("Bo Berg", "bo@example.se", {p.talk_id});                // chose the talk
  const json cecilia = p.register_as("Cecilia Ek", "cecilia@example.se", {p.panel_id});  // chose the panel
  const std::string talk = session_uid(p.talk_id);
  const std::vector<std::string> holders = {"/v1/events/seminarium/calendar.ics",
                                            "/v1/speakers/alice-petren/calendar.ics", path_of(anna["feed_url"]),
                                            path_of(bo["feed_url"])};
  CHECK_FALSE(parsed(p.get(path_of(cecilia["feed_url"]))).contains(talk));
  REQUIRE(p.patch_session(p.talk_id, {{"location", "Sal B"}}).status == 200);  // its own sequence is 1 now
  std::map<std::string, int> before;
  std::map<std::string, std::string> etag;
  for (const auto& target : holders) {
    auto r = p.server.get(target);
    REQUIRE(r.status == 200);
    etag[target] = r.header("ETag");
    auto seen = parsed(r.body);
    REQUIRE_MESSAGE(seen.contains(talk), target);
    before[target] = seen[talk].sequence;
    CHECK(seen[talk].status == "CONFIRMED");
  }

  auto deleted = p.server.request("DELETE", "/v1/events/seminarium/sessions/" + p.talk_id, "", bearer(p.key));
  REQUIRE_MESSAGE(deleted.status == 204, deleted.body);

  // Not live in the programme any more...
  CHECK(p.server.get("/v1/events/seminarium/sessions/" + p.talk_id).status == 404);
  auto list = p.server.get("/v1/events/seminarium/sessions").json()["items"];
  REQUIRE(list.size() == 1);
  CHECK(list[0]["id"] == p.panel_id);
  // ... but every calendar that held it is told: same UID, STATUS:CANCELLED, a higher SEQUENCE.
  for (const auto& target : holders) {
    CAPTURE(target);
    auto r = p.server.get(target);
    REQUIRE(r.status == 200);
    auto seen = parsed(r.body);
    REQUIRE(seen.contains(talk));
    CHECK(seen[talk].status == "CANCELLED");
    CHECK(seen[talk].sequence > before[target]);
    CHECK(seen[talk].start == "20351108T081500Z");
    CHECK(property_of(r.body, talk, "SUMMARY") == "SUMMARY:INSTÄLLD: Global migration");
    CHECK(r.header("ETag") != etag[target]);
    // libical reads it too (the import parser: a cancelled VEVENT is read, not imported).
    CHECK(eventd::ics::parse_import(r.body).ok());
  }
  // A calendar that never had it does not get it now.
  CHECK_FALSE(parsed(p.get(path_of(cecilia["feed_url"]))).contains(talk));
  CHECK(p.server.database().scalar("SELECT sequence FROM session_tombstones WHERE session_id = '" + p.talk_id + "'") ==
        "2");

  // Once the event is over the tombstone is no longer shown (the event stays, as past events do).
  const std::string old_id = p.create_event("forra-aret", "2020-11-08T08:00:00Z", "2020-11-08T14:30:00Z");
  const std::string old_session =
      p.add_session("forra-aret", "Avslutning", "2020-11-08T13:00:00+01:00", "2020-11-08T14:00:00+01:00");
  REQUIRE(p.server.request("DELETE", "/v1/events/forra-aret/sessions/" + old_session, "", bearer(p.key)).status == 204);
  auto old_feed = parsed(p.get("/v1/events/forra-aret/calendar.ics"));
  CHECK(old_feed.contains(event_uid(old_id)));
  CHECK_FALSE(old_feed.contains(session_uid(old_session)));
  // ... and the retention sweep drops it; the one of the event to come stays.
  const std::string old_tombstones = "SELECT count(*) FROM session_tombstones WHERE event_id = '" + old_id + "'";
  for (int i = 0; i < 100 && p.server.database().scalar(old_tombstones) != "0"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(p.server.database().scalar(old_tombstones) == "0");
  CHECK(p.server.database().scalar("SELECT count(*) FROM session_tombstones WHERE session_id = '" + p.talk_id + "'") ==
        "1");

  // An event deleted with its sessions leaves no tombstones behind (and deleting works).
  const std::string gone_id = p.create_event("strykes", "2035-12-01T08:00:00Z", "2035-12-01T12:00:00Z");
  p.add_session("strykes", "Inledning", "2035-12-01T09:00:00+01:00", "2035-12-01T10:00:00+01:00");
  p.server.database().exec("UPDATE events SET status = 'draft' WHERE slug = 'strykes'");  // only drafts are deleted
  auto removed = p.server.request("DELETE", "/v1/events/strykes", "", bearer(p.key));
  CHECK_MESSAGE(removed.status == 204, removed.body);
  CHECK(p.server.database().scalar("SELECT count(*) FROM session_tombstones WHERE event_id = '" + gone_id + "'") ==
        "0");
}

TEST_CASE("calendar: organisations have a contact address; it is the ORGANIZER, invitations ask no reply") {
  Programme p;
  // The address in the API: shown, validated, removable with null.
  auto org = p.server.get("/v1/organisations/fyrbodal");
  REQUIRE(org.status == 200);
  CHECK(org.json()["email"] == "kansliet@fyrbodal.se");
  const std::string version = org.header("ETag");
  auto bad = p.server.request("PATCH", "/v1/organisations/fyrbodal", json{{"email", "inte en adress"}}.dump(),
                              merge_patch(p.admin));
  CHECK(bad.status == 422);
  CHECK(bad.header("Content-Type") == "application/problem+json");
  CHECK(bad.json()["errors"][0]["field"] == "email");
  CHECK(p.server.get("/v1/organisations/fyrbodal").json()["email"] == "kansliet@fyrbodal.se");  // unchanged
  auto created = p.server.request("POST", "/v1/organisations",
                                  json{{"name", "Forum"}, {"kind", "civil_society"}}.dump(), json_body(p.admin));
  REQUIRE(created.status == 201);
  CHECK(created.json()["email"].is_null());

  // Feeds: ORGANIZER is the organisation's address, with its name.
  const std::string uid = event_uid(p.event_id);
  const std::string feed = p.get("/v1/events/seminarium/calendar.ics");
  CHECK(property_of(feed, uid, "ORGANIZER") == "ORGANIZER;CN=Fyrbodals kommunalförbund:mailto:kansliet@fyrbodal.se");
  CHECK(property_of(feed, session_uid(p.talk_id), "ORGANIZER") ==
        "ORGANIZER;CN=Fyrbodals kommunalförbund:mailto:kansliet@fyrbodal.se");
  CHECK(property_of(p.get("/v1/calendar.ics"), uid, "ORGANIZER").ends_with(":mailto:kansliet@fyrbodal.se"));

  // The invitation: the organisation's address, sent by the service's own (EVENTD_MAIL_FROM);
  // the participant is not asked to reply (nobody would read it).
  const json anna = p.register_as("Anna Andersson", "anna@example.se");
  const std::string invite_path = "/v1/registrations/" + anna["id"].get<std::string>() + "/invite.ics";
  const std::string invite = p.get(invite_path, bearer(anna["manage_token"]));
  CHECK(property_of(invite, uid, "ORGANIZER") ==
        "ORGANIZER;CN=Fyrbodals kommunalförbund;SENT-BY=\"mailto:noreply@eventd.test\":mailto:kansliet@fyrbodal.se");
  CHECK(property_of(invite, uid, "ATTENDEE") ==
        "ATTENDEE;CN=Anna Andersson;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:anna@example.se");
  CHECK(eventd::ics::lint_ics(invite).empty());
  CHECK(run_ics_checker(invite).status == 0);

  // The e-mailed invitation says the same (the outbox's message, read by Python's email
  // parser and python3-icalendar).
  const std::string message = p.server.database().scalar(
      "SELECT message FROM mail_outbox WHERE recipient_email = 'anna@example.se' AND kind = 'registration_confirmed'");
  REQUIRE_FALSE(message.empty());
  const auto eml =
      std::filesystem::temp_directory_path() / ("eventd-ics-invite-" + anna["id"].get<std::string>() + ".eml");
  {
    std::ofstream out(eml, std::ios::binary);
    out << message;
  }
  const json mail = read_mail(eml);
  std::filesystem::remove(eml);
  REQUIRE(mail["ical"].is_object());
  REQUIRE(mail["ical"]["events"].size() == 1);
  const json& event = mail["ical"]["events"][0];
  CHECK(event["organizer"] == "mailto:kansliet@fyrbodal.se");
  CHECK(event["organizer_sent_by"] == "mailto:noreply@eventd.test");
  CHECK(event["attendee_rsvp"] == json::array({"FALSE"}));

  // Without an address: no ORGANIZER in a feed; an invitation names the sending address.
  auto removed =
      p.server.request("PATCH", "/v1/organisations/fyrbodal", json{{"email", nullptr}}.dump(), merge_patch(p.admin));
  REQUIRE_MESSAGE(removed.status == 200, removed.body);
  CHECK(removed.json()["email"].is_null());
  CHECK(removed.header("ETag") != version);
  const std::string plain = p.get("/v1/events/seminarium/calendar.ics");
  CHECK(plain.find("ORGANIZER") == std::string::npos);
  CHECK(run_ics_checker(plain).status == 0);
  const std::string fallback = p.get(invite_path, bearer(anna["manage_token"]));
  CHECK(property_of(fallback, uid, "ORGANIZER") == "ORGANIZER;CN=Fyrbodals kommunalförbund:mailto:noreply@eventd.test");
  CHECK(run_ics_checker(fallback).status == 0);
}

namespace {

// Events of Fyrbodal relative to now: `ended_days_ago` < 0 is one still to come.
void add_relative_event(TestServer& server, const std::string& slug, int ended_days_ago) {
  const std::string end = "now() - interval '" + std::to_string(ended_days_ago) + " days'";
  server.database().exec(
      "INSERT INTO events (slug, title, kind, format, status, timezone, starts_at, ends_at, venue_city, "
      "venue_country, organiser_id) VALUES ('" +
      slug + "', 'Evenemang " + slug +
      "', 'seminar', 'in_person', 'published', 'Europe/Stockholm', date_trunc('hour', " + end +
      ") - interval '2 hours', date_trunc('hour', " + end +
      "), 'Vänersborg', 'SE', (SELECT id FROM organisations WHERE slug = 'fyrbodal'))");
}

std::vector<std::string> slugs_in(TestServer& server, const std::string& target) {
  auto r = server.get(target);
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(eventd::ics::lint_ics(r.body).empty());
  std::vector<std::string> out;
  for (const auto& l : lines_of(r.body)) {
    if (l.rfind("SUMMARY:Evenemang ", 0) == 0) out.push_back(l.substr(18));
  }
  return out;
}

}  // namespace

TEST_CASE("feeds: a list feed keeps every upcoming event; past ones within the window fill up, furthest past first") {
  ServerSettings capped;
  capped.feed_past_days = "90";
  capped.feed_max_events = "4";
  TestServer server(capped);
  server.database().exec("INSERT INTO organisations (slug, name, kind) VALUES ('fyrbodal', 'Fyrbodal', 'region')");
  // Three to come (one running now), four past within 90 days, two long past.
  for (const auto& [slug, days] : std::vector<std::pair<std::string, int>>{{"kommande-1", -400},
                                                                           {"kommande-2", -3},
                                                                           {"pagar", 0},
                                                                           {"forbi-10", 10},
                                                                           {"forbi-20", 20},
                                                                           {"forbi-30", 30},
                                                                           {"forbi-80", 80},
                                                                           {"forbi-100", 100},
                                                                           {"forbi-1000", 1000}}) {
    // "pagar" ends in an hour: not over yet.
    if (slug == "pagar") {
      server.database().exec(
          "INSERT INTO events (slug, title, kind, format, status, timezone, starts_at, ends_at, venue_city, "
          "venue_country, organiser_id) VALUES ('pagar', 'Evenemang pagar', 'seminar', 'in_person', 'published', "
          "'Europe/Stockholm', now() - interval '1 hour', now() + interval '1 hour', 'Vänersborg', 'SE', "
          "(SELECT id FROM organisations WHERE slug = 'fyrbodal'))");
    } else {
      add_relative_event(server, slug, days);
    }
  }
  // Before, the feed held the first 4 by start: the long past ones, and no upcoming event.
  // Now: all three not ended, then the latest ended; in the list order (by start).
  const std::vector<std::string> expected = {"forbi-10", "pagar", "kommande-2", "kommande-1"};
  CHECK(slugs_in(server, "/v1/calendar.ics") == expected);
  CHECK(slugs_in(server, "/v1/organisations/fyrbodal/calendar.ics") == expected);
  CHECK(slugs_in(server, "/v1/calendar.ics?kind=seminar") == expected);  // a filtered feed too
  CHECK(run_ics_checker(server.get("/v1/calendar.ics").body).status == 0);

  // More room: every past event of the last 90 days, still not those before.
  ServerSettings roomy = capped;
  roomy.feed_max_events = "100";
  TestServer wide(server.database(), roomy);
  CHECK(slugs_in(wide, "/v1/calendar.ics") ==
        std::vector<std::string>{"forbi-80", "forbi-30", "forbi-20", "forbi-10", "pagar", "kommande-2", "kommande-1"});
  // An explicit `from` or `to` sets the bounds instead of the window.
  CHECK(slugs_in(wide, "/v1/calendar.ics?from=2000-01-01T00:00:00Z").size() == 9);
  const auto long_ago =
      slugs_in(wide, "/v1/calendar.ics?to=" +
                         server.database().scalar("SELECT to_char((now() - interval '500 days') AT TIME ZONE 'UTC', "
                                                  "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"));
  CHECK(long_ago == std::vector<std::string>{"forbi-1000"});

  // A cap below the number of upcoming events drops no upcoming event (and no past one is shown).
  ServerSettings tight = capped;
  tight.feed_max_events = "2";
  TestServer narrow(server.database(), tight);
  CHECK(slugs_in(narrow, "/v1/calendar.ics") == std::vector<std::string>{"pagar", "kommande-2", "kommande-1"});
}
