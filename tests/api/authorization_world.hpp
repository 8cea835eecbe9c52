#pragma once
// The people and records the authorization matrix (and the security tests) work with, all
// made through the API with the bootstrap admin key: organisations with an organiser key and
// a revoked one, a stored admin key, events (draft and published), sessions, speakers.
#include <doctest/doctest.h>

#include <atomic>
#include <string>

#include "services/secrets.hpp"
#include "support/test_server.hpp"

namespace eventd::test::authz {

using nlohmann::json;

inline HeaderList bearer(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }

// An organisation and the keys that act for it.
struct Owner {
  std::string id;  // organisation UUID
  std::string slug;
  std::string key;          // a live organiser key
  std::string revoked_key;  // an organiser key of the same organisation, revoked
};

class World {
 public:
  // What only some callers may see, made distinct per organisation (`of(owner)`), so that a
  // check can tell the owner's records from another organisation's own.
  static constexpr const char* kStreamUrl = "https://stream.example/secret-room/";
  static constexpr const char* kSpeakerEmail = "talare@example.org";
  static constexpr const char* kSpeakerPhone = "+46 70 000 00 00";
  static constexpr const char* kParticipantEmail = "deltagare@";        // a registrant's, + owner slug
  static constexpr const char* kJournalistEmail = "reporter@";          // a media requester's, + owner slug
  static constexpr const char* kParticipantNeeds = "Rullstolsplats, ";  // + owner slug
  static constexpr const char* kJournalistMessage = "Intervju, ";       // + owner slug
  static constexpr const char* kDelegationContact = "ledare@";          // a delegation's contact, + owner slug
  static constexpr const char* kPassportNumber = "PX7305911";           // a traveller's, read by organisers only
  static std::string of(const char* marker, const Owner& owner) { return marker + owner.slug + ".example"; }

  explicit World(TestServer& server) : server_(server), bootstrap_(server.settings().admin_key) {
    admin_key_ = create_key({{"name", "matrix admin"}, {"role", "admin"}})["key"];
    owner_ = make_owner();
    other_ = make_owner();
  }

  // A participant's registration: its id, the manage token and the personal feed token.
  struct Registration {
    std::string id, manage_token, feed_token;
  };
  // A delegation of a study trip, with its leader's token.
  struct Delegation {
    std::string id, leader_token;
  };
  // A journalist's media-access request: its id and status token.
  struct MediaRequest {
    std::string id, status_token;
  };

  TestServer& server() { return server_; }
  const std::string& admin_key() const { return admin_key_; }
  const Owner& owner() const { return owner_; }  // the organisation the shared records belong to
  const Owner& other() const { return other_; }  // an organisation that owns none of them

  // A fresh organisation with a live and a revoked organiser key.
  Owner make_owner() {
    Owner owner;
    owner.slug = unique("org");
    auto created = send("POST", "/v1/organisations",
                        {{"slug", owner.slug}, {"name", "Organisation " + owner.slug}, {"kind", "civil_society"}});
    owner.id = created["id"];
    owner.key = make_organiser_key(owner).first;
    auto [revoked, revoked_id] = make_organiser_key(owner);
    send("DELETE", "/v1/api-keys/" + revoked_id, nullptr, 204);
    owner.revoked_key = revoked;
    return owner;
  }

  // {key, key id}
  std::pair<std::string, std::string> make_organiser_key(const Owner& owner) {
    auto created = create_key({{"name", "key of " + owner.slug}, {"role", "organiser"}, {"organisation_id", owner.id}});
    return {created["key"], created["id"]};
  }

  json event_body(const Owner& owner, const std::string& status) {
    return {{"slug", unique("event")},
            {"title", "Seminarium om behörigheter"},
            {"kind", "seminar"},
            {"format", "hybrid"},
            {"status", status},
            {"timezone", "Europe/Stockholm"},
            {"starts_at", "2030-05-20T09:00:00+02:00"},
            {"ends_at", "2030-05-20T16:00:00+02:00"},
            {"venue", {{"name", "Folkets hus"}, {"city", "Östersund"}, {"country", "SE"}}},
            // A stream link that is not public: only the organiser may see it.
            {"online", {{"platform", "Zoom"}, {"stream_url", of(kStreamUrl, owner)}, {"access", "registered"}}},
            {"organiser_id", owner.id},
            // Media requests wait for the organiser's decision.
            {"media_policy", "on_request"}};
  }
  std::string make_event(const Owner& owner, const std::string& status) {
    return send("POST", "/v1/events", event_body(owner, status))["id"];
  }
  // A draft of `organiser`'s naming `partner` as its partner: a pending invitation.
  std::string make_event_inviting(const Owner& organiser, const Owner& partner) {
    json body = event_body(organiser, "draft");
    body["partner_ids"] = json::array({partner.id});
    return send("POST", "/v1/events", body)["id"];
  }

  json session_body() {
    return {{"title", "Samtal"},
            {"kind", "talk"},
            {"starts_at", "2030-05-20T10:00:00+02:00"},
            {"ends_at", "2030-05-20T11:00:00+02:00"}};
  }
  std::string make_session(const std::string& event_id) {
    return send("POST", "/v1/events/" + event_id + "/sessions", session_body())["id"];
  }

  json speaker_body(const Owner& owner) {
    return {{"slug", unique("speaker")},         {"name", "Talare Exempelsson"}, {"organisation_id", owner.id},
            {"owner_organisation_id", owner.id}, {"email", kSpeakerEmail},       {"phone", kSpeakerPhone}};
  }
  // A speaker of the owner in no public event: private to the owner's organisers and admins.
  std::string make_speaker(const Owner& owner) { return send("POST", "/v1/speakers", speaker_body(owner))["id"]; }
  // A speaker of the owner who speaks at a published event of the owner: a public profile.
  std::string make_public_speaker(const Owner& owner) {
    const std::string speaker = make_speaker(owner);
    json session = session_body();
    session["speaker_ids"] = json::array({speaker});
    send("POST", "/v1/events/" + make_event(owner, "published") + "/sessions", session);
    return speaker;
  }

  // An event of the owner's with a session of the owner's speaker (its e-mail and phone are
  // private): what GET /v1/events/{id}?include= shows of them.
  std::string make_event_page(const Owner& owner, const std::string& status) {
    const std::string event = make_event(owner, status);
    json session = session_body();
    session["speaker_ids"] = json::array({make_speaker(owner)});
    send("POST", "/v1/events/" + event + "/sessions", session);
    return event;
  }

  json registration_body() {
    return {{"name", "Deltagare Exempelsson"}, {"email", unique("deltagare") + "@example.org"}, {"consent", true}};
  }
  Registration make_registration(const Owner& owner, const std::string& event_id) {
    auto body = registration_body();
    body["email"] = of(kParticipantEmail, owner);  // one registration per address and event
    body["needs"] = of(kParticipantNeeds, owner);
    auto created = send("POST", "/v1/events/" + event_id + "/registrations", body);
    const std::string feed_url = created["feed_url"];
    const auto start = feed_url.find("/v1/feeds/") + std::string("/v1/feeds/").size();
    return {created["id"], created["manage_token"], feed_url.substr(start, feed_url.find('/', start) - start)};
  }

  Delegation make_delegation(const Owner& owner, const std::string& event_id) {
    auto created = send("POST", "/v1/events/" + event_id + "/delegations",
                        {{"name", unique("Delegation")},
                         {"country", "CY"},
                         {"contact", {{"name", "Ledare Exempelsson"}, {"email", of(kDelegationContact, owner)}}},
                         {"quota", 5}});
    const std::string id = created["id"];
    auto issued = send("POST", "/v1/events/" + event_id + "/delegations/" + id + "/leader-token", nullptr);
    return {id, issued["leader_token"]};
  }
  // A webhook subscription of the owner (to a loopback port nothing listens on: the matrix's
  // server allows 127.0.0.1), and one delivery of it (a draft event made for the purpose).
  struct Webhook {
    std::string id;
    std::string delivery_id;
  };
  Webhook make_webhook(const Owner& owner) {
    auto created = send("POST", "/v1/webhooks", {{"url", "http://127.0.0.1:9/hooks"}, {"organisation_id", owner.id}});
    const std::string id = created["id"];
    make_event(owner, "draft");
    return {id, server_.database().scalar("SELECT id::text FROM webhook_deliveries WHERE subscription_id = '" + id +
                                          "' ORDER BY seq LIMIT 1")};
  }
  // A participant of the owner's event who travels with one of its delegations.
  Registration make_delegate_registration(const Owner& owner, const std::string& event_id,
                                          const std::string& delegation_id) {
    auto body = registration_body();
    body["email"] = of(kParticipantEmail, owner);
    body["needs"] = of(kParticipantNeeds, owner);
    body["delegation_id"] = delegation_id;
    auto created = send("POST", "/v1/events/" + event_id + "/registrations", body);
    return {created["id"], created["manage_token"], ""};
  }

  json travel_document_body() { return {{"passport_number", kPassportNumber}, {"nationality", "CY"}}; }
  // The owner's participant of a published event, with passport details kept.
  Registration make_traveller(const Owner& owner) {
    auto registration = make_registration(owner, make_event(owner, "published"));
    send("PUT", "/v1/registrations/" + registration.id + "/travel-document", travel_document_body(), 204);
    return registration;
  }

  json task_body() { return {{"title", "Skicka passuppgifter"}, {"due_at", "2030-05-10T23:59:00+02:00"}}; }
  std::string make_task(const std::string& event_id) {
    return send("POST", "/v1/events/" + event_id + "/tasks", task_body())["id"];
  }

  // A room of a study trip: two beds, the nights 2035-09-03 and 2035-09-04.
  std::string make_room(const std::string& event_id) {
    auto created = send("POST", "/v1/events/" + event_id + "/rooms",
                        {{"name", unique("room")},
                         {"hotel", "Clarion Hotel Grand Östersund"},
                         {"beds", 2},
                         {"first_night", "2035-09-03"},
                         {"last_night", "2035-09-04"}});
    return created["id"];
  }
  // A bed in the room for a registration, every night of the room.
  std::string make_room_assignment(const std::string& event_id, const std::string& room_id,
                                   const std::string& registration_id) {
    auto created = send("POST", "/v1/events/" + event_id + "/rooms/" + room_id + "/assignments",
                        {{"registration_id", registration_id}});
    return created["id"];
  }

  json media_request_body() {
    return {{"name", "Reporter Exempelsson"}, {"email", unique("reporter") + "@example.org"}, {"outlet", "Radio"}};
  }
  MediaRequest make_media_request(const Owner& owner, const std::string& event_id) {
    auto body = media_request_body();
    body["email"] = of(kJournalistEmail, owner);
    body["phone"] = "+46 70 111 11 11";
    body["message"] = of(kJournalistMessage, owner);
    auto created = send("POST", "/v1/events/" + event_id + "/media-requests", body, 202);
    return {created["id"], created["status_token"]};
  }

  std::string calendar_body() {
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//matrix//matrix//SV\r\nBEGIN:VEVENT\r\nUID:" + unique("import") +
           "@matrix.example\r\nDTSTAMP:20300101T000000Z\r\nDTSTART;TZID=Europe/Stockholm:20300520T090000\r\n"
           "DTEND;TZID=Europe/Stockholm:20300520T120000\r\nSUMMARY:Importerat seminarium\r\nLOCATION:Östersund\r\n"
           "END:VEVENT\r\nEND:VCALENDAR\r\n";
  }

  std::string unique(const std::string& prefix) { return prefix + "-" + std::to_string(++counter_); }

  // A single-use code of a link to `email` (as an e-mail would carry it), and a person token
  // made from one (POST /v1/me/session).
  std::string make_person_code(const std::string& email) {
    const std::string code = eventd::services::new_secret("evc_");
    server_.database().exec("INSERT INTO person_codes (code_hash, email, purpose, expires_at) VALUES (decode('" +
                            eventd::services::secret_hash(code) + "', 'hex'), lower('" + email +
                            "'), 'mail_link', now() + interval '1 hour')");
    return code;
  }
  std::string make_person_token(const std::string& email) {
    return send("POST", "/v1/me/session", {{"code", make_person_code(email)}})["token"];
  }

 private:
  json create_key(const json& body) { return send("POST", "/v1/api-keys", body); }

  // A set-up request as the bootstrap admin; anything but the expected status stops the test.
  json send(const std::string& method, const std::string& target, const json& body, int expected = 0) {
    auto response = server_.request(method, target, body.is_null() ? "" : body.dump(), bearer(bootstrap_));
    const int wanted = expected ? expected : (method == "POST" ? 201 : 200);
    REQUIRE_MESSAGE(response.status == wanted, method << " " << target << ": " << response.body);
    return response.body.empty() ? json() : response.json();
  }

  TestServer& server_;
  std::string bootstrap_;
  std::string admin_key_;
  Owner owner_;
  Owner other_;
  std::atomic<int> counter_{0};  // bodies are also made on client threads (concurrency_test)
};

}  // namespace eventd::test::authz
