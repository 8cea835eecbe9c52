#pragma once
// Forum's exchange visit to Östersund, in a year to come (the seed study trip, issue 21): an
// organisation with its organiser key, another organisation's key, and the published trip,
// inserted with SQL (the catalogue has its own tests). Shared by the tests of delegations,
// tasks and passport details.
#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "db/migrations.hpp"
#include "support/test_server.hpp"

namespace eventd::test {

inline HeaderList bearer(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }
inline HeaderList json_as(const std::string& key) {
  return {{"Authorization", "Bearer " + key}, {"Content-Type", "application/json"}};
}

struct Trip {
  TestServer server;
  std::string forum_key;
  std::string other_key;  // of Fyrbodal, which organises nothing here
  std::string event_id;
  std::string base = "/v1/events/ostersund-utbyte";

  explicit Trip(int capacity = 40, bool waitlist = true, ServerSettings settings = {}) : server(std::move(settings)) {
    server.database().exec("INSERT INTO organisations (slug, name, kind) VALUES ('forum', " +
                           quoted("Forum – idéburna organisationer med social inriktning") +
                           ", 'civil_society'), ('fyrbodal', " + quoted("Fyrbodals kommunalförbund") + ", 'region')");
    forum_key = organiser_key("forum");
    other_key = organiser_key("fyrbodal");
    event_id = create_event("ostersund-utbyte", capacity, waitlist);
  }

  static std::string quoted(const std::string& text) { return "$q$" + text + "$q$"; }

  std::string organiser_key(const std::string& slug) {
    std::string key = "evk_test_" + slug + "_0123456789abcdef";
    server.database().exec(
        "INSERT INTO api_keys (name, key_hash, key_prefix, role, organisation_id) VALUES ('test', decode('" +
        db::sha256_hex(key) + "', 'hex'), 'evk_', 'organiser', (SELECT id FROM organisations WHERE slug = '" + slug +
        "'))");
    return key;
  }

  // 4–5 September, Stockholm time, in English (its messages are).
  std::string create_event(const std::string& slug, int capacity, bool waitlist) {
    server.database().exec(
        "INSERT INTO events (slug, title, kind, format, status, timezone, starts_at, ends_at, venue_city, "
        "venue_country, capacity, waitlist, organiser_id, language) VALUES ('" +
        slug + "', " + quoted("Utbytesresa till Östersund") +
        ", 'study_visit', 'in_person', 'published', 'Europe/Stockholm', '2035-09-04T06:00:00Z', "
        "'2035-09-05T16:00:00Z', " +
        quoted("Östersund") + ", 'SE', " + std::to_string(capacity) + ", " + (waitlist ? "true" : "false") +
        ", (SELECT id FROM organisations WHERE slug = 'forum'), 'en')");
    return server.database().scalar("SELECT id::text FROM events WHERE slug = '" + slug + "'");
  }

  // A POST with the organiser's key; anything but `expected` stops the test.
  nlohmann::json post(const std::string& path, const nlohmann::json& body, int expected = 201) {
    auto response = server.request("POST", path, body.dump(), json_as(forum_key));
    REQUIRE_MESSAGE(response.status == expected, path << ": " << response.body);
    return response.json();
  }
  nlohmann::json create_delegation(const nlohmann::json& body, int expected = 201) {
    return post(base + "/delegations", body, expected);
  }

  HttpResponse sign_up(TestServer& via, const std::string& name, const std::string& email,
                       const std::optional<std::string>& delegation) {
    nlohmann::json body = {{"name", name}, {"email", email}, {"consent", true}};
    if (delegation) body["delegation_id"] = *delegation;
    return via.request("POST", base + "/registrations", body.dump(), {{"Content-Type", "application/json"}});
  }
  nlohmann::json registered(const std::string& name, const std::string& email,
                            const std::optional<std::string>& delegation) {
    auto response = sign_up(server, name, email, delegation);
    REQUIRE_MESSAGE(response.status == 201, response.body);
    return response.json();
  }

  std::string sql(const std::string& query) { return server.database().scalar(query); }
};

}  // namespace eventd::test
