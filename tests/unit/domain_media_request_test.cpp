// The rules of a media request's life that need no I/O: who may move it where, which events
// take requests, and the requester's fields.
#include <doctest/doctest.h>

#include <string>

#include "domain/media_request.hpp"
#include "domain/validation.hpp"
#include "pages/catalogue.hpp"

using namespace eventd::domain;

namespace {

using S = MediaRequestStatus;
using A = MediaActor;

Instant at(const char* rfc3339) {
  const auto t = parse_rfc3339(rfc3339);
  REQUIRE(t.has_value());
  return *t;
}

// Integrationsforum 2020: streamed, press by request.
Event streamed_conference() {
  Event e;
  e.title = "Integrationsforum 2020";
  e.kind = EventKind::conference;
  e.format = EventFormat::online;
  e.status = EventStatus::published;
  e.timezone = "Europe/Stockholm";
  e.starts_at = at("2020-11-26T09:00:00+01:00");
  e.ends_at = at("2020-11-26T15:30:00+01:00");
  e.online = Online{"YouTube", "https://www.youtube.com/watch?v=integrationsforum2020", OnlineAccess::on_request};
  e.media_policy = MediaPolicy::on_request;
  return e;
}

}  // namespace

TEST_CASE("media request statuses and actors round-trip") {
  for (const auto& [status, name] : kMediaRequestStatusNames) CHECK(parse_media_request_status(name) == status);
  for (const auto& [actor, name] : kMediaActorNames) CHECK(parse_media_actor(name) == actor);
  CHECK_FALSE(parse_media_request_status("Approved").has_value());
  CHECK(to_string(S::revoked) == "revoked");
}

TEST_CASE("who may move a media request where") {
  // Organisers (and admins) decide.
  for (A decider : {A::organiser, A::admin}) {
    CHECK(may_transition(decider, S::pending, S::approved));
    CHECK(may_transition(decider, S::pending, S::rejected));
    CHECK(may_transition(decider, S::approved, S::revoked));
    CHECK(may_transition(decider, S::rejected, S::approved));  // changing one's mind
    CHECK(may_transition(decider, S::revoked, S::approved));
    CHECK_FALSE(may_transition(decider, S::approved, S::rejected));
    CHECK_FALSE(may_transition(decider, S::pending, S::revoked));
    CHECK_FALSE(may_transition(decider, S::approved, S::pending));
    CHECK_FALSE(may_transition(decider, S::withdrawn, S::approved));
    CHECK(transition_refusal(decider, S::pending, S::withdrawn)->kind() == Problem::forbidden);
    CHECK(transition_refusal(decider, S::approved, S::approved)->kind() == Problem::conflict);
    CHECK(transition_refusal(decider, S::pending, S::revoked)->kind() == Problem::conflict);
    // The conflict names the change; the catalogue gives it its words.
    const auto same = transition_refusal(decider, S::approved, S::approved);
    CHECK(same->detail_key() == "detail_transition_same_status");
    CHECK(eventd::pages::problem_detail(*same, eventd::pages::Language::en) ==
          "The request cannot go from approved to approved: it is approved already.");
  }
  // The requester only withdraws, and never approves itself.
  CHECK(may_transition(A::requester, S::pending, S::withdrawn));
  CHECK(may_transition(A::requester, S::approved, S::withdrawn));
  CHECK_FALSE(may_transition(A::requester, S::rejected, S::withdrawn));
  CHECK_FALSE(may_transition(A::requester, S::revoked, S::withdrawn));
  for (S to : {S::approved, S::rejected, S::revoked}) {
    const auto refusal = transition_refusal(A::requester, S::pending, to);
    REQUIRE(refusal.has_value());
    CHECK(refusal->kind() == Problem::forbidden);
  }
  CHECK(transition_refusal(A::requester, S::rejected, S::approved)->kind() == Problem::forbidden);
  // The open policy approves what is pending, nothing else.
  CHECK(may_transition(A::policy, S::pending, S::approved));
  CHECK_FALSE(may_transition(A::policy, S::rejected, S::approved));
  CHECK_FALSE(may_transition(A::policy, S::pending, S::rejected));
  // Withdrawn is final, for everybody.
  for (A actor : {A::requester, A::organiser, A::admin, A::policy}) {
    for (const auto& [to, name] : kMediaRequestStatusNames) CHECK_FALSE(may_transition(actor, S::withdrawn, to));
  }
}

TEST_CASE("which events take media requests") {
  const Instant before = at("2020-11-01T12:00:00Z");
  Event e = streamed_conference();
  CHECK_FALSE(media_request_refusal(e, before).has_value());
  e.media_policy = MediaPolicy::open;
  CHECK_FALSE(media_request_refusal(e, before).has_value());
  e.media_policy = MediaPolicy::closed;
  REQUIRE(media_request_refusal(e, before).has_value());
  CHECK(media_request_refusal(e, before)->kind() == Problem::conflict);
  CHECK(media_request_refusal(e, before)->detail_key() == "detail_media_policy_closed");
  CHECK(eventd::pages::problem_detail(*media_request_refusal(e, before), eventd::pages::Language::en)
            .find("media policy: closed") != std::string::npos);

  e = streamed_conference();
  // While it runs, a newsroom may still ask; at its end (15:30 in Stockholm, 14:30Z) no more.
  CHECK_FALSE(media_request_refusal(e, at("2020-11-26T14:29:59Z")).has_value());
  CHECK(media_request_refusal(e, at("2020-11-26T14:30:00Z"))->detail_key() == "detail_media_event_over");
  e.status = EventStatus::cancelled;
  CHECK(media_request_refusal(e, before)->detail_key() == "detail_media_event_cancelled");
  e.status = EventStatus::postponed;
  CHECK(media_request_refusal(e, before).has_value());
  e.status = EventStatus::draft;
  CHECK(media_request_refusal(e, before).has_value());
}

TEST_CASE("who hears of a new media request: the press contact, else the first contact with an address") {
  Event e = streamed_conference();
  CHECK_FALSE(press_contact(e).has_value());
  e.contacts = {Contact{"Kim Lind", "moderator", std::nullopt, "+46 8 123 45"},
                Contact{"Ola Berg", "projektledare", "ola@example.se", std::nullopt},
                Contact{"Eva Ek", "Pressansvarig", std::nullopt, "+46 8 555 55"},
                Contact{"Anita Nilsson", "pressansvarig", "anita@example.se", std::nullopt}};
  REQUIRE(press_contact(e).has_value());
  CHECK(press_contact(e)->name == "Anita Nilsson");  // the press officer with an address, not the first
  for (const char* role : {"Press officer", "Mediekontakt", "kommunikatör", "Head of Communications"}) {
    e.contacts[3].role = role;
    CHECK(press_contact(e)->name == "Anita Nilsson");
  }
  e.contacts[3].role = "ordförande";
  CHECK(press_contact(e)->name == "Ola Berg");  // no press role: the first with an address
  e.contacts[3].email = "";
  e.contacts[1].email.reset();
  CHECK_FALSE(press_contact(e).has_value());
}

TEST_CASE("a requester's fields") {
  MediaRequester r{"Karin Ek", "karin.ek@sr.se", "Sveriges Radio Ekot", "+46 70 123 45 67", "Vi sänder ett inslag."};
  CHECK(check_media_requester(r).empty());
  r.phone = std::nullopt;
  r.message = std::nullopt;
  CHECK(check_media_requester(r).empty());

  MediaRequester bad{"", "karin.ek", "", "ring mig", std::string(2001, 'x')};
  std::vector<std::string> fields;
  for (const auto& e : check_media_requester(bad)) fields.push_back(e.field);
  CHECK(fields == std::vector<std::string>{"name", "email", "outlet", "phone", "message"});

  CHECK(is_valid_phone("+46 70 996 54 25"));
  CHECK(is_valid_phone("031-10 20 30"));
  CHECK_FALSE(is_valid_phone("+"));
  CHECK_FALSE(is_valid_phone("070"));
  CHECK_FALSE(is_valid_phone("070 123 45 67 ext 2"));
}
