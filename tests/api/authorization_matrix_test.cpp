// The authorization matrix: every operation of openapi.yaml (and every route of the route
// table) × every kind of caller × the caller's own or another's resource → the expected
// status, from the one table below. An operation without a row fails the test, so a new
// route cannot ship without saying who may call it.
//
// Reading a row: `target` is what the path's {id}/{session_id} stand for; it always
// belongs to the "owner" organisation. The callers are seen from that resource:
// organiser_own acts for the owner, organiser_other for an organisation that owns nothing
// here. Rows that change state get a fresh owner and fresh records for every caller, so
// one caller's success cannot change what the next one sees.
//
// Adding a caller (e.g. a participant's manage token): add it to `Caller`, `kCallers` and
// `caller_name`, say what it sends in `credentials_for`, and give it a status in the
// profile functions (public_read, ...) and in every row that spells out its own map.
// Adding a route: add a row (and a `Target` if its path names a new kind of record).
#include <doctest/doctest.h>

#include <array>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "app/embedded.hpp"
#include "authorization_world.hpp"
#include "http/router.hpp"
#include "http/routes.hpp"

using namespace eventd::test;
using namespace eventd::test::authz;

namespace {

// ---- callers --------------------------------------------------------------------------------

enum class Caller {
  anonymous,        // no Authorization header
  wrong_key,        // a well-formed key that was never issued
  revoked_key,      // a key of the owner organisation, revoked
  organiser_own,    // an organiser key of the organisation that owns the resource
  organiser_other,  // an organiser key of another organisation
  admin,            // a stored admin key
};

constexpr std::array kCallers = {Caller::anonymous,     Caller::wrong_key,       Caller::revoked_key,
                                 Caller::organiser_own, Caller::organiser_other, Caller::admin};

std::string caller_name(Caller caller) {
  switch (caller) {
    case Caller::anonymous:
      return "anonymous";
    case Caller::wrong_key:
      return "wrong_key";
    case Caller::revoked_key:
      return "revoked_key";
    case Caller::organiser_own:
      return "organiser_own";
    case Caller::organiser_other:
      return "organiser_other";
    case Caller::admin:
      return "admin";
  }
  return "?";
}

using Expected = std::map<Caller, int>;

// ---- profiles: the usual shapes of a row ----------------------------------------------------

// Public reads: anyone, but a bad key is a 401 on every /v1 request.
Expected public_read(int ok = 200) {
  return {{Caller::anonymous, ok},     {Caller::wrong_key, 401},      {Caller::revoked_key, 401},
          {Caller::organiser_own, ok}, {Caller::organiser_other, ok}, {Caller::admin, ok}};
}

// Reads of a draft (or what hangs off one): its organiser and admins; to everybody else
// it does not exist.
Expected draft_read(int ok = 200) {
  return {{Caller::anonymous, 404},    {Caller::wrong_key, 401},       {Caller::revoked_key, 401},
          {Caller::organiser_own, ok}, {Caller::organiser_other, 404}, {Caller::admin, ok}};
}

// Changes to a published event or what hangs off it: its organiser and admins; another
// organiser sees it but may not change it.
Expected manage_published(int ok) {
  return {{Caller::anonymous, 401},    {Caller::wrong_key, 401},       {Caller::revoked_key, 401},
          {Caller::organiser_own, ok}, {Caller::organiser_other, 403}, {Caller::admin, ok}};
}

// Changes to a draft: as above, but another organiser is told it does not exist.
Expected manage_draft(int ok) {
  return {{Caller::anonymous, 401},    {Caller::wrong_key, 401},       {Caller::revoked_key, 401},
          {Caller::organiser_own, ok}, {Caller::organiser_other, 404}, {Caller::admin, ok}};
}

// Any valid key (speakers are shared by all organisers).
Expected any_key(int ok) {
  return {{Caller::anonymous, 401},    {Caller::wrong_key, 401},      {Caller::revoked_key, 401},
          {Caller::organiser_own, ok}, {Caller::organiser_other, ok}, {Caller::admin, ok}};
}

Expected admin_only(int ok) {
  return {{Caller::anonymous, 401},     {Caller::wrong_key, 401},       {Caller::revoked_key, 401},
          {Caller::organiser_own, 403}, {Caller::organiser_other, 403}, {Caller::admin, ok}};
}

// Operations endpoints need no key and ignore one.
Expected no_auth(int ok = 200) {
  Expected expected;
  for (Caller caller : kCallers) expected[caller] = ok;
  return expected;
}

// ---- targets and bodies ---------------------------------------------------------------------

enum class Target {
  none,
  organisation,       // {id}: the owner organisation
  draft_event,        // {id}: a draft event of the owner
  published_event,    // {id}: a published event of the owner
  draft_session,      // {id}, {session_id}: a session of a draft event
  published_session,  // {id}, {session_id}: a session of a published event
  speaker,            // {id}: a speaker of the owner organisation
  organiser_key,      // {id}: an organiser key of the owner organisation
};

enum class Body {
  none,
  organisation,  // a new organisation
  api_key,       // a new organiser key for the owner
  event,         // a new draft event of the owner
  session,       // a new session within the target event
  speaker,       // a new speaker of the owner organisation
  organisation_patch,
  event_patch,
  session_patch,
  speaker_patch,
};

struct Row {
  std::string method;  // as in openapi.yaml, upper case
  std::string path;    // the path template of openapi.yaml
  Target target;
  Expected expected;
  Body body = Body::none;
  // Feeds and the contract may be kept by shared caches; every other answer must be no-store.
  bool publicly_cacheable = false;
};

// clang-format off
const std::vector<Row> kRows = {
    // Operations
    {"GET", "/healthz", Target::none, no_auth()},
    {"GET", "/readyz", Target::none, no_auth()},
    {"GET", "/metrics", Target::none, no_auth()},
    {"GET", "/openapi.yaml", Target::none, no_auth(), Body::none, true},

    // API keys
    {"POST", "/v1/api-keys", Target::none, admin_only(201), Body::api_key},
    {"GET", "/v1/api-keys", Target::none, admin_only(200)},
    {"DELETE", "/v1/api-keys/{id}", Target::organiser_key, admin_only(204)},

    // Organisations
    {"POST", "/v1/organisations", Target::none, admin_only(201), Body::organisation},
    {"GET", "/v1/organisations", Target::none, public_read()},
    {"GET", "/v1/organisations/{id}", Target::organisation, public_read()},
    {"PATCH", "/v1/organisations/{id}", Target::organisation, admin_only(200), Body::organisation_patch},
    {"DELETE", "/v1/organisations/{id}", Target::organisation, admin_only(204)},

    // Events. Creating one for the owner organisation: another organiser may not.
    {"POST", "/v1/events", Target::none, manage_published(201), Body::event},
    {"GET", "/v1/events", Target::none, public_read()},
    {"GET", "/v1/events/{id}", Target::draft_event, draft_read()},
    {"GET", "/v1/events/{id}", Target::published_event, public_read()},
    {"PATCH", "/v1/events/{id}", Target::draft_event, manage_draft(200), Body::event_patch},
    {"PATCH", "/v1/events/{id}", Target::published_event, manage_published(200), Body::event_patch},
    {"DELETE", "/v1/events/{id}", Target::draft_event, manage_draft(204)},
    // Only drafts are deleted: the right is checked first, then the rule (409).
    {"DELETE", "/v1/events/{id}", Target::published_event, manage_published(409)},

    // Sessions
    {"POST", "/v1/events/{id}/sessions", Target::draft_event, manage_draft(201), Body::session},
    {"POST", "/v1/events/{id}/sessions", Target::published_event, manage_published(201), Body::session},
    {"GET", "/v1/events/{id}/sessions", Target::draft_event, draft_read()},
    {"GET", "/v1/events/{id}/sessions", Target::published_event, public_read()},
    {"GET", "/v1/events/{id}/sessions/{session_id}", Target::draft_session, draft_read()},
    {"GET", "/v1/events/{id}/sessions/{session_id}", Target::published_session, public_read()},
    {"PATCH", "/v1/events/{id}/sessions/{session_id}", Target::draft_session, manage_draft(200), Body::session_patch},
    {"PATCH", "/v1/events/{id}/sessions/{session_id}", Target::published_session, manage_published(200), Body::session_patch},
    {"DELETE", "/v1/events/{id}/sessions/{session_id}", Target::draft_session, manage_draft(204)},
    {"DELETE", "/v1/events/{id}/sessions/{session_id}", Target::published_session, manage_published(204)},

    // Speakers: shared by all organisers.
    {"POST", "/v1/speakers", Target::none, any_key(201), Body::speaker},
    {"GET", "/v1/speakers", Target::none, public_read()},
    {"GET", "/v1/speakers/{id}", Target::speaker, public_read()},
    {"PATCH", "/v1/speakers/{id}", Target::speaker, any_key(200), Body::speaker_patch},
    {"DELETE", "/v1/speakers/{id}", Target::speaker, any_key(204)},
    {"GET", "/v1/events/{id}/speakers", Target::draft_event, draft_read()},
    {"GET", "/v1/events/{id}/speakers", Target::published_event, public_read()},

    // Calendar feeds
    {"GET", "/v1/calendar.ics", Target::none, public_read(), Body::none, true},
    {"GET", "/v1/events/{id}/calendar.ics", Target::draft_event, draft_read(), Body::none, true},
    {"GET", "/v1/events/{id}/calendar.ics", Target::published_event, public_read(), Body::none, true},
    {"GET", "/v1/organisations/{id}/calendar.ics", Target::organisation, public_read(), Body::none, true},
    {"GET", "/v1/speakers/{id}/calendar.ics", Target::speaker, public_read(), Body::none, true},
};
// clang-format on

// ---- the contract's operations --------------------------------------------------------------

using Operation = std::pair<std::string, std::string>;  // method, path template

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// The operations under `paths:` of openapi.yaml: path keys are indented by two spaces,
// their methods by four (the layout the contract is written in).
std::set<Operation> contract_operations() {
  static const std::set<std::string> methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};
  std::set<Operation> operations;
  auto files = eventd::embedded::contract();
  REQUIRE(files.size() == 1);
  std::istringstream in{std::string(files[0].content)};
  std::string line;
  std::string path;
  bool in_paths = false;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.find_first_not_of(' ') == std::string::npos || line[line.find_first_not_of(' ')] == '#') {
      continue;
    }
    const auto indent = line.find_first_not_of(' ');
    if (indent == 0) {
      in_paths = line == "paths:";
      continue;
    }
    if (!in_paths || line.back() != ':') continue;
    const std::string key = line.substr(indent, line.size() - indent - 1);
    if (indent == 2 && key.starts_with("/")) path = key;
    if (indent == 4 && methods.contains(key) && !path.empty()) operations.emplace(upper(key), path);
  }
  return operations;
}

std::set<Operation> router_operations() {
  std::set<Operation> operations;
  auto router = eventd::http::make_router();
  for (const auto& route : router.routes()) {
    operations.emplace(std::string(eventd::http::to_string(route.method)), route.pattern);
  }
  return operations;
}

std::string describe(const Row& row) {
  static const std::map<Target, std::string> targets = {
      {Target::none, ""},
      {Target::organisation, " [organisation]"},
      {Target::draft_event, " [draft event]"},
      {Target::published_event, " [published event]"},
      {Target::draft_session, " [session of a draft]"},
      {Target::published_session, " [session of a published event]"},
      {Target::speaker, " [speaker]"},
      {Target::organiser_key, " [organiser key]"},
  };
  return row.method + " " + row.path + targets.at(row.target);
}

// ---- running a cell -------------------------------------------------------------------------

struct Prepared {
  std::string target;  // the path with its parameters filled in
  std::string body;
};

std::string fill(std::string path, const std::string& name, const std::string& value) {
  const std::string placeholder = "{" + name + "}";
  auto at = path.find(placeholder);
  REQUIRE_MESSAGE(at != std::string::npos, "no " << placeholder << " in " << path);
  return path.replace(at, placeholder.size(), value);
}

// Records are made on demand: the shared ones once, for rows that only read; fresh ones
// (with a fresh owner) for every cell of a row that changes state.
class Cells {
 public:
  explicit Cells(World& world) : world_(world) {}

  Prepared prepare(const Row& row, const Owner& owner, bool fresh) {
    Prepared prepared{row.path, ""};
    auto ids = target_ids(row.target, owner, fresh);
    if (!ids.first.empty()) prepared.target = fill(prepared.target, "id", ids.first);
    if (!ids.second.empty()) prepared.target = fill(prepared.target, "session_id", ids.second);
    prepared.body = body(row.body, owner);
    return prepared;
  }

 private:
  // {id, session_id}
  std::pair<std::string, std::string> target_ids(Target target, const Owner& owner, bool fresh) {
    if (!fresh) {
      auto cached = shared_.find(target);
      if (cached != shared_.end()) return cached->second;
    }
    std::pair<std::string, std::string> ids;
    switch (target) {
      case Target::none:
        break;
      case Target::organisation:
        ids.first = owner.id;
        break;
      case Target::draft_event:
        ids.first = world_.make_event(owner, "draft");
        break;
      case Target::published_event:
        ids.first = world_.make_event(owner, "published");
        break;
      case Target::draft_session:
        ids.first = world_.make_event(owner, "draft");
        ids.second = world_.make_session(ids.first);
        break;
      case Target::published_session:
        ids.first = world_.make_event(owner, "published");
        ids.second = world_.make_session(ids.first);
        break;
      case Target::speaker:
        ids.first = world_.make_speaker(owner);
        break;
      case Target::organiser_key:
        ids.first = world_.make_organiser_key(owner).second;
        break;
    }
    if (!fresh) shared_[target] = ids;
    return ids;
  }

  std::string body(Body body, const Owner& owner) {
    switch (body) {
      case Body::none:
        return "";
      case Body::organisation:
        return json{{"slug", world_.unique("new-org")}, {"name", "Ny organisation"}, {"kind", "other"}}.dump();
      case Body::api_key:
        return json{{"name", "new key"}, {"role", "organiser"}, {"organisation_id", owner.id}}.dump();
      case Body::event:
        return world_.event_body(owner, "draft").dump();
      case Body::session:
        return world_.session_body().dump();
      case Body::speaker:
        return world_.speaker_body(owner).dump();
      case Body::organisation_patch:
        return json{{"description", "Ändrad beskrivning."}}.dump();
      case Body::event_patch:
        return json{{"summary", "Ändrad sammanfattning."}}.dump();
      case Body::session_patch:
        return json{{"title", "Ändrad rubrik"}}.dump();
      case Body::speaker_patch:
        return json{{"bio", "Ändrad biografi."}}.dump();
    }
    return "";
  }

  World& world_;
  std::map<Target, std::pair<std::string, std::string>> shared_;
};

HeaderList credentials_for(Caller caller, const World& world, const Owner& owner) {
  switch (caller) {
    case Caller::anonymous:
      return {};
    case Caller::wrong_key:
      return bearer("evk_NeverIssuedNeverIssuedNeverIssuedNeverIss");
    case Caller::revoked_key:
      return bearer(owner.revoked_key);
    case Caller::organiser_own:
      return bearer(owner.key);
    case Caller::organiser_other:
      return bearer(world.other().key);
    case Caller::admin:
      return bearer(world.admin_key());
  }
  return {};
}

// What every answer must carry, whoever asked and whatever the status.
void check_headers(const Row& row, Caller caller, const HttpResponse& response) {
  INFO(describe(row), " as ", caller_name(caller), " (", response.status, ")");
  CHECK(response.header("X-Content-Type-Options") == "nosniff");
  CHECK(response.header("Server").empty());
  CHECK(response.header("X-Powered-By").empty());
  if (response.status == 401) CHECK(response.header("WWW-Authenticate") == "Bearer");
  const std::string cache = response.header("Cache-Control");
  if (!row.publicly_cacheable || response.status >= 300) {
    CHECK_MESSAGE(cache == "no-store", "Cache-Control: " << cache);
  } else if (cache.find("public") != std::string::npos) {
    // Only what everybody may see goes to shared caches.
    CHECK(row.expected.at(Caller::anonymous) == response.status);
  }
}

// What the world's records hold that only some callers may see: the events' stream link
// (not public: their organiser and admins) and the speakers' e-mail and phone (organisers
// and admins). No answer to anyone else may contain them, in any route, list or feed.
void check_no_leak(const Row& row, Caller caller, const HttpResponse& response) {
  INFO(describe(row), " as ", caller_name(caller), " (", response.status, ")");
  const bool sees_stream = caller == Caller::organiser_own || caller == Caller::admin;
  const bool sees_contact_details = sees_stream || caller == Caller::organiser_other;
  if (!sees_stream) CHECK(response.body.find(World::kStreamUrl) == std::string::npos);
  if (!sees_contact_details) {
    CHECK(response.body.find(World::kSpeakerEmail) == std::string::npos);
    CHECK(response.body.find(World::kSpeakerPhone) == std::string::npos);
  }
}

}  // namespace

TEST_CASE("authorization matrix: every operation of the contract and the route table has a row") {
  const auto contract = contract_operations();
  const auto routes = router_operations();
  REQUIRE(contract.size() > 30);  // the parser found the paths
  std::set<Operation> covered;
  for (const auto& row : kRows) covered.emplace(row.method, row.path);
  for (const auto& operation : contract) {
    CHECK_MESSAGE(covered.contains(operation),
                  "openapi.yaml has " << operation.first << " " << operation.second << " but the matrix has no row");
  }
  for (const auto& operation : routes) {
    CHECK_MESSAGE(covered.contains(operation),
                  "the route table has " << operation.first << " " << operation.second << " but the matrix has no row");
  }
  for (const auto& operation : covered) {
    CHECK_MESSAGE(contract.contains(operation),
                  "the matrix has " << operation.first << " " << operation.second << ", openapi.yaml does not");
  }
  for (const auto& row : kRows) {
    for (Caller caller : kCallers) {
      CHECK_MESSAGE(row.expected.contains(caller), describe(row) << " has no status for " << caller_name(caller));
    }
  }
}

TEST_CASE("authorization matrix: each caller gets the status of its cell") {
  TestServer server;
  World world(server);
  Cells cells(world);
  int cells_run = 0;
  for (const auto& row : kRows) {
    const bool changes_state = row.method != "GET";
    for (Caller caller : kCallers) {
      const auto expected = row.expected.find(caller);
      if (expected == row.expected.end()) continue;  // reported by the test case above
      Owner fresh_owner;
      if (changes_state) fresh_owner = world.make_owner();
      const Owner& owner = changes_state ? fresh_owner : world.owner();
      const Prepared prepared = cells.prepare(row, owner, changes_state);
      HeaderList headers = credentials_for(caller, world, owner);
      if (row.method == "PATCH") headers.emplace_back("Content-Type", "application/merge-patch+json");
      auto response = server.request(row.method, prepared.target, prepared.body, headers);
      CHECK_MESSAGE(response.status == expected->second, describe(row) << " as " << caller_name(caller) << ": expected "
                                                                       << expected->second << ", got "
                                                                       << response.status << " " << response.body);
      check_headers(row, caller, response);
      check_no_leak(row, caller, response);
      ++cells_run;
    }
  }
  CHECK(cells_run == static_cast<int>(kRows.size() * kCallers.size()));
}
