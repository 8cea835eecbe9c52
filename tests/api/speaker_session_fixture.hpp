#pragma once
// Shared by sessions_test.cpp and speakers_test.cpp: a server with the seed organisations,
// two events and organiser keys, all inserted with SQL (the organisations, api-keys and
// events slices are written in parallel), and the seed speakers posted through the API.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "db/migrations.hpp"
#include "support/test_server.hpp"

namespace eventd::test::programme {

using nlohmann::json;

inline json read_json_file(const std::string& path) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return json::parse(buffer.str());
}

inline std::string quoted(const std::string& text) { return "$q$" + text + "$q$"; }

inline HeaderList bearer(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }

inline HeaderList with(HeaderList headers, std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
  return headers;
}

struct Programme {
  TestServer server;
  std::string admin;
  std::string forum_key;                           // organiser of the Östersund study visit and of a draft
  std::string lansstyrelsen_key;                   // organiser of Integrationsforum 2020
  std::map<std::string, std::string> speaker_ids;  // slug → id, after seed_speakers()

  Programme() : admin(server.settings().admin_key) {
    TestDatabase& db = server.database();
    for (const auto& o : read_json_file(EVENTD_SOURCE_DIR "/api/examples/organisations.json")) {
      db.exec("INSERT INTO organisations (slug, name, kind) VALUES (" + quoted(o["slug"]) + ", " + quoted(o["name"]) +
              ", " + quoted(o["kind"]) + ")");
    }
    forum_key = organiser_key("forum");
    lansstyrelsen_key = organiser_key("lansstyrelsen-vastra-gotaland");
    // Integrationsforum 2020: 09:00–16:00 in Stockholm (+01:00 in November), published.
    db.exec(
        "INSERT INTO events (slug, title, kind, format, status, timezone, starts_at, ends_at, online_platform, "
        "online_access, organiser_id) VALUES ('integrationsforum-2020', 'Integrationsforum 2020', 'conference', "
        "'online', 'published', 'Europe/Stockholm', '2020-11-26T08:00:00Z', '2020-11-26T15:00:00Z', 'YouTube', "
        "'on_request', (SELECT id FROM organisations WHERE slug = 'lansstyrelsen-vastra-gotaland'))");
    // The all-day study visit to Östersund, 4–5 September 2019 (+02:00), published.
    db.exec(
        "INSERT INTO events (slug, title, kind, format, status, timezone, all_day, starts_on, ends_on, venue_city, "
        "venue_country, organiser_id) VALUES ('ostersund-2019', " +
        quoted("Studiebesök i Östersund") +
        ", 'study_visit', 'in_person', 'published', 'Europe/Stockholm', true, '2019-09-04', '2019-09-05', " +
        quoted("Östersund") + ", 'SE', (SELECT id FROM organisations WHERE slug = 'forum'))");
    // A draft of Forum's, the same day as Integrationsforum.
    db.exec(
        "INSERT INTO events (slug, title, kind, format, status, timezone, starts_at, ends_at, venue_city, "
        "organiser_id) VALUES ('forum-utkast', 'Utkast', 'seminar', 'in_person', 'draft', 'Europe/Stockholm', "
        "'2020-11-26T08:00:00Z', '2020-11-26T15:00:00Z', 'Stockholm', (SELECT id FROM organisations WHERE slug = "
        "'forum'))");
  }

  std::string organiser_key(const std::string& slug) {
    std::string key = "evk_test_" + slug + "_0123456789abcdef";
    server.database().exec(
        "INSERT INTO api_keys (name, key_hash, key_prefix, role, organisation_id) VALUES ('test', decode('" +
        eventd::db::sha256_hex(key) + "', 'hex'), 'evk_', 'organiser', (SELECT id FROM organisations WHERE slug = '" +
        slug + "'))");
    return key;
  }

  std::string organisation_id(const std::string& slug) {
    return server.database().scalar("SELECT id::text FROM organisations WHERE slug = '" + slug + "'");
  }
  std::string event_id(const std::string& slug) {
    return server.database().scalar("SELECT id::text FROM events WHERE slug = '" + slug + "'");
  }

  HttpResponse post(const std::string& target, const json& body, const std::string& key) {
    return server.request("POST", target, body.dump(), bearer(key));
  }
  HttpResponse patch(const std::string& target, const json& body, const HeaderList& headers) {
    return server.request("PATCH", target, body.dump(), with(headers, "Content-Type", "application/merge-patch+json"));
  }

  // POST every speaker of api/examples/speakers.json (as admin).
  void seed_speakers() {
    for (const auto& speaker : read_json_file(EVENTD_SOURCE_DIR "/api/examples/speakers.json")) {
      auto created = post("/v1/speakers", speaker, admin);
      REQUIRE_MESSAGE(created.status == 201, created.body);
      speaker_ids[speaker["slug"]] = created.json()["id"];
    }
  }

  // POST the sessions of api/examples/events/<name>.json to the event `slug`.
  std::vector<json> seed_sessions(const std::string& name, const std::string& slug, const std::string& key) {
    std::vector<json> created;
    auto file = read_json_file(std::string(EVENTD_SOURCE_DIR "/api/examples/events/") + name + ".json");
    for (const auto& session : file["sessions"]) {
      auto response = post("/v1/events/" + slug + "/sessions", session, key);
      REQUIRE_MESSAGE(response.status == 201, response.body);
      created.push_back(response.json());
    }
    return created;
  }
};

}  // namespace eventd::test::programme
