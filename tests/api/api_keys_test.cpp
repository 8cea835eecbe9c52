// /v1/api-keys and `eventd keys create`: keys shown once, stored as hashes, revoked at once,
// admin only.
#include <doctest/doctest.h>

#include <set>

#include "support/process.hpp"
#include "support/test_server.hpp"

using namespace eventd::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

HeaderList bearer(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }
HeaderList admin(const TestServer& server) { return bearer(server.settings().admin_key); }

HttpResponse create_key(TestServer& server, const json& body, const HeaderList& headers) {
  return server.request("POST", "/v1/api-keys", body.dump(), headers);
}

void create_forum(TestServer& server) {
  auto forum = server.request("POST", "/v1/organisations",
                              json{{"slug", "forum"},
                                   {"name", "Forum – idéburna organisationer med social inriktning"},
                                   {"kind", "civil_society"}}
                                  .dump(),
                              admin(server));
  REQUIRE(forum.status == 201);
}

std::set<std::string> error_fields(const HttpResponse& response) {
  std::set<std::string> fields;
  auto body = response.json();  // a named copy: range-for would not keep the temporary alive
  for (const auto& e : body["errors"]) fields.insert(e["field"].get<std::string>());
  return fields;
}

// The line of a process's output that holds the key (stdout and stderr share the pipe).
std::string key_line(const std::string& output) {
  std::string::size_type start = 0;
  while (start < output.size()) {
    auto end = output.find('\n', start);
    auto line = output.substr(start, end - start);
    if (line.starts_with("evk_")) return line;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return "";
}

}  // namespace

TEST_CASE("api keys: created by an admin, shown once, stored only as a hash") {
  TestServer server;
  create_forum(server);
  auto forum_id = server.get("/v1/organisations/forum").json()["id"];

  auto created = create_key(
      server, {{"name", "Forum – evenemangsredaktionen"}, {"role", "organiser"}, {"organisation_id", "forum"}},
      admin(server));
  REQUIRE_MESSAGE(created.status == 201, created.body);
  CHECK(created.header("Cache-Control") == "no-store");
  auto body = created.json();
  std::string key = body["key"];
  CHECK(key.starts_with("evk_"));
  CHECK(key.size() == 4 + 43);
  CHECK(body["name"] == "Forum – evenemangsredaktionen");
  CHECK(body["role"] == "organiser");
  CHECK(body["organisation_id"] == forum_id);  // the id, though a slug was given
  CHECK(body["key_prefix"] == key.substr(0, 8));
  CHECK(body["created_at"].get<std::string>().ends_with("Z"));
  CHECK(body["last_used_at"].is_null());
  CHECK(body["revoked_at"].is_null());
  CHECK(body.size() == 9);

  // Only the hash: no column of any key row holds the key, and the hash is its SHA-256.
  auto& db = server.database();
  CHECK(db.scalar("SELECT count(*) FROM api_keys WHERE strpos(row_to_json(api_keys)::text, '" + key + "') > 0") == "0");
  CHECK(db.scalar("SELECT count(*) FROM api_keys WHERE strpos(row_to_json(api_keys)::text, '" + key.substr(8) +
                  "') > 0") == "0");
  CHECK(db.scalar("SELECT key_hash = sha256(convert_to('" + key + "', 'UTF8')) FROM api_keys") == "t");

  // The organiser key works for what organisers may do, and is refused admin routes.
  HeaderList organiser = bearer(key);
  CHECK(server.get("/v1/organisations", organiser).status == 200);
  auto refused = create_key(server, {{"name", "mine"}, {"role", "admin"}}, organiser);
  CHECK(refused.status == 403);
  CHECK(refused.header("Content-Type") == "application/problem+json");
  CHECK(server.get("/v1/api-keys", organiser).status == 403);
  CHECK(server.request("DELETE", "/v1/api-keys/" + body["id"].get<std::string>(), "", organiser).status == 403);

  // An admin key made through the API is a full admin.
  auto second_admin =
      create_key(server, {{"name", "ops"}, {"role", "admin"}, {"organisation_id", nullptr}}, admin(server));
  REQUIRE(second_admin.status == 201);
  CHECK(second_admin.json()["organisation_id"].is_null());
  std::string admin_key = second_admin.json()["key"];
  auto list = server.get("/v1/api-keys", bearer(admin_key));
  REQUIRE(list.status == 200);
  CHECK(list.header("Cache-Control") == "no-store");
  auto items = list.json()["items"];
  REQUIRE(items.size() == 2);
  CHECK(list.json()["next_cursor"].is_null());
  // Oldest first, never the key itself.
  CHECK(items[0]["id"] == body["id"]);
  CHECK(items[1]["id"] == second_admin.json()["id"]);
  for (const auto& item : items) CHECK_FALSE(item.contains("key"));
  CHECK(list.body.find(key) == std::string::npos);
  CHECK(list.body.find(admin_key) == std::string::npos);
  CHECK(items[0]["key_prefix"] == key.substr(0, 8));
  auto first = items[0];
  first.erase("last_used_at");
  auto created_record = body;
  created_record.erase("key");
  created_record.erase("last_used_at");
  CHECK(first == created_record);
}

TEST_CASE("api keys: revoking takes effect at once") {
  TestServer server;
  auto created = create_key(server, {{"name", "temporary"}, {"role", "admin"}}, admin(server));
  REQUIRE(created.status == 201);
  std::string key = created.json()["key"];
  std::string id = created.json()["id"];
  CHECK(server.get("/v1/api-keys", bearer(key)).status == 200);

  CHECK(server.request("DELETE", "/v1/api-keys/" + id, "", admin(server)).status == 204);
  auto refused = server.get("/v1/api-keys", bearer(key));
  CHECK(refused.status == 401);
  CHECK(refused.header("WWW-Authenticate") == "Bearer");
  // Also on public reads.
  CHECK(server.get("/v1/organisations", bearer(key)).status == 401);
  CHECK(server.get("/v1/organisations").status == 200);

  // It stays in the list, marked; revoking again changes nothing.
  auto list = server.get("/v1/api-keys", admin(server)).json()["items"];
  REQUIRE(list.size() == 1);
  auto revoked_at = list[0]["revoked_at"];
  CHECK(revoked_at.is_string());
  CHECK(server.request("DELETE", "/v1/api-keys/" + id, "", admin(server)).status == 204);
  CHECK(server.get("/v1/api-keys", admin(server)).json()["items"][0]["revoked_at"] == revoked_at);

  CHECK(server.request("DELETE", "/v1/api-keys/00000000-0000-4000-8000-000000000000", "", admin(server)).status == 404);
  CHECK(server.request("DELETE", "/v1/api-keys/not-a-uuid", "", admin(server)).status == 404);
  // A revoked key cannot revoke.
  CHECK(server.request("DELETE", "/v1/api-keys/" + id, "", bearer(key)).status == 401);
}

TEST_CASE("api keys: anonymous callers and bad keys are 401 on every admin route") {
  TestServer server;
  for (const auto& headers : {HeaderList{}, bearer("evk_unknown"), HeaderList{{"Authorization", "Bearer"}},
                              HeaderList{{"Authorization", "Token abc"}}}) {
    auto post = create_key(server, {{"name", "x"}, {"role", "admin"}}, headers);
    CHECK(post.status == 401);
    CHECK(post.header("WWW-Authenticate") == "Bearer");
    CHECK(server.get("/v1/api-keys", headers).status == 401);
    CHECK(server.request("DELETE", "/v1/api-keys/00000000-0000-4000-8000-000000000000", "", headers).status == 401);
  }
  CHECK(server.database().scalar("SELECT count(*) FROM api_keys") == "0");
}

TEST_CASE("api keys: invalid requests are 422 naming the fields, 415, 400") {
  TestServer server;
  create_forum(server);
  auto no_organisation = create_key(server, {{"name", "x"}, {"role", "organiser"}}, admin(server));
  CHECK(no_organisation.status == 422);
  CHECK(error_fields(no_organisation) == std::set<std::string>{"organisation_id"});

  auto unknown_organisation =
      create_key(server, {{"name", "x"}, {"role", "organiser"}, {"organisation_id", "nobody"}}, admin(server));
  CHECK(unknown_organisation.status == 422);
  CHECK(error_fields(unknown_organisation) == std::set<std::string>{"organisation_id"});
  CHECK(create_key(server,
                   {{"name", "x"}, {"role", "organiser"}, {"organisation_id", "00000000-0000-4000-8000-000000000000"}},
                   admin(server))
            .status == 422);

  auto admin_with_organisation =
      create_key(server, {{"name", "x"}, {"role", "admin"}, {"organisation_id", "forum"}}, admin(server));
  CHECK(admin_with_organisation.status == 422);
  CHECK(error_fields(admin_with_organisation) == std::set<std::string>{"organisation_id"});

  auto many = create_key(server, {{"role", "root"}, {"organisation_id", 7}, {"key", "evk_mine"}}, admin(server));
  CHECK(many.status == 422);
  CHECK(error_fields(many) == std::set<std::string>{"name", "role", "organisation_id", "key"});

  CHECK(error_fields(create_key(server, {{"name", std::string(201, 'x')}, {"role", "admin"}}, admin(server))) ==
        std::set<std::string>{"name"});
  CHECK(create_key(server, {{"name", std::string(200, 'x')}, {"role", "admin"}}, admin(server)).status == 201);
  CHECK(error_fields(create_key(server, {{"name", ""}, {"role", "admin"}}, admin(server))) ==
        std::set<std::string>{"name"});
  // Every fault at once: the name, the unknown organisation and an unknown member.
  auto all = create_key(server, {{"name", ""}, {"role", "organiser"}, {"organisation_id", "nobody"}, {"scope", "x"}},
                        admin(server));
  CHECK(all.status == 422);
  CHECK_MESSAGE((error_fields(all) == std::set<std::string>{"name", "organisation_id", "scope"}), all.body);
  CHECK(all.json()["errors"].size() == 3);

  CHECK(server
            .request("POST", "/v1/api-keys", R"({"name":"x","role":"admin"})",
                     {{"Authorization", "Bearer " + server.settings().admin_key}, {"Content-Type", "text/plain"}})
            .status == 415);
  CHECK(server.request("POST", "/v1/api-keys", R"({"name":"x",)", admin(server)).status == 400);
  CHECK(server.database().scalar("SELECT count(*) FROM api_keys") == "1");
}

TEST_CASE("api keys: the list is paged, oldest first") {
  TestServer server;
  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i) {
    auto created = create_key(server, {{"name", "key " + std::to_string(i)}, {"role", "admin"}}, admin(server));
    REQUIRE(created.status == 201);
    ids.push_back(created.json()["id"]);
  }
  std::vector<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    auto response = server.get("/v1/api-keys?limit=3" + (cursor.empty() ? "" : "&cursor=" + cursor), admin(server));
    REQUIRE(response.status == 200);
    auto body = response.json();
    for (const auto& item : body["items"]) seen.push_back(item["id"]);
    if (page == 0) {  // a key made between pages comes last, on a later page
      auto late = create_key(server, {{"name", "late"}, {"role", "admin"}}, admin(server));
      ids.push_back(late.json()["id"]);
    }
    if (body["next_cursor"].is_null()) break;
    cursor = body["next_cursor"];
  }
  CHECK(seen == ids);
  CHECK(server.get("/v1/api-keys?limit=0", admin(server)).status == 400);
  CHECK(server.get("/v1/api-keys?cursor=bm90LWEtdXVpZA", admin(server)).status == 400);
}

TEST_CASE("eventd keys create: prints a working key once, needs a migrated database") {
  TestDatabase database;
  std::map<std::string, std::string> env = {{"EVENTD_DATABASE_URL", database.url()}};

  // Not migrated: a clear error, no key.
  Process unmigrated({EVENTD_BINARY, "keys", "create", "--role", "admin"}, env);
  CHECK(unmigrated.wait(30s) == 1);
  CHECK(unmigrated.output().find("eventd migrate") != std::string::npos);
  CHECK(key_line(unmigrated.output()).empty());

  Process migrate({EVENTD_BINARY, "migrate"}, env);
  REQUIRE(migrate.wait(60s) == 0);

  Process admin_cmd({EVENTD_BINARY, "keys", "create", "--role", "admin", "--name", "första nyckeln"}, env);
  REQUIRE(admin_cmd.wait(30s) == 0);
  std::string admin_key = key_line(admin_cmd.output());
  REQUIRE(admin_key.size() == 4 + 43);
  CHECK(database.scalar("SELECT name FROM api_keys") == "första nyckeln");
  CHECK(database.scalar("SELECT count(*) FROM api_keys WHERE strpos(row_to_json(api_keys)::text, '" + admin_key +
                        "') > 0") == "0");

  // Organiser without an organisation, or with an unknown one: refused, saying why.
  Process no_organisation({EVENTD_BINARY, "keys", "create", "--role", "organiser"}, env);
  CHECK(no_organisation.wait(30s) == 1);
  CHECK(no_organisation.output().find("--organisation") != std::string::npos);
  Process bad_role({EVENTD_BINARY, "keys", "create", "--role", "root"}, env);
  CHECK(bad_role.wait(30s) != 0);

  ServeProcess eventd(database.url());  // no EVENTD_ADMIN_KEY: only the key just made
  auto list = http_request(eventd.port, "GET", "/v1/api-keys", "", bearer(admin_key));
  REQUIRE(list.status == 200);
  CHECK(list.json()["items"].size() == 1);
  auto forum =
      http_request(eventd.port, "POST", "/v1/organisations",
                   json{{"slug", "forum"}, {"name", "Forum"}, {"kind", "civil_society"}}.dump(), bearer(admin_key));
  REQUIRE(forum.status == 201);

  Process unknown({EVENTD_BINARY, "keys", "create", "--role", "organiser", "--organisation", "nobody"}, env);
  CHECK(unknown.wait(30s) == 1);
  CHECK(unknown.output().find("nobody") != std::string::npos);

  Process organiser_cmd({EVENTD_BINARY, "keys", "create", "--role", "organiser", "--organisation", "forum"}, env);
  REQUIRE(organiser_cmd.wait(30s) == 0);
  std::string organiser_key = key_line(organiser_cmd.output());
  REQUIRE_FALSE(organiser_key.empty());
  CHECK(http_request(eventd.port, "GET", "/v1/organisations", "", bearer(organiser_key)).status == 200);
  CHECK(http_request(eventd.port, "GET", "/v1/api-keys", "", bearer(organiser_key)).status == 403);
  auto keys = http_request(eventd.port, "GET", "/v1/api-keys", "", bearer(admin_key)).json()["items"];
  REQUIRE(keys.size() == 2);
  CHECK(keys[1]["organisation_id"] == forum.json()["id"]);
  CHECK(keys[1]["role"] == "organiser");
}

TEST_CASE("api keys: GET /v1/api-keys/current names the calling key, never the key itself") {
  TestServer server;
  create_forum(server);
  const std::string forum_id = server.get("/v1/organisations/forum").json()["id"];

  // The admin key of the environment has no record: no id, and says where it comes from.
  auto env = server.get("/v1/api-keys/current", admin(server));
  REQUIRE_MESSAGE(env.status == 200, env.body);
  CHECK(env.header("Cache-Control") == "no-store");
  auto env_body = env.json();
  CHECK(env_body["from_environment"] == true);
  CHECK_FALSE(env_body.contains("id"));
  CHECK(env_body["role"] == "admin");
  CHECK(env_body["organisation_id"].is_null());

  auto created = create_key(
      server, {{"name", "Forum – redaktionen"}, {"role", "organiser"}, {"organisation_id", "forum"}}, admin(server));
  REQUIRE(created.status == 201);
  auto created_body = created.json();
  const std::string key = created_body["key"];

  auto own = server.get("/v1/api-keys/current", bearer(key));
  REQUIRE_MESSAGE(own.status == 200, own.body);
  auto body = own.json();
  CHECK(body["id"] == created_body["id"]);
  CHECK(body["name"] == "Forum – redaktionen");
  CHECK(body["role"] == "organiser");
  CHECK(body["organisation_id"] == forum_id);
  CHECK(body["key_prefix"] == created_body["key_prefix"]);
  CHECK(body["from_environment"] == false);
  // Every single-resource answer carries its tag, the create's and this one.
  CHECK(created.header("ETag").starts_with("\""));
  CHECK(own.header("ETag").starts_with("\""));
  CHECK_FALSE(body.contains("key"));
  CHECK(own.body.find(key) == std::string::npos);

  // No key, a token that is no API key (a participant's manage token, a person token), a
  // revoked key: 401.
  CHECK(server.get("/v1/api-keys/current").status == 401);
  CHECK(server.get("/v1/api-keys/current", bearer("evm_" + std::string(43, 'A'))).status == 401);
  CHECK(server.get("/v1/api-keys/current", bearer("evu_" + std::string(43, 'A'))).status == 401);
  const std::string id = created_body["id"];
  REQUIRE(server.request("DELETE", "/v1/api-keys/" + id, "", admin(server)).status == 204);
  CHECK(server.get("/v1/api-keys/current", bearer(key)).status == 401);
}
