// E-mail over a real SMTP server on loopback (tests/tools/smtp_sink.py): each message kind
// read back by Python's email parser and its invitation by icalendar+vobject; the organiser's
// changes to every confirmed participant; media requests to the press contact and the
// journalist; the outbox listing; an SMTP outage during a burst; two instances sending from
// one outbox; STARTTLS/smtps with a CA made at test time, and certificates that must fail.
#include <doctest/doctest.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
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
const std::string kStreamUrl = "https://www.youtube.com/watch?v=fyrbodal-2035";
// Anita, the press officer, after a contact without an address and one with another role.
const std::string kContacts =
    "jsonb_build_array(jsonb_build_object('name', 'Kim Lind', 'role', 'moderator', 'phone', '+46 8 123 45'), "
    "jsonb_build_object('name', 'Ola Berg', 'role', 'projektledare', 'email', 'ola@fyrbodal.se'), "
    "jsonb_build_object('name', 'Anita Nilsson', 'role', 'pressansvarig', 'email', 'anita@fyrbodal.se'))";

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

  // An online event with a stream; `contacts_sql` is a jsonb expression (no JSON literal: the
  // statement's text must not contain colons, SOCI's placeholders).
  void create_streamed_event(const std::string& slug, const std::string& language, const std::string& media_policy,
                             const std::string& contacts_sql) {
    server.database().exec(
        "INSERT INTO events (slug, title, language, kind, format, status, timezone, starts_at, ends_at, "
        "online_platform, online_stream_url, online_access, organiser_id, contacts, media_policy) VALUES ('" +
        slug + "', " + quoted(kTitle) + ", '" + language +
        "', 'webinar', 'online', 'published', 'Europe/Stockholm', '2035-11-08T08:00:00Z', '2035-11-08T14:30:00Z', "
        "'YouTube', '" +
        kStreamUrl + "', 'on_request', (SELECT id FROM organisations WHERE slug = 'fyrbodal'), " + contacts_sql +
        ", '" + media_policy + "')");
  }

  HttpResponse ask_media(const std::string& slug, const std::string& name, const std::string& email,
                         const HeaderList& extra = {}) {
    json body = {{"name", name},
                 {"email", email},
                 {"outlet", "Sveriges Radio Ekot"},
                 {"message", "Vi vill göra ett inslag om seminariet."}};
    HeaderList headers{{"Content-Type", "application/json"}};
    for (const auto& h : extra) headers.push_back(h);
    return server.request("POST", "/v1/events/" + slug + "/media-requests", body.dump(), headers);
  }

  HttpResponse decide_media(const std::string& id, const json& decision) {
    auto headers = bearer(key);
    headers.emplace_back("Content-Type", "application/merge-patch+json");
    return server.request("PATCH", "/v1/media-requests/" + id, decision.dump(), headers);
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

// The messages to `email` whose subject starts with `subject`.
std::vector<json> mails_to(const std::vector<json>& mails, const std::string& email, const std::string& subject) {
  std::vector<json> found;
  for (const auto& m : mails) {
    if (m["envelope_to"] == email && m["subject"].get<std::string>().rfind(subject, 0) == 0) found.push_back(m);
  }
  return found;
}

bool mentions(const json& text, const std::string& what) {
  return text.is_string() && text.get<std::string>().find(what) != std::string::npos;
}

// The personal feed link in a message's text (http://host/v1/feeds/evp_.../calendar.ics); "" if none.
std::string feed_link_in(const std::string& text) {
  const auto start = text.find("http");
  for (auto at = start; at != std::string::npos; at = text.find("http", at + 1)) {
    const auto end = text.find_first_of(" \r\n)", at);
    const std::string url = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (url.find("/v1/feeds/evp_") != std::string::npos && url.ends_with("/calendar.ics")) return url;
  }
  return "";
}

std::string path_of(const std::string& url) { return url.substr(url.find("/v1/")); }

std::string file_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
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
  // python3-icalendar's reading (check_mail.py): the calendar's METHOD, one VEVENT for the
  // recipient.
  REQUIRE(m["ical"].is_object());
  CHECK(m["ical"]["method"] == method);
  REQUIRE(m["ical"]["events"].size() == 1);
  CHECK(m["ical"]["events"][0]["attendees"] == json::array({"mailto:" + email}));
}

// The one VEVENT of the attached invitation, as python3-icalendar reads it.
json invited(const json& m) {
  REQUIRE(m["ical"].is_object());
  REQUIRE(m["ical"]["events"].size() == 1);
  return m["ical"]["events"][0];
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
  const std::string confirmed_id = first.json()["id"];
  REQUIRE(f.register_as("seminarium", "Åsa Öberg", "asa@example.se").status == 201);
  REQUIRE(f.register_as("seminar-en", "Zoë Smith", "zoe@example.org").status == 201);
  REQUIRE(sink.wait_for(3, 15s) == 3);

  auto mails = read_all(sink);
  auto confirmed = find_mail(mails, "goran@example.se", "Anmälan bekräftad: " + kTitle);
  check_common(confirmed, "Göran Pettersson", "goran@example.se");
  check_invitation(confirmed, "REQUEST", "goran@example.se");
  const json first_invite = invited(confirmed);
  const std::string uid = first_invite["uid"];
  CHECK(first_invite["dtstart"] == "20351108T080000Z");
  CHECK(first_invite["dtend"] == "20351108T143000Z");
  CHECK(first_invite["status"] != "CANCELLED");
  const std::string text = confirmed["text"];
  CHECK(text.find("Hej Göran Pettersson!") != std::string::npos);
  // Links to pages, each with a single-use code; no key to send by hand.
  CHECK(text.find(manage_token) == std::string::npos);
  CHECK(text.find("Authorization") == std::string::npos);
  CHECK(text.find("/registrations/" + confirmed_id + "?code=evc_") != std::string::npos);
  CHECK(text.find("/me?code=evc_") != std::string::npos);
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
  CHECK(invited(cancel)["uid"] == uid);
  CHECK(invited(cancel)["status"] == "CANCELLED");
  CHECK(invited(cancel)["sequence"] > first_invite["sequence"]);
  auto promoted = find_mail(mails, "asa@example.se", "Du har fått en plats: " + kTitle);
  check_common(promoted, "Åsa Öberg", "asa@example.se");
  check_invitation(promoted, "REQUEST", "asa@example.se");
  CHECK(invited(promoted)["uid"] == uid);
  CHECK(invited(promoted)["sequence"] == first_invite["sequence"]);  // the event itself has not changed

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
  // The updated invitation, read by python3-icalendar: the same UID, a raised SEQUENCE (so
  // calendars replace the old one), the new times.
  const json changed_invite = invited(changed);
  CHECK(changed_invite["uid"] == uid);
  CHECK(changed_invite["sequence"] > first_invite["sequence"]);
  CHECK(changed_invite["dtstart"] == "20351108T090000Z");
  CHECK(changed_invite["dtend"] == "20351108T153000Z");
  CHECK(changed_invite["status"] != "CANCELLED");

  // ... and cancels it.
  REQUIRE(f.patch_event("seminarium", {{"status", "cancelled"}}).status == 200);
  REQUIRE(sink.wait_for(7, 15s) == 7);
  mails = read_all(sink);
  auto called_off = find_mail(mails, "asa@example.se", "Inställt: " + kTitle);
  check_common(called_off, "Åsa Öberg", "asa@example.se");
  check_invitation(called_off, "CANCEL", "asa@example.se");
  CHECK(invited(called_off)["uid"] == uid);
  CHECK(invited(called_off)["status"] == "CANCELLED");
  CHECK(invited(called_off)["sequence"] > changed_invite["sequence"]);

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

// The single-use code of the first link in a message's text (evc_ and base64url); "" if none.
std::string link_code_in(const std::string& text) {
  const auto at = text.find("evc_");
  if (at == std::string::npos) return "";
  auto end = at + 4;
  while (end < text.size() &&
         (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '-' || text[end] == '_')) {
    ++end;
  }
  return text.substr(at, end - at);
}

TEST_CASE("mail: a second sign-up with a registered address tells the stranger nothing and mails the holder") {
  SmtpSink sink;
  ServerSettings settings;
  settings.smtp_url = sink.url();
  MailFixture f(settings);
  f.create_event("seminarium", 10, "sv");
  f.create_event("seminar-en", 10, "en");

  auto first = f.register_as("seminarium", "Göran Pettersson", "goran@example.se");
  REQUIRE(first.status == 201);
  const std::string id = first.json()["id"];
  const std::string manage_token = first.json()["manage_token"];
  const std::string feed_url = first.json()["feed_url"];
  REQUIRE(sink.wait_for(1, 15s) == 1);

  // Someone else tries Göran's address (in other letters): a 409 with nothing of Göran's.
  auto again = f.register_as("seminarium", "Mallory", "GORAN@example.se");
  CHECK(again.status == 409);
  CHECK(again.header("Content-Type") == "application/problem+json");
  CHECK(again.header("Location").empty());
  for (const std::string& secret : {id, std::string("Göran"), manage_token, std::string("evm_"), feed_url}) {
    INFO(secret);
    CHECK(again.body.find(secret) == std::string::npos);
  }
  CHECK(f.sql("SELECT count(*) FROM registrations") == "1");

  // Göran gets the links to his registration again: a page, with a fresh single-use code.
  REQUIRE(sink.wait_for(2, 15s) == 2);
  auto mails = read_all(sink);
  auto resent = find_mail(mails, "goran@example.se", "Länken till din anmälan: " + kTitle);
  check_common(resent, "Göran Pettersson", "goran@example.se");
  CHECK(resent["structure"] == json::array({"multipart/alternative", "text/plain", "text/html"}));
  const std::string text = resent["text"];
  CHECK(text.find("Hej Göran Pettersson!") != std::string::npos);
  CHECK(text.find("/registrations/" + id + "?code=evc_") != std::string::npos);
  CHECK(text.find("evm_") == std::string::npos);
  const std::string resent_code = link_code_in(text);
  REQUIRE(resent_code.size() >= 4 + 43);
  CHECK(resent["html"].get<std::string>().find(resent_code) != std::string::npos);
  CHECK(f.sql("SELECT kind FROM mail_outbox ORDER BY seq DESC LIMIT 1") == "registration_link_resent");

  // Repeats within 15 minutes: the same answer, and no more mail (no flooding his inbox).
  for (int i = 0; i < 3; ++i) {
    auto repeat = f.register_as("seminarium", "Mallory", "goran@example.se");
    CHECK(repeat.status == 409);
    CHECK(repeat.body == again.body);
    CHECK(repeat.header("Location").empty());
  }
  CHECK(f.sql("SELECT count(*) FROM mail_outbox WHERE kind = 'registration_link_resent'") == "1");
  CHECK(f.sql("SELECT count(*) FROM registrations") == "1");
  // Later (the last resend 16 minutes ago) he may be sent it again, with another code.
  f.server.database().exec("UPDATE registrations SET link_resent_at = now() - interval '16 minutes'");
  CHECK(f.register_as("seminarium", "Mallory", "goran@example.se").body == again.body);
  CHECK(f.sql("SELECT count(*) FROM mail_outbox WHERE kind = 'registration_link_resent'") == "2");
  REQUIRE(sink.wait_for(3, 15s) == 3);
  std::string latest_code;
  for (const auto& m : mails_to(read_all(sink), "goran@example.se", "Länken till din anmälan")) {
    const std::string code = link_code_in(m["text"].get<std::string>());
    if (code != resent_code) latest_code = code;
  }
  REQUIRE_FALSE(latest_code.empty());

  // The code opens his registration once, as its holder (not the stranger's doing: it went to
  // his mailbox); the first manage key keeps working.
  const HeaderList json_body{{"Content-Type", "application/json"}};
  auto opened = f.server.request("POST", "/v1/me/session", json({{"code", latest_code}}).dump(), json_body);
  REQUIRE_MESSAGE(opened.status == 201, opened.body);
  CHECK(f.server.request("POST", "/v1/me/session", json({{"code", latest_code}}).dump(), json_body).status == 401);
  auto by_person = f.server.get("/v1/registrations/" + id, bearer(opened.json()["token"]));
  REQUIRE_MESSAGE(by_person.status == 200, by_person.body);
  CHECK(by_person.json()["email"] == "goran@example.se");
  CHECK_FALSE(by_person.json().contains("feed_url"));  // derived from the manage key
  auto by_first = f.server.get("/v1/registrations/" + id, bearer(manage_token));
  REQUIRE(by_first.status == 200);
  CHECK(by_first.json()["feed_url"] == feed_url);

  // In English for an English event; with an Idempotency-Key the 409 leaves no claim behind.
  REQUIRE(f.register_as("seminar-en", "Zoë Smith", "zoe@example.org").status == 201);
  const HeaderList keyed{{"Content-Type", "application/json"}, {"Idempotency-Key", "3f9b2c1e-zoe-second-try"}};
  const std::string zoe = json({{"name", "Z"}, {"email", "zoe@example.org"}, {"consent", true}}).dump();
  CHECK(f.server.request("POST", "/v1/events/seminar-en/registrations", zoe, keyed).status == 409);
  CHECK(f.server.request("POST", "/v1/events/seminar-en/registrations", zoe, keyed).status == 409);
  CHECK(f.sql("SELECT count(*) FROM idempotency_keys") == "0");
  REQUIRE(sink.wait_for(5, 15s) == 5);
  auto english = find_mail(read_all(sink), "zoe@example.org", "Your registration link: " + kTitle);
  check_common(english, "Zoë Smith", "zoe@example.org");
  CHECK(link_code_in(english["text"].get<std::string>()).size() >= 4 + 43);
  std::this_thread::sleep_for(300ms);
  CHECK(sink.messages().size() == 5);
}

TEST_CASE("mail: an organiser's change reaches every participant, the confirmed with the updated invitation") {
  SmtpSink sink;
  ServerSettings settings;
  settings.smtp_url = sink.url();
  MailFixture f(settings);
  f.create_event("kurs", 3, "sv");
  f.create_event("annat", 10, "sv");
  std::vector<std::string> ids;
  for (const auto& [name, email] :
       std::vector<std::pair<std::string, std::string>>{{"Anna Ek", "anna@example.se"},
                                                        {"Bo Lund", "bo@example.se"},
                                                        {"Cecilia Ås", "cecilia@example.se"},
                                                        {"Dan Öst", "dan@example.se"}}) {
    auto r = f.register_as("kurs", name, email);
    REQUIRE(r.status == 201);
    ids.push_back(r.json()["manage_token"]);
    ids.push_back(r.json()["id"]);
  }
  REQUIRE(f.register_as("annat", "Zoë Smith", "zoe@example.org").status == 201);
  // Anna cancels (Dan is promoted); Eva joins the waitlist.
  REQUIRE(f.server.request("DELETE", "/v1/registrations/" + ids[1], "", bearer(ids[0])).status == 204);
  REQUIRE(f.register_as("kurs", "Eva Berg", "eva@example.se").status == 201);
  const std::string before = f.sql("SELECT count(*) FROM mail_outbox");
  CHECK(before == "8");

  // A change no calendar shows (tags) writes no message.
  REQUIRE(f.patch_event("kurs", {{"tags", {"integration"}}}).status == 200);
  CHECK(f.sql("SELECT count(*) FROM mail_outbox") == before);

  // The venue moves: Bo, Cecilia and Dan (confirmed) get the new invitation, Eva (waitlisted)
  // the news without one (she has no seat to put in a calendar); not Anna (cancelled) or the
  // other event's Zoë.
  REQUIRE(f.patch_event("kurs", {{"venue", {{"city", "Uddevalla"}}}}).status == 200);
  REQUIRE(sink.wait_for(12, 20s) == 12);
  // Cancelled: everyone still holding a place or waiting hears of it, with METHOD:CANCEL.
  REQUIRE(f.patch_event("kurs", {{"status", "cancelled"}}).status == 200);
  REQUIRE(sink.wait_for(16, 20s) == 16);
  // (Read once: each reading runs the Python parsers.)
  const auto mails = read_all(sink);
  const json first = invited(find_mail(mails, "bo@example.se", "Anmälan bekräftad: " + kTitle));
  std::set<std::string> changed_to;
  for (const auto& m : mails) {
    if (m["subject"] != "Ändrat: " + kTitle) continue;
    const std::string email = m["envelope_to"];
    changed_to.insert(email);
    check_common(m, m["to"]["name"], email);
    CHECK(mentions(m["text"], "Uddevalla"));
    if (email == "eva@example.se") {
      CHECK((!m.contains("calendar") || m["calendar"].is_null()));
      CHECK(mentions(m["text"], "väntelistan, plats 1"));
      continue;
    }
    CHECK_FALSE(mentions(m["text"], "väntelistan"));
    check_invitation(m, "REQUEST", email);
    const json event = invited(m);
    CHECK(event["uid"] == first["uid"]);
    CHECK(event["sequence"] > first["sequence"]);
    CHECK(mentions(event["location"], "Uddevalla"));
    CHECK(mentions(m["text"], "Uddevalla"));
  }
  CHECK(changed_to == std::set<std::string>{"bo@example.se", "cecilia@example.se", "dan@example.se", "eva@example.se"});

  std::set<std::string> cancelled_to;
  for (const auto& m : mails) {
    if (m["subject"] != "Inställt: " + kTitle) continue;
    const std::string email = m["envelope_to"];
    cancelled_to.insert(email);
    check_common(m, m["to"]["name"], email);
    check_invitation(m, "CANCEL", email);
    const json event = invited(m);
    CHECK(event["uid"] == first["uid"]);
    CHECK(event["status"] == "CANCELLED");
    CHECK(event["sequence"].get<int>() > first["sequence"].get<int>() + 1);  // the change, then the cancellation
  }
  CHECK(cancelled_to ==
        std::set<std::string>{"bo@example.se", "cecilia@example.se", "dan@example.se", "eva@example.se"});
  std::this_thread::sleep_for(300ms);
  CHECK(sink.messages().size() == 16);
}

TEST_CASE("mail: edits within the notice window make one change notice, with the newest state") {
  SmtpSink sink;
  ServerSettings settings;
  settings.smtp_url = sink.url();
  settings.change_notice_delay_s = "3";
  MailFixture f(settings);
  f.create_event("kurs", 10, "sv");
  REQUIRE(f.register_as("kurs", "Bo Lund", "bo@example.se").status == 201);
  REQUIRE(sink.wait_for(1, 20s) == 1);
  const auto started = std::chrono::steady_clock::now();
  // Three edits in a row: the place, then the place again, then the time.
  REQUIRE(f.patch_event("kurs", {{"venue", {{"city", "Uddevalla"}}}}).status == 200);
  REQUIRE(f.patch_event("kurs", {{"venue", {{"city", "Trollhättan"}}}}).status == 200);
  REQUIRE(f.patch_event("kurs", {{"starts_at", "2035-11-08T10:00:00+01:00"}}).status == 200);
  CHECK(f.sql("SELECT count(*) FROM mail_outbox WHERE kind = 'event_changed'") == "1");
  // Held back: nothing goes before the window has passed.
  std::this_thread::sleep_for(1s);
  CHECK(sink.messages().size() == 1);
  REQUIRE(sink.wait_for(2, 20s) == 2);
  CHECK(std::chrono::steady_clock::now() - started >= 3s);
  const auto mails = read_all(sink);
  const json notice = find_mail(mails, "bo@example.se", "Ändrat: " + kTitle);
  check_invitation(notice, "REQUEST", "bo@example.se");
  CHECK(mentions(notice["text"], "Trollhättan"));
  CHECK_FALSE(mentions(notice["text"], "Uddevalla"));
  CHECK(mentions(invited(notice)["location"], "Trollhättan"));
  CHECK(invited(notice)["dtstart"] == "20351108T090000Z");

  // After it has gone, the next change is a notice of its own; a cancellation within the
  // window replaces the change notice it follows.
  REQUIRE(f.patch_event("kurs", {{"venue", {{"city", "Vänersborg"}}}}).status == 200);
  REQUIRE(f.patch_event("kurs", {{"status", "cancelled"}}).status == 200);
  CHECK(f.sql("SELECT count(*) FROM mail_outbox") == "3");
  REQUIRE(sink.wait_for(3, 20s) == 3);
  std::this_thread::sleep_for(300ms);
  const auto all = read_all(sink);
  CHECK(all.size() == 3);
  check_invitation(find_mail(all, "bo@example.se", "Inställt: " + kTitle), "CANCEL", "bo@example.se");
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

TEST_CASE("mail: media requests — the press contact hears of one, the journalist of the decision, once each") {
  SmtpSink sink;
  ServerSettings settings;
  settings.smtp_url = sink.url();
  MailFixture f(settings);
  f.create_streamed_event("webbinarium", "sv", "on_request", kContacts);

  // Göran asks; his client retries with the same Idempotency-Key: one request, one message.
  const HeaderList retry_key{{"Idempotency-Key", "media-goran-1-9a4c2e71"}};
  auto asked = f.ask_media("webbinarium", "Göran Pettersson", "goran@example.se", retry_key);
  REQUIRE_MESSAGE(asked.status == 202, asked.body);
  auto again = f.ask_media("webbinarium", "Göran Pettersson", "goran@example.se", retry_key);
  REQUIRE(again.status == 202);
  CHECK(again.json()["id"] == asked.json()["id"]);
  const std::string goran_id = asked.json()["id"];
  const std::string goran_token = asked.json()["status_token"];
  REQUIRE(sink.wait_for(1, 15s) == 1);

  // To the press officer, not to the first contact with an address.
  auto mails = read_all(sink);
  auto received = find_mail(mails, "anita@fyrbodal.se", "Mediaförfrågan: " + kTitle);
  check_common(received, "Anita Nilsson", "anita@fyrbodal.se");
  CHECK(received["structure"] == json::array({"multipart/alternative", "text/plain", "text/html"}));
  CHECK(mentions(received["text"], "Hej Anita Nilsson!"));
  CHECK(mentions(received["text"], "Göran Pettersson (Sveriges Radio Ekot, goran@example.se) vill bevaka"));
  CHECK(mentions(received["text"], "Vi vill göra ett inslag om seminariet."));
  CHECK(mentions(received["text"], "/v1/media-requests/" + goran_id));
  CHECK(mentions(received["html"], "Göran Pettersson (Sveriges Radio Ekot, goran@example.se)"));
  CHECK_FALSE(mentions(received["text"], kStreamUrl));

  // The organiser approves with a note: Göran gets the stream link and a personal feed link.
  const std::string welcome = "Välkommen! Presskonferensen börjar kl. 12 i sändningen.";
  REQUIRE(f.decide_media(goran_id, {{"status", "approved"}, {"note", welcome}}).status == 200);
  // A repeated PATCH changes nothing and sends nothing.
  CHECK(f.decide_media(goran_id, {{"status", "approved"}, {"note", welcome}}).status == 409);
  REQUIRE(sink.wait_for(2, 15s) == 2);
  mails = read_all(sink);
  auto approved = find_mail(mails, "goran@example.se", "Välkommen att bevaka " + kTitle);
  check_common(approved, "Göran Pettersson", "goran@example.se");
  CHECK(approved["structure"] == json::array({"multipart/alternative", "text/plain", "text/html"}));
  const std::string approved_text = approved["text"];
  CHECK(mentions(approved["text"], "Hej Göran Pettersson!"));
  CHECK(mentions(approved["text"], "Sändningen: " + kStreamUrl));
  CHECK(mentions(approved["text"], welcome));
  CHECK(mentions(approved["html"], "<a href=\"" + kStreamUrl + "\">"));
  const std::string feed_url = feed_link_in(approved_text);
  INFO(approved_text);
  REQUIRE_FALSE(feed_url.empty());
  CHECK(mentions(approved["html"], "<a href=\"" + feed_url + "\">"));
  CHECK(mentions(approved["text"], "webcal" + feed_url.substr(feed_url.find("://"))));
  // The name travels as an RFC 2047 encoded word (check_common: the header block is ASCII and
  // Python decodes it back to "Göran Pettersson").
  bool encoded_to = false;
  for (const auto& path : sink.messages()) {
    const std::string raw = file_text(path);
    if (raw.find("X-Envelope-To: goran@example.se") != std::string::npos) {
      encoded_to = raw.find("\r\nTo: =?UTF-8?B?") != std::string::npos;
    }
  }
  CHECK(encoded_to);

  // The link in the e-mail is Göran's feed, with the stream link; only its hash is stored.
  auto feed = f.server.get(path_of(feed_url));
  REQUIRE_MESSAGE(feed.status == 200, feed.body);
  CHECK(feed.header("Content-Type").find("text/calendar") != std::string::npos);
  CHECK(unfold(feed.body).find(kStreamUrl) != std::string::npos);
  auto checked = run_ics_checker(feed.body);
  CHECK_MESSAGE(checked.status == 0, checked.output);
  const std::string mailed_token =
      feed_url.substr(feed_url.find("evp_"), feed_url.find("/calendar.ics") - feed_url.find("evp_"));
  CHECK(f.sql("SELECT count(*) FROM media_requests WHERE mail_feed_token_hash = decode('" +
              eventd::db::sha256_hex(mailed_token) + "', 'hex')") == "1");
  // The requester's own view still shows the feed derived from the status token; both work.
  auto view = f.server.get("/v1/media-requests/" + goran_id, bearer(goran_token));
  REQUIRE(view.status == 200);
  const std::string shown_feed = view.json()["access"]["feed_url"];
  CHECK(shown_feed != feed_url);
  CHECK(f.server.get(path_of(shown_feed)).status == 200);

  // Åsa asks and is turned down with a note.
  auto asa = f.ask_media("webbinarium", "Åsa Öberg", "asa@example.se");
  REQUIRE(asa.status == 202);
  const std::string asa_id = asa.json()["id"];
  const std::string regret = "Tyvärr är pressplatserna slut – välkommen tillbaka nästa år.";
  REQUIRE(f.decide_media(asa_id, {{"status", "rejected"}, {"note", regret}}).status == 200);
  REQUIRE(sink.wait_for(4, 15s) == 4);
  mails = read_all(sink);
  auto to_anita = mails_to(mails, "anita@fyrbodal.se", "Mediaförfrågan: " + kTitle);
  REQUIRE(to_anita.size() == 2);
  CHECK(mentions(to_anita[0]["text"], "Åsa Öberg") != mentions(to_anita[1]["text"], "Åsa Öberg"));
  auto rejected = find_mail(mails, "asa@example.se", "Mediaförfrågan avböjd: " + kTitle);
  check_common(rejected, "Åsa Öberg", "asa@example.se");
  CHECK(rejected["structure"] == json::array({"multipart/alternative", "text/plain", "text/html"}));
  CHECK(mentions(rejected["text"], "Hej Åsa Öberg!"));
  CHECK(mentions(rejected["text"], regret));
  CHECK(mentions(rejected["html"], regret));
  CHECK_FALSE(mentions(rejected["text"], kStreamUrl));
  CHECK_FALSE(mentions(rejected["html"], kStreamUrl));
  CHECK(feed_link_in(rejected["text"]).empty());

  // Revoked, then approved again: the second approval says the first link works again, and it does.
  const std::string why = "Sändningen är bara för ackrediterad press.";
  REQUIRE(f.decide_media(goran_id, {{"status", "revoked"}, {"note", why}}).status == 200);
  auto revoked_feed = f.server.get(path_of(feed_url));
  REQUIRE(revoked_feed.status == 200);
  CHECK(unfold(revoked_feed.body).find(kStreamUrl) == std::string::npos);
  REQUIRE(sink.wait_for(5, 15s) == 5);
  mails = read_all(sink);
  auto revoked = find_mail(mails, "goran@example.se", "Medieåtkomst återkallad: " + kTitle);
  check_common(revoked, "Göran Pettersson", "goran@example.se");
  CHECK(revoked["structure"] == json::array({"multipart/alternative", "text/plain", "text/html"}));
  CHECK(mentions(revoked["text"], "Hej Göran Pettersson!"));
  CHECK(mentions(revoked["text"], why));
  CHECK(mentions(revoked["html"], why));
  CHECK_FALSE(mentions(revoked["text"], kStreamUrl));
  CHECK_FALSE(mentions(revoked["html"], kStreamUrl));
  CHECK(feed_link_in(revoked["text"]).empty());
  REQUIRE(f.decide_media(goran_id, {{"status", "approved"}}).status == 200);
  REQUIRE(sink.wait_for(6, 15s) == 6);
  mails = read_all(sink);
  auto approvals = mails_to(mails, "goran@example.se", "Välkommen att bevaka " + kTitle);
  REQUIRE(approvals.size() == 2);
  const auto& second = feed_link_in(approvals[0]["text"]).empty() ? approvals[0] : approvals[1];
  CHECK(feed_link_in(second["text"]).empty());
  CHECK(mentions(second["text"], "Din personliga kalenderlänk från det första beskedet gäller igen."));
  CHECK(mentions(second["text"], kStreamUrl));
  CHECK(unfold(f.server.get(path_of(feed_url)).body).find(kStreamUrl) != std::string::npos);

  // Lena asks, then withdraws: the press contact hears of both.
  auto lena = f.ask_media("webbinarium", "Lena Ström", "lena@example.se");
  REQUIRE(lena.status == 202);
  const std::string lena_id = lena.json()["id"];
  REQUIRE(f.server
              .request("DELETE", "/v1/media-requests/" + lena_id, "",
                       bearer(lena.json()["status_token"].get<std::string>()))
              .status == 204);
  REQUIRE(sink.wait_for(8, 15s) == 8);
  mails = read_all(sink);
  auto withdrawn = find_mail(mails, "anita@fyrbodal.se", "Mediaförfrågan återtagen: " + kTitle);
  check_common(withdrawn, "Anita Nilsson", "anita@fyrbodal.se");
  CHECK(mentions(withdrawn["text"], "Lena Ström (Sveriges Radio Ekot, lena@example.se) har återtagit"));
  CHECK(mentions(withdrawn["html"], "/v1/media-requests/" + lena_id));

  // The organiser's outbox: each message once, sent, tied to its request.
  std::this_thread::sleep_for(300ms);
  CHECK(sink.messages().size() == 8);
  auto listed = f.server.get("/v1/events/webbinarium/messages", bearer(f.key));
  REQUIRE(listed.status == 200);
  const json items = listed.json()["items"];
  std::vector<std::string> kinds;
  for (const auto& item : items) {
    kinds.push_back(item["kind"]);
    CHECK(item["state"] == "sent");
    CHECK(item["attempts"] == 1);
    CHECK(item["registration_id"].is_null());
    CHECK((item["media_request_id"] == goran_id || item["media_request_id"] == asa_id ||
           item["media_request_id"] == lena_id));
  }
  CHECK(kinds == std::vector<std::string>{"media_request_received", "media_request_approved", "media_request_received",
                                          "media_request_rejected", "media_request_revoked", "media_request_approved",
                                          "media_request_received", "media_request_withdrawn"});

  // Åsa has her data erased: nothing of her stays in the outbox either.
  REQUIRE(f.server
              .request("DELETE", "/v1/media-requests/" + asa_id + "?erase=true", "",
                       bearer(asa.json()["status_token"].get<std::string>()))
              .status == 204);
  CHECK(f.sql("SELECT count(*) FROM mail_outbox WHERE media_request_id = '" + asa_id +
              "' AND (recipient_email IS NOT NULL OR message IS NOT NULL)") == "0");
  CHECK(f.sql("SELECT count(*) FROM mail_outbox WHERE media_request_id = '" + asa_id + "'") == "2");

  // Per asks and withdraws with his data erased: the press contact is not sent his name again.
  auto per = f.ask_media("webbinarium", "Per Holm", "per@example.se");
  REQUIRE(per.status == 202);
  const std::string per_id = per.json()["id"];
  REQUIRE(f.server
              .request("DELETE", "/v1/media-requests/" + per_id + "?erase=true", "",
                       bearer(per.json()["status_token"].get<std::string>()))
              .status == 204);
  CHECK(f.sql("SELECT count(*) FROM mail_outbox WHERE media_request_id = '" + per_id +
              "' AND kind = 'media_request_withdrawn'") == "0");
}

TEST_CASE("mail: an open media policy approves at once, in the event's language; no contact address is recorded") {
  SmtpSink sink;
  ServerSettings settings;
  settings.smtp_url = sink.url();
  MailFixture f(settings);
  f.create_streamed_event("webinar-en", "en", "open", kContacts);
  // No contact with an address: the organiser sees in the outbox that nobody was told.
  f.create_streamed_event("no-contacts", "sv", "on_request",
                          "jsonb_build_array(jsonb_build_object('name', 'Kim Lind', 'role', 'pressansvarig'))");

  auto asked = f.ask_media("webinar-en", "Zoë Smith", "zoe@example.org");
  REQUIRE_MESSAGE(asked.status == 202, asked.body);
  REQUIRE(asked.json()["status"] == "approved");
  const std::string shown_feed = asked.json()["access"]["feed_url"];
  REQUIRE(sink.wait_for(1, 15s) == 1);
  auto mails = read_all(sink);
  REQUIRE(mails.size() == 1);  // the journalist only: there is nothing for the press officer to decide
  auto approved = find_mail(mails, "zoe@example.org", "Welcome to cover " + kTitle);
  check_common(approved, "Zoë Smith", "zoe@example.org");
  CHECK(mentions(approved["text"], "Hello Zoë Smith,"));
  CHECK(mentions(approved["text"], "The stream: " + kStreamUrl));
  // The same feed link as the answer to the request.
  CHECK(feed_link_in(approved["text"]) == shown_feed);

  auto unheard = f.ask_media("no-contacts", "Göran Pettersson", "goran@example.se");
  REQUIRE(unheard.status == 202);
  auto listed = f.server.get("/v1/events/no-contacts/messages", bearer(f.key));
  REQUIRE(listed.status == 200);
  auto items = listed.json()["items"];
  REQUIRE(items.size() == 1);
  CHECK(items[0]["kind"] == "media_request_received");
  CHECK(items[0]["state"] == "failed");
  CHECK(items[0]["recipient"].is_null());
  CHECK(items[0]["attempts"] == 0);
  CHECK(items[0]["media_request_id"] == unheard.json()["id"]);
  CHECK(mentions(items[0]["last_error"], "none of the event's contacts has an e-mail address"));
  std::this_thread::sleep_for(300ms);
  CHECK(sink.messages().size() == 1);
}

TEST_CASE("mail: STARTTLS and smtps with a certificate eventd is told to trust (EVENTD_SMTP_CA_FILE), with a login") {
  TestCertificates certs;
  for (auto tls : {SmtpSinkOptions::Tls::starttls, SmtpSinkOptions::Tls::smtps}) {
    const bool starttls = tls == SmtpSinkOptions::Tls::starttls;
    CAPTURE(starttls);
    SmtpSink sink({tls, certs.server(), "eventd:s3cret"});
    CHECK(sink.url().starts_with(starttls ? "smtp://eventd:s3cret@" : "smtps://eventd:s3cret@"));
    ServerSettings settings;
    settings.smtp_url = sink.url();
    settings.smtp_ca_file = certs.ca_file();
    MailFixture f(settings);
    f.create_event("seminarium", 10, "sv");
    REQUIRE(f.register_as("seminarium", "Göran Pettersson", "goran@example.se").status == 201);
    REQUIRE(sink.wait_for(1, 15s) == 1);
    auto mails = read_all(sink);
    auto confirmed = find_mail(mails, "goran@example.se", "Anmälan bekräftad: " + kTitle);
    check_common(confirmed, "Göran Pettersson", "goran@example.se");
    check_invitation(confirmed, "REQUEST", "goran@example.se");
    CHECK(confirmed["sink_tls"] == "yes");
    CHECK(confirmed["sink_login"] == "eventd");
    CHECK(f.sql("SELECT state FROM mail_outbox") == "sent");
  }
}

TEST_CASE("mail: a server certificate that does not verify is not accepted; the message waits, the reason recorded") {
  TestCertificates certs;
  struct Case {
    const char* what;
    TlsFiles files;
    bool trust_test_ca;  // EVENTD_SMTP_CA_FILE set; otherwise only the system's CAs
    const char* reason;  // in curl's words
  };
  for (const auto& c :
       {Case{"a CA eventd does not trust", certs.untrusted(), true, "certificate problem"},
        Case{"a certificate for another name", certs.other_name(), true, "subject name"},
        Case{"the test CA without EVENTD_SMTP_CA_FILE", certs.server(), false, "certificate problem"}}) {
    CAPTURE(c.what);
    SmtpSink sink({SmtpSinkOptions::Tls::starttls, c.files, ""});
    ServerSettings settings;
    settings.smtp_url = sink.url();
    if (c.trust_test_ca) settings.smtp_ca_file = certs.ca_file();
    MailFixture f(settings);
    f.create_event("seminarium", 10, "sv");
    REQUIRE(f.register_as("seminarium", "Göran Pettersson", "goran@example.se").status == 201);
    auto failures = [&] { return std::stoi(f.sql("SELECT count(*) FROM mail_attempts WHERE outcome = 'failed'")); };
    for (int i = 0; i < 200 && failures() < 2; ++i) std::this_thread::sleep_for(50ms);
    REQUIRE(failures() >= 2);
    CHECK(f.sql("SELECT count(*) FROM mail_attempts WHERE outcome = 'sent'") == "0");
    CHECK(sink.messages().empty());
    auto listed = f.server.get("/v1/events/seminarium/messages", bearer(f.key));
    REQUIRE(listed.status == 200);
    const json item = listed.json()["items"][0];
    CHECK(item["state"] == "pending");  // retried later: the certificate may be fixed
    CHECK(item["attempts"].get<int>() >= 2);
    const std::string reason = item["last_error"].is_string() ? item["last_error"].get<std::string>() : "";
    INFO(reason);
    CHECK(reason.find(c.reason) != std::string::npos);
    CHECK(f.sql("SELECT error FROM mail_attempts ORDER BY attempt LIMIT 1") == reason);
  }
}

TEST_CASE("mail: a session that moves or is cancelled is told to the participants who follow it") {
  SmtpSink sink;
  ServerSettings settings;
  settings.smtp_url = sink.url();
  MailFixture f(settings);
  f.create_event("kurs", 10, "sv");
  auto add_session = [&](const std::string& title, const std::string& starts, const std::string& ends) {
    auto headers = bearer(f.key);
    headers.emplace_back("Content-Type", "application/json");
    auto r = f.server.request("POST", "/v1/events/kurs/sessions",
                              json{{"title", title}, {"starts_at", starts}, {"ends_at", ends}}.dump(), headers);
    REQUIRE_MESSAGE(r.status == 201, r.body);
    return r.json()["id"].get<std::string>();
  };
  const std::string talk = add_session("Föredrag", "2035-11-08T09:15:00+01:00", "2035-11-08T10:00:00+01:00");
  const std::string workshop = add_session("Verkstad", "2035-11-08T13:00:00+01:00", "2035-11-08T14:00:00+01:00");
  auto register_for = [&](const std::string& name, const std::string& email, const json& sessions) {
    json body = {{"name", name}, {"email", email}, {"consent", true}, {"session_ids", sessions}};
    auto r =
        f.server.request("POST", "/v1/events/kurs/registrations", body.dump(), {{"Content-Type", "application/json"}});
    REQUIRE_MESSAGE(r.status == 201, r.body);
  };
  register_for("Anna Ek", "anna@example.se", json::array());                  // the whole programme
  register_for("Bo Lund", "bo@example.se", json::array({talk}));              // the talk
  register_for("Cecilia Ås", "cecilia@example.se", json::array({workshop}));  // the workshop
  REQUIRE(sink.wait_for(3, 20s) == 3);

  auto session_headers = bearer(f.key);
  session_headers.emplace_back("Content-Type", "application/merge-patch+json");
  // A title is no move: nobody is told.
  REQUIRE(f.server.request("PATCH", "/v1/events/kurs/sessions/" + talk, R"({"title":"Föredraget"})", session_headers)
              .status == 200);
  CHECK(f.sql("SELECT count(*) FROM mail_outbox WHERE kind = 'event_changed'") == "0");
  // The talk moves to another room: Anna and Bo are told, Cecilia is not.
  REQUIRE(f.server.request("PATCH", "/v1/events/kurs/sessions/" + talk, R"({"location":"Sal B"})", session_headers)
              .status == 200);
  REQUIRE(sink.wait_for(5, 20s) == 5);
  // The workshop is cancelled: Anna and Cecilia are told, Bo is not.
  REQUIRE(f.server.request("DELETE", "/v1/events/kurs/sessions/" + workshop, "", bearer(f.key)).status == 204);
  REQUIRE(sink.wait_for(7, 20s) == 7);
  std::this_thread::sleep_for(300ms);
  const auto mails = read_all(sink);
  CHECK(mails.size() == 7);
  const auto to_anna = mails_to(mails, "anna@example.se", "Ändrat: " + kTitle);
  const auto to_bo = mails_to(mails, "bo@example.se", "Ändrat: " + kTitle);
  const auto to_cecilia = mails_to(mails, "cecilia@example.se", "Ändrat: " + kTitle);
  REQUIRE(to_anna.size() == 2);
  REQUIRE(to_bo.size() == 1);
  REQUIRE(to_cecilia.size() == 1);
  const std::string bo_text = to_bo[0]["text"];
  CHECK(mentions(bo_text, "2035-11-08 09:15–10:00 Föredraget (Sal B)"));
  CHECK_FALSE(mentions(bo_text, "Verkstad"));  // not in the programme Bo follows
  const std::string cecilia_text = to_cecilia[0]["text"];
  CHECK(mentions(cecilia_text, "Inställt i programmet:"));
  CHECK(mentions(cecilia_text, "2035-11-08 13:00–14:00 Verkstad"));
  for (const auto& m : to_anna) {
    check_common(m, "Anna Ek", "anna@example.se");
    check_invitation(m, "REQUEST", "anna@example.se");
  }
}
