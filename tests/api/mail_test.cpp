// E-mail over a real SMTP server on loopback (tests/tools/smtp_sink.py): each message kind
// read back by Python's email parser and its invitation by icalendar+vobject; the outbox
// listing; an SMTP outage during a burst; two instances sending from one outbox.
#include <doctest/doctest.h>

#include <chrono>
#include <set>
#include <thread>

#include "db/migrations.hpp"
#include "support/ics_check.hpp"
#include "support/smtp_sink.hpp"
#include "support/test_server.hpp"

using namespace eventd::test;
using nlohmann::json;

namespace {

using namespace std::chrono_literals;

HeaderList bearer(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }
std::string quoted(const std::string& text) { return "$q$" + text + "$q$"; }

const std::string kTitle = "Migration och integration i Fyrbodal";

// An organisation with an organiser key, and published events inserted with SQL.
struct MailFixture {
  TestServer server;
  std::string key;
  std::string other_key;

  explicit MailFixture(ServerSettings settings) : server(std::move(settings)) {
    server.database().exec("INSERT INTO organisations (slug, name, kind) VALUES ('fyrbodal', " +
                           quoted("Fyrbodals kommunalförbund") + ", 'region'), ('forum', 'Forum', 'civil_society')");
    key = organiser_key("fyrbodal");
    other_key = organiser_key("forum");
  }

  std::string organiser_key(const std::string& slug) {
    std::string k = "evk_test_" + slug + "_0123456789abcdef";
    server.database().exec(
        "INSERT INTO api_keys (name, key_hash, key_prefix, role, organisation_id) VALUES ('test', decode('" +
        eventd::db::sha256_hex(k) + "', 'hex'), 'evk_', 'organiser', (SELECT id FROM organisations WHERE slug = '" +
        slug + "'))");
    return k;
  }

  void create_event(const std::string& slug, int capacity, const std::string& language) {
    server.database().exec(
        "INSERT INTO events (slug, title, language, kind, format, status, timezone, starts_at, ends_at, venue_city, "
        "venue_country, capacity, waitlist, organiser_id) VALUES ('" +
        slug + "', " + quoted(kTitle) + ", '" + language +
        "', 'seminar', 'in_person', 'published', 'Europe/Stockholm', '2035-11-08T08:00:00Z', "
        "'2035-11-08T14:30:00Z', " +
        quoted("Vänersborg") + ", 'SE', " + std::to_string(capacity) +
        ", true, (SELECT id FROM organisations WHERE slug = 'fyrbodal'))");
  }

  HttpResponse register_as(const std::string& slug, const std::string& name, const std::string& email) {
    json body = {{"name", name}, {"email", email}, {"consent", true}};
    return server.request("POST", "/v1/events/" + slug + "/registrations", body.dump(),
                          {{"Content-Type", "application/json"}});
  }

  HttpResponse patch_event(const std::string& slug, const json& patch) {
    auto current = server.get("/v1/events/" + slug, bearer(key));
    auto headers = bearer(key);
    headers.emplace_back("Content-Type", "application/merge-patch+json");
    headers.emplace_back("If-Match", current.header("ETag"));
    return server.request("PATCH", "/v1/events/" + slug, patch.dump(), headers);
  }

  std::string sql(const std::string& query) { return server.database().scalar(query); }
};

std::vector<json> read_all(const SmtpSink& sink) {
  std::vector<json> out;
  for (const auto& path : sink.messages()) out.push_back(read_mail(path));
  return out;
}

// The one message to `email` whose subject starts with `subject`; fails the test otherwise.
json find_mail(const std::vector<json>& mails, const std::string& email, const std::string& subject) {
  std::vector<json> found;
  for (const auto& m : mails) {
    if (m.contains("to") && m["to"].is_object() && m["to"]["email"] == email &&
        m["subject"].get<std::string>().rfind(subject, 0) == 0) {
      found.push_back(m);
    }
  }
  INFO("to ", email, ": ", subject);
  REQUIRE(found.size() == 1);
  return found.front();
}

// What every message must be: parsed without defects, ASCII headers (UTF-8 as encoded
// words), our sender, plain text and HTML alternatives.
void check_common(const json& m, const std::string& name, const std::string& email) {
  INFO(m.dump().substr(0, 2000));
  CHECK(m["parse_status"] == 0);
  CHECK(m["defects"].empty());
  CHECK(m["headers_ascii"] == true);
  CHECK(m["mime_version"] == "1.0");
  CHECK(m["from"]["email"] == "noreply@eventd.test");
  CHECK(m["from"]["name"] == "Eventd Test");
  CHECK(m["to"]["name"] == name);
  CHECK(m["envelope_to"] == email);
  CHECK(m["text_charset"] == "utf-8");
  CHECK(m["html"].get<std::string>().find("<html") != std::string::npos);
}

// The attached invitation: the method in its Content-Type and in the calendar, and
// accepted by the independent parsers.
void check_invitation(const json& m, const std::string& method, const std::string& email) {
  REQUIRE(m["calendar"].is_object());
  CHECK(m["structure"] ==
        json::array({"multipart/mixed", "multipart/alternative", "text/plain", "text/html", "text/calendar"}));
  CHECK(m["calendar"]["method"] == method);
  CHECK(m["calendar"]["filename"] == "invite.ics");
  const std::string ics = m["calendar"]["content"];
  CHECK(unfold(ics).find("METHOD:" + method) != std::string::npos);
  CHECK(unfold(ics).find("mailto:" + email) != std::string::npos);
  auto checked = run_ics_checker(ics);
  INFO(checked.output);
  CHECK(checked.status == 0);
}

}  // namespace

TEST_CASE("mail: every message of a registration's life and of the organiser's changes arrives, well formed") {
  SmtpSink sink;
  ServerSettings settings;
  settings.smtp_url = sink.url();
  MailFixture f(settings);
  f.create_event("seminarium", 1, "sv");
  f.create_event("seminar-en", 5, "en");

  auto first = f.register_as("seminarium", "Göran Pettersson", "goran@example.se");
  REQUIRE(first.status == 201);
  const std::string manage_token = first.json()["manage_token"];
  const std::string feed_url = first.json()["feed_url"];
  REQUIRE(f.register_as("seminarium", "Åsa Öberg", "asa@example.se").status == 201);
  REQUIRE(f.register_as("seminar-en", "Zoë Smith", "zoe@example.org").status == 201);
  REQUIRE(sink.wait_for(3, 15s) == 3);

  auto mails = read_all(sink);
  auto confirmed = find_mail(mails, "goran@example.se", "Anmälan bekräftad: " + kTitle);
  check_common(confirmed, "Göran Pettersson", "goran@example.se");
  check_invitation(confirmed, "REQUEST", "goran@example.se");
  const std::string text = confirmed["text"];
  CHECK(text.find("Hej Göran Pettersson!") != std::string::npos);
  CHECK(text.find(manage_token) != std::string::npos);
  CHECK(text.find(feed_url) != std::string::npos);
  CHECK(text.find("2035-11-08 09:00–15:30 (Europe/Stockholm)") != std::string::npos);
  CHECK(confirmed["html"].get<std::string>().find("<a href=\"" + feed_url + "\">") != std::string::npos);

  auto waitlisted = find_mail(mails, "asa@example.se", "Du står på väntelistan: " + kTitle);
  check_common(waitlisted, "Åsa Öberg", "asa@example.se");
  CHECK(waitlisted["structure"] == json::array({"multipart/alternative", "text/plain", "text/html"}));
  CHECK(waitlisted["text"].get<std::string>().find("plats 1") != std::string::npos);

  auto english = find_mail(mails, "zoe@example.org", "Registration confirmed: " + kTitle);
  check_common(english, "Zoë Smith", "zoe@example.org");
  check_invitation(english, "REQUEST", "zoe@example.org");

  // Göran cancels: his CANCEL, and Åsa's seat.
  auto cancelled = f.server.request("DELETE", "/v1/registrations/" + first.json()["id"].get<std::string>(), "",
                                    bearer(manage_token));
  REQUIRE(cancelled.status == 204);
  REQUIRE(sink.wait_for(5, 15s) == 5);
  mails = read_all(sink);
  auto cancel = find_mail(mails, "goran@example.se", "Avbokad: " + kTitle);
  check_common(cancel, "Göran Pettersson", "goran@example.se");
  check_invitation(cancel, "CANCEL", "goran@example.se");
  auto promoted = find_mail(mails, "asa@example.se", "Du har fått en plats: " + kTitle);
  check_common(promoted, "Åsa Öberg", "asa@example.se");
  check_invitation(promoted, "REQUEST", "asa@example.se");

  // The organiser moves the event an hour: the confirmed participant gets the new invitation.
  REQUIRE(f.patch_event("seminarium", {{"starts_at", "2035-11-08T09:00:00Z"}, {"ends_at", "2035-11-08T15:30:00Z"}})
              .status == 200);
  REQUIRE(sink.wait_for(6, 15s) == 6);
  mails = read_all(sink);
  auto changed = find_mail(mails, "asa@example.se", "Ändrat: " + kTitle);
  check_common(changed, "Åsa Öberg", "asa@example.se");
  check_invitation(changed, "REQUEST", "asa@example.se");
  CHECK(changed["text"].get<std::string>().find("2035-11-08 10:00–16:30") != std::string::npos);
  CHECK(unfold(changed["calendar"]["content"]).find("SEQUENCE:1") != std::string::npos);

  // ... and cancels it.
  REQUIRE(f.patch_event("seminarium", {{"status", "cancelled"}}).status == 200);
  REQUIRE(sink.wait_for(7, 15s) == 7);
  mails = read_all(sink);
  auto called_off = find_mail(mails, "asa@example.se", "Inställt: " + kTitle);
  check_common(called_off, "Åsa Öberg", "asa@example.se");
  check_invitation(called_off, "CANCEL", "asa@example.se");

  // The organiser's view: six messages of the Swedish event, all sent once, no text kept.
  auto listed = f.server.get("/v1/events/seminarium/messages", bearer(f.key));
  REQUIRE(listed.status == 200);
  auto items = listed.json()["items"];
  REQUIRE(items.size() == 6);
  std::vector<std::string> kinds;
  for (const auto& item : items) {
    kinds.push_back(item["kind"]);
    CHECK(item["state"] == "sent");
    CHECK(item["attempts"] == 1);
    CHECK(item["language"] == "sv");
  }
  CHECK(kinds == std::vector<std::string>{"registration_confirmed", "registration_waitlisted", "registration_cancelled",
                                          "registration_promoted", "event_changed", "event_cancelled"});
  CHECK(items[0]["recipient"]["name"] == "Göran Pettersson");
  CHECK(f.sql("SELECT count(*) FROM mail_outbox WHERE message IS NOT NULL") == "0");
  CHECK(f.sql("SELECT count(*) FROM mail_attempts WHERE outcome = 'sent'") == "7");
  std::this_thread::sleep_for(300ms);
  CHECK(sink.messages().size() == 7);
}

TEST_CASE("mail: without SMTP the outbox fills and the organiser reads it; erasure empties it") {
  MailFixture f(ServerSettings{});
  f.create_event("seminarium", 10, "sv");
  auto created = f.register_as("seminarium", "Göran Pettersson", "goran@example.se");
  REQUIRE(created.status == 201);

  auto listed = f.server.get("/v1/events/seminarium/messages", bearer(f.key));
  REQUIRE(listed.status == 200);
  auto items = listed.json()["items"];
  REQUIRE(items.size() == 1);
  CHECK(items[0]["kind"] == "registration_confirmed");
  CHECK(items[0]["state"] == "pending");
  CHECK(items[0]["attempts"] == 0);
  CHECK(items[0]["recipient"] == json{{"name", "Göran Pettersson"}, {"email", "goran@example.se"}});
  CHECK(items[0]["subject"] == "Anmälan bekräftad: " + kTitle);
  CHECK(items[0]["registration_id"] == created.json()["id"]);
  CHECK(listed.json()["next_cursor"].is_null());
  CHECK(f.server.get("/v1/events/seminarium/messages?state=sent", bearer(f.key)).json()["items"].empty());
  CHECK(f.server.get("/v1/events/seminarium/messages?state=nonsense", bearer(f.key)).status == 400);
  CHECK(f.server.get("/v1/events/seminarium/messages").status == 401);
  CHECK(f.server.get("/v1/events/seminarium/messages", bearer(f.other_key)).status == 403);
  CHECK(f.server.get("/v1/events/no-such-event/messages", bearer(f.key)).status == 404);

  // A second registration and paging by cursor.
  REQUIRE(f.register_as("seminarium", "Åsa Öberg", "asa@example.se").status == 201);
  auto page = f.server.get("/v1/events/seminarium/messages?limit=1", bearer(f.key)).json();
  REQUIRE(page["items"].size() == 1);
  REQUIRE(page["next_cursor"].is_string());
  auto next =
      f.server
          .get("/v1/events/seminarium/messages?limit=1&cursor=" + page["next_cursor"].get<std::string>(), bearer(f.key))
          .json();
  REQUIRE(next["items"].size() == 1);
  CHECK(next["items"][0]["recipient"]["name"] == "Åsa Öberg");

  // Erasure: Göran's pending message is never sent and nothing of him stays in the outbox.
  const std::string token = created.json()["manage_token"];
  REQUIRE(f.server
              .request("DELETE", "/v1/registrations/" + created.json()["id"].get<std::string>() + "?erase=true", "",
                       bearer(token))
              .status == 204);
  CHECK(f.sql("SELECT count(*) FROM mail_outbox WHERE recipient_email = 'goran@example.se' OR message LIKE "
              "'%Pettersson%' OR recipient_name LIKE '%Göran%'") == "0");
  auto after = f.server.get("/v1/events/seminarium/messages?state=erased", bearer(f.key)).json()["items"];
  REQUIRE(after.size() == 1);
  CHECK(after[0]["recipient"].is_null());
}

TEST_CASE("mail: an SMTP outage during a burst of registrations loses nothing and sends nothing twice") {
  SmtpSink sink;
  sink.stop();  // down before the first message
  ServerSettings settings;
  settings.smtp_url = sink.url();
  MailFixture f(settings);
  f.create_event("seminarium", 100, "sv");
  constexpr int kBurst = 20;
  for (int i = 0; i < kBurst; ++i) {
    REQUIRE(
        f.register_as("seminarium", "Deltagare " + std::to_string(i), "p" + std::to_string(i) + "@example.se").status ==
        201);
  }
  // Attempts fail and are recorded while the server is down.
  for (int i = 0; i < 100 && f.sql("SELECT count(*) FROM mail_attempts WHERE outcome = 'failed'") == "0"; ++i) {
    std::this_thread::sleep_for(50ms);
  }
  REQUIRE(f.sql("SELECT count(*) FROM mail_attempts WHERE outcome = 'failed'") != "0");
  CHECK(f.sql("SELECT count(*) FROM mail_outbox WHERE state = 'pending'") == std::to_string(kBurst));
  CHECK(f.sql("SELECT count(*) FROM mail_outbox WHERE last_error IS NOT NULL") != "0");

  sink.start();
  CHECK(sink.wait_for(kBurst, 20s) == kBurst);
  std::this_thread::sleep_for(500ms);  // a duplicate would arrive by now
  auto mails = read_all(sink);
  CHECK(mails.size() == kBurst);
  std::set<std::string> ids, recipients;
  for (const auto& m : mails) {
    ids.insert(m["message_id"].get<std::string>());
    recipients.insert(m["envelope_to"].get<std::string>());
  }
  CHECK(ids.size() == kBurst);
  CHECK(recipients.size() == kBurst);
  CHECK(f.sql("SELECT count(*) FROM mail_outbox WHERE state = 'sent'") == std::to_string(kBurst));
  CHECK(f.sql("SELECT count(*) FROM mail_attempts WHERE outcome = 'sent'") == std::to_string(kBurst));
}

TEST_CASE("mail: two instances sending from one outbox send each message once") {
  SmtpSink sink;
  ServerSettings settings;
  settings.smtp_url = sink.url();
  settings.mail_poll_ms = "10";
  MailFixture f(settings);
  ServerSettings second_settings = settings;
  second_settings.database_url = f.server.database().url();
  TestServer second(second_settings);
  f.create_event("seminarium", 100, "sv");
  constexpr int kBurst = 20;
  for (int i = 0; i < kBurst; ++i) {
    json body = {{"name", "Deltagare " + std::to_string(i)},
                 {"email", "p" + std::to_string(i) + "@example.se"},
                 {"consent", true}};
    auto& server = i % 2 == 0 ? f.server : second;
    REQUIRE(
        server
            .request("POST", "/v1/events/seminarium/registrations", body.dump(), {{"Content-Type", "application/json"}})
            .status == 201);
  }
  CHECK(sink.wait_for(kBurst, 20s) == kBurst);
  std::this_thread::sleep_for(500ms);
  auto mails = read_all(sink);
  CHECK(mails.size() == kBurst);
  std::set<std::string> ids;
  for (const auto& m : mails) ids.insert(m["message_id"].get<std::string>());
  CHECK(ids.size() == kBurst);
  CHECK(f.sql("SELECT count(*) FROM mail_attempts") == std::to_string(kBurst));
}
