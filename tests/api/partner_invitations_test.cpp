// Partner invitations over real HTTP and PostgreSQL: naming another organisation as a partner
// asks it, and only its answer puts the event among its own (partner_ids to the public, its
// organisation feed, lists filtered by it).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "speaker_session_fixture.hpp"

using namespace eventd::test;
using namespace eventd::test::programme;

namespace {

const std::string kEvent = "/v1/events/integrationsforum-2020";

std::vector<std::string> listed(Programme& p, const std::string& query) {
  std::vector<std::string> out;
  auto response = p.server.get("/v1/events?" + query);
  REQUIRE_MESSAGE(response.status == 200, response.body);
  const json body = response.json();
  for (const auto& e : body["items"]) out.push_back(e["slug"]);
  return out;
}

HttpResponse answer(Programme& p, const std::string& event, const std::string& partner, const std::string& status,
                    const std::string& key) {
  return p.patch("/v1/events/" + event + "/partners/" + partner, {{"status", status}}, bearer(key));
}

}  // namespace

TEST_CASE("partners: naming a partner asks it; only its answer shows the event as its own") {
  Programme p;
  // Sensus organises nothing here: whatever shows as its own is what it accepted.
  const std::string sensus_key = p.organiser_key("sensus");
  const std::string sensus = p.organisation_id("sensus");
  const std::string migrationsverket = p.organisation_id("migrationsverket");
  const std::string migrationsverket_key = p.organiser_key("migrationsverket");
  auto named = p.patch(kEvent, {{"partner_ids", {"sensus", "migrationsverket"}}}, bearer(p.lansstyrelsen_key));
  REQUIRE_MESSAGE(named.status == 200, named.body);
  // the organiser sees whom it named and that nobody has answered
  CHECK(named.json()["partner_ids"] == json::array({sensus, migrationsverket}));
  CHECK(named.json()["partners"] == json::array({{{"organisation_id", sensus}, {"status", "pending"}},
                                                 {{"organisation_id", migrationsverket}, {"status", "pending"}}}));
  // nobody else sees a partner that has not said yes
  auto shown = p.server.get(kEvent).json();
  CHECK(shown["partner_ids"].empty());
  CHECK(!shown.contains("partners"));
  CHECK(p.server.get(kEvent, bearer(sensus_key)).json()["partner_ids"].empty());
  CHECK(listed(p, "organiser=sensus").empty());
  CHECK(listed(p, "partner=sensus").empty());  // pending: not yet its own
  CHECK(p.server.get("/v1/organisations/sensus/calendar.ics").body.find("Integrationsforum") == std::string::npos);

  // the invited organisation reads its invitations; nobody else may
  auto invitations = p.server.get("/v1/organisations/sensus/partner-invitations", bearer(sensus_key));
  REQUIRE_MESSAGE(invitations.status == 200, invitations.body);
  REQUIRE(invitations.json()["items"].size() == 1);
  const json invitation = invitations.json()["items"][0];
  CHECK(invitation["event"]["slug"] == "integrationsforum-2020");
  CHECK(invitation["event"]["title"] == "Integrationsforum 2020");
  CHECK(invitation["organisation_id"] == sensus);
  CHECK(invitation["status"] == "pending");
  CHECK(invitation["decided_at"].is_null());
  CHECK(p.server.get("/v1/organisations/sensus/partner-invitations", bearer(p.lansstyrelsen_key)).status == 403);
  CHECK(p.server.get("/v1/organisations/sensus/partner-invitations").status == 401);
  CHECK(p.server.get("/v1/organisations/sensus/partner-invitations?status=maybe", bearer(sensus_key)).status == 400);

  // only the partner answers: not the event's organiser
  CHECK(answer(p, "integrationsforum-2020", "sensus", "accepted", p.lansstyrelsen_key).status == 403);
  CHECK(answer(p, "integrationsforum-2020", "sensus", "pending", sensus_key).status == 422);
  CHECK(answer(p, "integrationsforum-2020", "sensus", "kanske", sensus_key).status == 422);
  CHECK(answer(p, "integrationsforum-2020", "forum", "accepted", p.admin).status == 404);  // not named
  auto accepted = answer(p, "integrationsforum-2020", "sensus", "accepted", sensus_key);
  REQUIRE_MESSAGE(accepted.status == 200, accepted.body);
  CHECK(accepted.json()["status"] == "accepted");
  CHECK(accepted.json()["decided_at"].is_string());
  const std::string accepted_tag = accepted.header("ETag");
  CHECK_FALSE(accepted_tag.empty());
  auto declined = answer(p, "integrationsforum-2020", "migrationsverket", "declined", migrationsverket_key);
  REQUIRE_MESSAGE(declined.status == 200, declined.body);

  CHECK(p.server.get(kEvent).json()["partner_ids"] == json::array({sensus}));
  // organiser= is what it organises, partner= what it accepted to partner
  CHECK(listed(p, "organiser=sensus").empty());
  CHECK(listed(p, "partner=sensus") == std::vector<std::string>{"integrationsforum-2020"});
  CHECK(listed(p, "partner=" + sensus) == std::vector<std::string>{"integrationsforum-2020"});
  CHECK(listed(p, "partner=migrationsverket").empty());  // declined
  CHECK(listed(p, "organiser=lansstyrelsen-vastra-gotaland&partner=sensus") ==
        std::vector<std::string>{"integrationsforum-2020"});
  CHECK(p.server.get("/v1/organisations/sensus/calendar.ics").body.find("Integrationsforum") != std::string::npos);
  CHECK(p.server.get(kEvent, bearer(p.lansstyrelsen_key)).json()["partners"] ==
        json::array({{{"organisation_id", sensus}, {"status", "accepted"}},
                     {{"organisation_id", migrationsverket}, {"status", "declined"}}}));
  CHECK(p.server.get("/v1/organisations/sensus/partner-invitations?status=pending", bearer(sensus_key))
            .json()["items"]
            .empty());

  // an edit that names them again keeps their answers; naming one anew asks it anew
  auto reordered = p.patch(kEvent, {{"partner_ids", {"migrationsverket", "sensus"}}}, bearer(p.lansstyrelsen_key));
  REQUIRE_MESSAGE(reordered.status == 200, reordered.body);
  CHECK(reordered.json()["partners"] == json::array({{{"organisation_id", migrationsverket}, {"status", "declined"}},
                                                     {{"organisation_id", sensus}, {"status", "accepted"}}}));
  REQUIRE(p.patch(kEvent, {{"partner_ids", {"migrationsverket"}}}, bearer(p.lansstyrelsen_key)).status == 200);
  auto again = p.patch(kEvent, {{"partner_ids", {"migrationsverket", "sensus"}}}, bearer(p.lansstyrelsen_key));
  CHECK(again.json()["partners"][1] == json{{"organisation_id", sensus}, {"status", "pending"}});
  CHECK(p.server.get(kEvent).json()["partner_ids"].empty());

  // a partner may change its mind; with If-Match, only on the answer it saw (412 on a stale tag)
  auto yes = answer(p, "integrationsforum-2020", "sensus", "accepted", sensus_key);
  REQUIRE(yes.status == 200);
  CHECK(yes.header("ETag") != accepted_tag);  // asked anew in between: another answer
  const std::string partners = "/v1/events/integrationsforum-2020/partners/sensus";
  const json no = {{"status", "declined"}};
  auto stale = p.patch(partners, no, with(bearer(sensus_key), "If-Match", accepted_tag));
  CHECK(stale.status == 412);
  CHECK(p.server.get(kEvent).json()["partner_ids"] == json::array({sensus}));  // nothing changed
  auto current = p.patch(partners, no, with(bearer(sensus_key), "If-Match", yes.header("ETag")));
  REQUIRE_MESSAGE(current.status == 200, current.body);
  CHECK(current.header("ETag") != yes.header("ETag"));
  CHECK(p.server.get(kEvent).json()["partner_ids"].empty());
  // the same answer again changes nothing, and says so with the same tag
  auto again_no = p.patch(partners, no, with(bearer(sensus_key), "If-Match", current.header("ETag")));
  CHECK(again_no.status == 200);
  CHECK(again_no.header("ETag") == current.header("ETag"));
}

TEST_CASE("partners: the invited organisation answers for a draft it cannot otherwise see") {
  Programme p;
  REQUIRE(p.patch("/v1/events/forum-utkast", {{"partner_ids", {"lansstyrelsen-vastra-gotaland"}}}, bearer(p.forum_key))
              .status == 200);
  // the draft stays hidden from the partner, but its invitation reaches it
  CHECK(p.server.get("/v1/events/forum-utkast", bearer(p.lansstyrelsen_key)).status == 404);
  auto invitations =
      p.server.get("/v1/organisations/lansstyrelsen-vastra-gotaland/partner-invitations", bearer(p.lansstyrelsen_key));
  REQUIRE(invitations.json()["items"].size() == 1);
  CHECK(invitations.json()["items"][0]["event"]["status"] == "draft");
  CHECK(answer(p, "forum-utkast", "lansstyrelsen-vastra-gotaland", "accepted", p.lansstyrelsen_key).status == 200);
  // a third organisation learns nothing: the same 404 as for an event that does not exist
  const std::string sensus_key = p.organiser_key("sensus");
  auto third = answer(p, "forum-utkast", "lansstyrelsen-vastra-gotaland", "declined", sensus_key);
  CHECK(third.status == 404);
  CHECK(answer(p, "no-such-event", "lansstyrelsen-vastra-gotaland", "declined", sensus_key).json()["detail"] ==
        third.json()["detail"]);
}
