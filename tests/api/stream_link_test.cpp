// The stream link goes only to the entitled: one table (domain::may_see_stream, openapi.yaml
// "The stream link") checked over every route a person can reach it by: the event's JSON and
// lists, the public feeds (event, all events, filtered, organisation), a registrant's personal
// feed and invitation (the same text the confirmation e-mail attaches), a journalist's request
// and personal feed (the same link the approval e-mail carries), for every online.access, and
// again once the event is cancelled, when only its organisers see it.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "db/migrations.hpp"
#include "services/media_request_service.hpp"
#include "support/ics_check.hpp"
#include "support/test_server.hpp"

using namespace eventd::test;
using nlohmann::json;

namespace {

HeaderList bearer(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }
std::string quoted(const std::string& text) { return "$q$" + text + "$q$"; }

struct Audience {
  std::string name;
  // What it can fetch, each answer's body (feeds unfolded).
  std::vector<std::pair<std::string, std::string>> answers;
};

// The columns of the table, for one event.
const std::vector<std::string> kColumns = {
    "anyone",   "waitlisted", "confirmed", "journalist pending", "journalist revoked", "approved journalist",
    "organiser"};

struct StreamWorld {
  TestServer server;
  std::string key;  // Länsstyrelsen's organiser key

  StreamWorld() {
    server.database().exec("INSERT INTO organisations (slug, name, kind) VALUES ('lansstyrelsen', " +
                           quoted("Länsstyrelsen Västra Götaland") + ", 'public_agency')");
    key = "evk_test_lansstyrelsen_0123456789abcdef";
    server.database().exec(
        "INSERT INTO api_keys (name, key_hash, key_prefix, role, organisation_id) VALUES ('test', decode('" +
        eventd::db::sha256_hex(key) +
        "', 'hex'), 'evk_', 'organiser', (SELECT id FROM organisations WHERE slug = 'lansstyrelsen'))");
  }

  static std::string url_for(const std::string& access) { return "https://stream.example/" + access + "-room"; }
  static std::string slug_of(const std::string& access) {
    std::string slug = "forum-" + access;
    for (char& c : slug) c = c == '_' ? '-' : c;
    return slug;
  }

  // Integrationsforum in a year to come: one seat and a waitlist, journalists ask.
  void create_event(const std::string& access) {
    server.database().exec(
        "INSERT INTO events (slug, title, kind, format, status, timezone, starts_at, ends_at, online_platform, "
        "online_stream_url, online_access, organiser_id, capacity, waitlist, media_policy, series) VALUES ('" +
        slug_of(access) + "', 'Integrationsforum', 'conference', 'online', 'published', 'Europe/Stockholm', " +
        "'2035-11-26T08:00:00Z', '2035-11-26T14:30:00Z', 'YouTube', '" + url_for(access) + "', '" + access +
        "', (SELECT id FROM organisations WHERE slug = 'lansstyrelsen'), 1, true, 'on_request', 'integrationsforum')");
  }

  json post(const std::string& target, const json& body, int expected) {
    auto r = server.request("POST", target, body.dump(), {{"Content-Type", "application/json"}});
    REQUIRE_MESSAGE(r.status == expected, r.body);
    return r.json();
  }

  std::string feed_path(const std::string& feed_url) { return feed_url.substr(feed_url.find("/v1/feeds/")); }

  std::string decide(const std::string& id, const std::string& status) {
    auto r = server.request("PATCH", "/v1/media-requests/" + id, json{{"status", status}}.dump(),
                            {{"Authorization", "Bearer " + key}, {"Content-Type", "application/merge-patch+json"}});
    REQUIRE_MESSAGE(r.status == 200, r.body);
    return r.body;
  }

  std::string get(const std::string& target, const HeaderList& headers = {}) {
    auto r = server.get(target, headers);
    REQUIRE_MESSAGE(r.status == 200, target << ": " << r.status << " " << r.body);
    return unfold(r.body);
  }

  // Everyone of the table for the event `slug`: their records.
  struct Records {
    std::string slug;
    json confirmed, waitlisted, pending, revoked, approved;
  };

  Records make_people(const std::string& slug) {
    const std::string events = "/v1/events/" + slug;
    auto confirmed =
        post(events + "/registrations", {{"name", "Anna"}, {"email", "anna@example.se"}, {"consent", true}}, 201);
    auto waitlisted =
        post(events + "/registrations", {{"name", "Bo"}, {"email", "bo@example.se"}, {"consent", true}}, 201);
    REQUIRE(confirmed["status"] == "confirmed");
    REQUIRE(waitlisted["status"] == "waitlisted");
    auto pending =
        post(events + "/media-requests", {{"name", "Karin"}, {"email", "karin@sr.se"}, {"outlet", "SR"}}, 202);
    auto revoked = post(events + "/media-requests", {{"name", "Omar"}, {"email", "omar@gp.se"}, {"outlet", "GP"}}, 202);
    auto approved =
        post(events + "/media-requests", {{"name", "Lena"}, {"email", "lena@svt.se"}, {"outlet", "SVT"}}, 202);
    decide(revoked["id"], "approved");
    decide(revoked["id"], "revoked");
    decide(approved["id"], "approved");
    return {slug, confirmed, waitlisted, pending, revoked, approved};
  }

  // Everything each of them can fetch now.
  std::map<std::string, Audience> answers(const Records& people) {
    const std::string events = "/v1/events/" + people.slug;
    const json& confirmed = people.confirmed;
    const json& waitlisted = people.waitlisted;
    const json& pending = people.pending;
    const json& revoked = people.revoked;
    const json& approved = people.approved;
    std::map<std::string, Audience> out;
    out["anyone"].answers = {
        {"event", get(events)},
        {"event list", get("/v1/events?limit=200")},
        {"event feed", get(events + "/calendar.ics")},
        {"all events feed", get("/v1/calendar.ics")},
        {"filtered feed", get("/v1/calendar.ics?series=integrationsforum")},
        {"organisation feed", get("/v1/organisations/lansstyrelsen/calendar.ics")},
    };
    auto registrant = [&](const json& r) {
      const std::string token = r["manage_token"];
      return std::vector<std::pair<std::string, std::string>>{
          {"registration", get("/v1/registrations/" + r["id"].get<std::string>(), bearer(token))},
          {"personal feed", get(feed_path(r["feed_url"]))},
          {"invitation", get("/v1/registrations/" + r["id"].get<std::string>() + "/invite.ics", bearer(token))},
      };
    };
    out["confirmed"].answers = registrant(confirmed);
    out["waitlisted"].answers = registrant(waitlisted);
    auto journalist = [&](const json& m) {
      const std::string token = m["status_token"];
      return std::vector<std::pair<std::string, std::string>>{
          {"media request", get("/v1/media-requests/" + m["id"].get<std::string>(), bearer(token))},
          {"personal feed", get("/v1/feeds/" + eventd::services::media_feed_token_for(token, 0) + "/calendar.ics")},
      };
    };
    out["journalist pending"].answers = journalist(pending);
    out["journalist revoked"].answers = journalist(revoked);
    out["approved journalist"].answers = journalist(approved);
    out["organiser"].answers = {{"event", get(events, bearer(key))},
                                {"event list", get("/v1/events?limit=200", bearer(key))}};
    return out;
  }
};

void check_table(std::map<std::string, Audience>& people, const std::string& access,
                 const std::map<std::string, bool>& sees) {
  const std::string link = StreamWorld::url_for(access);
  for (const auto& column : kColumns) {
    const bool expected = sees.at(column);
    bool anywhere = false;
    for (const auto& [route, body] : people.at(column).answers) {
      const bool shown = body.find(link) != std::string::npos;
      anywhere = anywhere || shown;
      // Where the rule says no, no route may carry it.
      if (!expected) CHECK_MESSAGE(!shown, access << ": " << column << " got the link in the " << route);
    }
    // Where it says yes, the person can reach it (through at least one of their routes).
    if (expected) CHECK_MESSAGE(anywhere, access << ": " << column << " cannot reach the link");
  }
}

}  // namespace

TEST_CASE("the stream link: the whole table, over every route, before and after a cancellation") {
  StreamWorld w;
  const std::map<std::string, std::map<std::string, bool>> table = {
      {"public",
       {{"anyone", true},
        {"waitlisted", true},
        {"confirmed", true},
        {"journalist pending", true},
        {"journalist revoked", true},
        {"approved journalist", true},
        {"organiser", true}}},
      {"registered",
       {{"anyone", false},
        {"waitlisted", false},
        {"confirmed", true},
        {"journalist pending", false},
        {"journalist revoked", false},
        {"approved journalist", true},
        {"organiser", true}}},
      {"on_request",
       {{"anyone", false},
        {"waitlisted", false},
        {"confirmed", false},
        {"journalist pending", false},
        {"journalist revoked", false},
        {"approved journalist", true},
        {"organiser", true}}},
  };
  for (const auto& [access, sees] : table) {
    CAPTURE(access);
    w.create_event(access);
  }
  std::vector<StreamWorld::Records> people;
  for (const auto& [access, sees] : table) {
    CAPTURE(access);
    people.push_back(w.make_people(StreamWorld::slug_of(access)));
    auto seen = w.answers(people.back());
    check_table(seen, access, sees);
  }
  // Cancelled: its organisers only, whatever the access. Registrations and requests keep
  // their standing and the feeds keep answering (so calendars drop their copy), without it.
  const std::map<std::string, bool> organiser_only = {{"anyone", false},
                                                      {"waitlisted", false},
                                                      {"confirmed", false},
                                                      {"journalist pending", false},
                                                      {"journalist revoked", false},
                                                      {"approved journalist", false},
                                                      {"organiser", true}};
  std::vector<std::string> accesses;
  for (const auto& [access, sees] : table) accesses.push_back(access);
  for (std::size_t i = 0; i < people.size(); ++i) {
    const auto& records = people[i];
    const std::string& access = accesses[i];
    CAPTURE(access);
    auto cancelled =
        w.server.request("PATCH", "/v1/events/" + records.slug, R"({"status":"cancelled"})",
                         {{"Authorization", "Bearer " + w.key}, {"Content-Type", "application/merge-patch+json"}});
    REQUIRE_MESSAGE(cancelled.status == 200, cancelled.body);
    auto seen = w.answers(records);
    check_table(seen, access, organiser_only);
  }
}
