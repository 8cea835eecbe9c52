// Lists page by `Link: <...>; rel="next"`: a client that follows only the Link headers gets
// every item exactly once, the last page has none, and a cursor works only on the list (path
// and filter values) it was made for.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "speaker_session_fixture.hpp"

using namespace eventd::test;
using namespace eventd::test::programme;

namespace {

constexpr const char* kPublicUrl = "http://127.0.0.1:8080";  // the TestServer's EVENTD_PUBLIC_URL

// The URL of `Link: <url>; rel="next"`, or "" when there is none.
std::string next_link(const HttpResponse& response) {
  const auto found = response.headers.find("link");
  if (found == response.headers.end()) return "";
  const std::string& link = found->second;
  REQUIRE_MESSAGE(link.starts_with("<"), link);
  const auto end = link.find('>');
  REQUIRE(end != std::string::npos);
  CHECK(link.substr(end) == R"(>; rel="next")");
  return link.substr(1, end - 1);
}

std::string item_id(const json& item) {
  // A partner invitation is named by its event.
  return item.contains("id") ? item["id"].get<std::string>() : item["event"]["id"].get<std::string>();
}

// Every item of the list at `first`, by following Link headers only (each page checked: Link
// exactly when next_cursor is set, absolute on the public URL, carrying that cursor).
std::vector<std::string> walk(TestServer& server, const std::string& first, const HeaderList& headers = {}) {
  std::vector<std::string> ids;
  std::string target = first;
  for (int pages = 0; pages < 100; ++pages) {
    auto response = server.get(target, headers);
    REQUIRE_MESSAGE(response.status == 200, target << ": " << response.body);
    const json body = response.json();
    for (const auto& item : body["items"]) ids.push_back(item_id(item));
    const std::string next = next_link(response);
    if (body["next_cursor"].is_null()) {
      CHECK_MESSAGE(next.empty(), "a Link on the last page of " << first);
      return ids;
    }
    REQUIRE_MESSAGE(!next.empty(), "no Link though there is a next page: " << target);
    REQUIRE_MESSAGE(next.starts_with(kPublicUrl), next);
    CHECK(next.ends_with("cursor=" + body["next_cursor"].get<std::string>()));
    target = next.substr(std::string(kPublicUrl).size());
  }
  FAIL("more than 100 pages: " << first);
  return ids;
}

// The whole list in one page (the reference the walk is compared with).
std::vector<std::string> all_at_once(TestServer& server, const std::string& target, const HeaderList& headers = {}) {
  auto response = server.get(target + (target.find('?') == std::string::npos ? "?" : "&") + "limit=200", headers);
  REQUIRE_MESSAGE(response.status == 200, response.body);
  CHECK(response.headers.count("link") == 0);
  const json body = response.json();
  CHECK(body["next_cursor"].is_null());
  std::vector<std::string> ids;
  for (const auto& item : body["items"]) ids.push_back(item_id(item));
  return ids;
}

std::string cursor_of(TestServer& server, const std::string& target, const HeaderList& headers = {}) {
  auto response = server.get(target, headers);
  REQUIRE_MESSAGE(response.status == 200, response.body);
  const json body = response.json();
  REQUIRE_MESSAGE(body["next_cursor"].is_string(), target);
  return body["next_cursor"];
}

// A published event in a year to come, open for registration and for press requests.
void insert_future_event(Programme& p, const std::string& slug) {
  p.server.database().exec(
      "INSERT INTO events (slug, title, kind, format, status, timezone, starts_at, ends_at, online_platform, "
      "online_stream_url, online_access, media_policy, organiser_id) VALUES ('" +
      slug + "', 'Framtidsforum', 'conference', 'online', 'published', 'Europe/Stockholm', '2035-11-26T08:00:00Z', " +
      "'2035-11-26T14:30:00Z', 'YouTube', 'https://www.youtube.com/watch?v=framtid', 'on_request', 'on_request', " +
      "(SELECT id FROM organisations WHERE slug = 'lansstyrelsen-vastra-gotaland'))");
}

}  // namespace

TEST_CASE("pagination: following Link headers walks every list, each item once, no Link on the last page") {
  Programme p;
  p.seed_speakers();
  p.seed_sessions("integrationsforum-2020", "integrationsforum-2020", p.lansstyrelsen_key);
  insert_future_event(p, "framtidsforum");
  insert_future_event(p, "framtidsforum-2");
  for (const std::string slug : {"integrationsforum-2020", "framtidsforum"}) {
    auto named = p.patch("/v1/events/" + slug, {{"partner_ids", {"sensus"}}}, bearer(p.lansstyrelsen_key));
    REQUIRE_MESSAGE(named.status == 200, named.body);
  }
  const std::string sensus_key = p.organiser_key("sensus");
  for (int i = 0; i < 5; ++i) {
    const std::string n = std::to_string(i);
    auto registered = p.server.request(
        "POST", "/v1/events/framtidsforum/registrations",
        json{{"name", "Deltagare " + n}, {"email", "deltagare" + n + "@example.se"}, {"consent", true}}.dump(),
        {{"Content-Type", "application/json"}});
    REQUIRE_MESSAGE(registered.status == 201, registered.body);
    auto asked = p.server.request("POST", "/v1/events/framtidsforum/media-requests",
                                  json{{"name", "Reporter " + n},
                                       {"email", "reporter" + n + "@example.se"},
                                       {"outlet", "Sveriges Radio Ekot"},
                                       {"message", "Vi vill följa konferensen."}}
                                      .dump(),
                                  {{"Content-Type", "application/json"}});
    REQUIRE_MESSAGE(asked.status == 202, asked.body);  // pending: the organiser decides
  }

  const HeaderList admin = bearer(p.admin);
  const HeaderList organiser = bearer(p.lansstyrelsen_key);
  struct List {
    std::string path;  // with its filters
    HeaderList headers;
    std::size_t at_least;  // items, so the walk has several pages
  };
  const std::vector<List> lists = {
      {"/v1/events", admin, 5},
      {"/v1/events?format=online", admin, 3},
      {"/v1/organisations", {}, 18},
      {"/v1/speakers", admin, 8},
      {"/v1/speakers?q=a", admin, 1},
      {"/v1/events/integrationsforum-2020/sessions", {}, 5},
      {"/v1/events/integrationsforum-2020/speakers", {}, 1},
      {"/v1/api-keys", admin, 3},
      {"/v1/events/framtidsforum/registrations", organiser, 5},
      {"/v1/events/framtidsforum/registrations?status=confirmed", organiser, 5},
      {"/v1/events/framtidsforum/messages", organiser, 5},
      {"/v1/events/framtidsforum/media-requests", organiser, 5},
      {"/v1/media-requests?status=pending", organiser, 5},
      {"/v1/organisations/sensus/partner-invitations", bearer(sensus_key), 2},
  };
  for (const auto& list : lists) {
    CAPTURE(list.path);
    const auto everything = all_at_once(p.server, list.path, list.headers);
    CHECK(everything.size() >= list.at_least);
    for (const char* limit : {"1", "2"}) {
      CAPTURE(limit);
      const auto walked =
          walk(p.server, list.path + (list.path.find('?') == std::string::npos ? "?" : "&") + "limit=" + limit,
               list.headers);
      CHECK(walked == everything);
      CHECK(std::set<std::string>(walked.begin(), walked.end()).size() == walked.size());
    }
  }

  // The Link keeps the request's filters as sent, and its own cursor replaces a given one.
  auto first = p.server.get("/v1/events?limit=1&format=online", admin);
  const std::string link = next_link(first);
  CHECK(link.starts_with(std::string(kPublicUrl) + "/v1/events?limit=1&format=online&cursor="));
  auto second = p.server.get(link.substr(std::string(kPublicUrl).size()), admin);
  CHECK(next_link(second).find("cursor=" + first.json()["next_cursor"].get<std::string>()) == std::string::npos);
}

TEST_CASE("pagination: a cursor replayed with other filters or on another list is a 400") {
  Programme p;
  p.seed_speakers();
  insert_future_event(p, "framtidsforum");
  insert_future_event(p, "framtidsforum-2");
  const HeaderList admin = bearer(p.admin);

  const std::string online = cursor_of(p.server, "/v1/events?format=online&limit=1", admin);
  // the same list with another limit: fine
  CHECK(p.server.get("/v1/events?format=online&limit=5&cursor=" + online, admin).status == 200);
  // another value, a filter dropped, a filter added: 400, not an empty or wrong page
  for (const std::string changed : {"/v1/events?format=in_person&limit=1&cursor=", "/v1/events?limit=1&cursor=",
                                    "/v1/events?format=online&kind=conference&limit=1&cursor=",
                                    "/v1/events?format=online&partner=sensus&cursor="}) {
    CAPTURE(changed);
    auto refused = p.server.get(changed + online, admin);
    CHECK(refused.status == 400);
    CHECK(refused.header("Content-Type") == "application/problem+json");
  }

  // another route: a cursor of the organisations on the speakers, of one event's sessions on another's
  const std::string organisations = cursor_of(p.server, "/v1/organisations?limit=1");
  CHECK(p.server.get("/v1/speakers?cursor=" + organisations, admin).status == 400);
  CHECK(p.server.get("/v1/api-keys?cursor=" + organisations, admin).status == 400);
  const std::string speakers = cursor_of(p.server, "/v1/speakers?limit=1", admin);
  CHECK(p.server.get("/v1/speakers?q=a&cursor=" + speakers, admin).status == 400);
  CHECK(p.server.get("/v1/events/integrationsforum-2020/speakers?cursor=" + speakers).status == 400);
  for (int i = 0; i < 2; ++i) {
    for (const std::string slug : {"framtidsforum", "framtidsforum-2"}) {
      auto registered = p.server.request(
          "POST", "/v1/events/" + slug + "/registrations",
          json{{"name", "Deltagare"}, {"email", "deltagare" + std::to_string(i) + "@example.se"}, {"consent", true}}
              .dump(),
          {{"Content-Type", "application/json"}});
      REQUIRE_MESSAGE(registered.status == 201, registered.body);
    }
  }
  const std::string registrations = cursor_of(p.server, "/v1/events/framtidsforum/registrations?limit=1", admin);
  CHECK(p.server.get("/v1/events/framtidsforum/registrations?cursor=" + registrations, admin).status == 200);
  CHECK(p.server.get("/v1/events/framtidsforum-2/registrations?cursor=" + registrations, admin).status == 400);
  CHECK(p.server.get("/v1/events/framtidsforum/messages?cursor=" + registrations, admin).status == 400);
  CHECK(
      p.server.get("/v1/events/framtidsforum/registrations?status=waitlisted&cursor=" + registrations, admin).status ==
      400);
}
