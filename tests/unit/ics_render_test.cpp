// The calendar renderer over the seed events: golden files, the byte-level lint, an
// independent parser (tests/tools/check_ics.py: python3-icalendar and python3-vobject),
// libical reading it back, stream links, cancellation, iTIP, and the import round trip.
//
// Golden files: tests/golden/*.ics. After an intended change, regenerate them with
//   EVENTD_UPDATE_GOLDEN=1 build/tests/unit_tests -tc='*golden*'
// and review the diff.
#include <doctest/doctest.h>
#include <libical/ical.h>

#include <unistd.h>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "domain/event.hpp"
#include "domain/session.hpp"
#include "domain/time.hpp"
#include "ics/calendar_renderer.hpp"
#include "ics/import.hpp"
#include "ics/lint.hpp"
#include "support/ics_check.hpp"

namespace {

namespace domain = eventd::domain;
namespace ics = eventd::ics;
using domain::Event;
using domain::Session;

domain::Instant at(const char* text) {
  const auto t = domain::parse_rfc3339(text);
  REQUIRE(t.has_value());
  return *t;
}

struct Seed {
  Event event;
  std::vector<Session> sessions;
  std::string organiser_name;
  std::optional<std::string> organiser_email;  // organisations.email (none: no ORGANIZER in feeds)
};

// Built from the facts in api/examples/events/*.json, with fixed ids and updated_at so the
// bytes are stable.
Seed seed_ostersund() {
  Seed s;
  Event& e = s.event;
  e.id = "00000000-0000-4000-8000-000000000001";
  e.slug = "ostersund-2019";
  e.title = "Svenskt migrationsarbete på agendan på internationellt möte i Östersund";
  e.summary =
      "Studieresa till Östersund för utbytesaktörer från Cypern och Österrike inom det EU-finansierade projektet "
      "”Snapshots from the Borders”, med särskilt fokus på modellen idéburet offentligt partnerskap (IOP).";
  e.description =
      "Intresseorganisationen Forum – idéburna organisationer med social inriktning arrangerar studieresan till "
      "Östersund som en del i ett EU-projekt om migrations- och asylfrågor i EU. Under utbytesresan får grupperna möta "
      "representanter från civilsamhällets organisationer, liksom företrädare från kommunen. Särskilt fokus ligger på "
      "att förmedla svenska erfarenheter av modellen Idéburet offentligt partnerskap (IOP), som runt om i Sverige ofta "
      "är den samverkansform som används på migrations- och integrationsområdet.\n\nÖstersund blev en riksnyhet med "
      "initiativ som Hej Främling! och The Rocking Pots, och har vid flertal tillfällen uppmärksammats för sitt "
      "inkluderingsarbete.\n\nOm projektet ”Snapshots from the Borders”: för att öka samverkan mellan länderna och "
      "skapa bättre förutsättningar för migrationen i Europa samarbetar ett stort antal parter i Europa i det "
      "EU-finansierade tre-åriga gränsöverskridande projektet ”Snapshots from the Borders”. I Sverige är det "
      "intresseorganisationen Forum – idéburna organisationer med social inriktning som medverkar i projektet. Fokus i "
      "projektet är att sprida röster, praxis och erfarenheter mellan länderna.";
  e.language = "sv";
  e.kind = *domain::parse_event_kind("study_visit");
  e.format = *domain::parse_event_format("in_person");
  e.status = domain::EventStatus::published;
  e.timezone = "Europe/Stockholm";
  e.all_day = true;
  e.starts_on = *domain::parse_date("2019-09-04");
  e.ends_on = *domain::parse_date("2019-09-05");
  e.venue = domain::Venue{};
  e.venue->city = "Östersund";
  e.venue->region = "Jämtland";
  e.venue->country = "SE";
  e.organiser_id = "forum";
  e.tags = {"migration", "asyl", "iop", "idéburet offentligt partnerskap", "civilsamhälle", "eu-projekt"};
  e.contacts.push_back(
      domain::Contact{"Göran Pettersson", "generalsekreterare, Forum", std::nullopt, "+46 70 996 54 25"});
  e.media_policy = *domain::parse_media_policy("open");
  e.sequence = 0;
  e.created_at = at("2019-09-02T08:00:00Z");
  e.updated_at = at("2019-09-02T08:00:00Z");
  s.organiser_name = "Forum – idéburna organisationer med social inriktning";
  {
    Session x;
    x.id = "00000000-0000-4000-9000-000000000101";
    x.event_id = e.id;
    x.title = "Välkomna: Forum och projektet Snapshots from the Borders";
    x.description =
        "Forum berättar om svenska erfarenheter av migrationsarbetet och om vilken roll civilsamhället spelar i "
        "Sverige.";
    x.kind = *domain::parse_session_kind("talk");
    x.starts_at = at("2019-09-04T09:00:00+02:00");
    x.ends_at = at("2019-09-04T09:30:00+02:00");
    x.location = "Östersund";
    x.created_at = e.created_at;
    x.updated_at = e.updated_at;
    s.sessions.push_back(std::move(x));
  }
  {
    Session x;
    x.id = "00000000-0000-4000-9000-000000000102";
    x.event_id = e.id;
    x.title = "Möte med civilsamhällets organisationer";
    x.description =
        "Hur engagerar sig civilsamhället i Sverige i migrationsfrågor och hur samarbetar den ideella sektorn med den "
        "offentliga? Utbytesdeltagarna möter representanter från civilsamhällets organisationer i Östersund.";
    x.kind = *domain::parse_session_kind("other");
    x.starts_at = at("2019-09-04T09:30:00+02:00");
    x.ends_at = at("2019-09-04T12:00:00+02:00");
    x.location = "Östersund";
    x.created_at = e.created_at;
    x.updated_at = e.updated_at;
    s.sessions.push_back(std::move(x));
  }
  {
    Session x;
    x.id = "00000000-0000-4000-9000-000000000103";
    x.event_id = e.id;
    x.title = "Besök hos Östersunds kommun: idéburet offentligt partnerskap (IOP)";
    x.description =
        "Möte med företrädare från kommunen om hur civilsamhället och det offentliga i Östersund arbetat gemensamt med "
        "de utmaningar som följde av 2015 års flyktingkris, bland annat genom idéburet offentligt partnerskap (IOP).";
    x.kind = *domain::parse_session_kind("site_visit");
    x.starts_at = at("2019-09-04T13:00:00+02:00");
    x.ends_at = at("2019-09-04T16:00:00+02:00");
    x.location = "Östersunds kommun";
    x.created_at = e.created_at;
    x.updated_at = e.updated_at;
    s.sessions.push_back(std::move(x));
  }
  {
    Session x;
    x.id = "00000000-0000-4000-9000-000000000104";
    x.event_id = e.id;
    x.title = "Hej Främling!";
    x.description = "Lokalt initiativ som gjort Östersund till en riksnyhet för sitt inkluderingsarbete.";
    x.kind = *domain::parse_session_kind("site_visit");
    x.starts_at = at("2019-09-05T09:00:00+02:00");
    x.ends_at = at("2019-09-05T11:30:00+02:00");
    x.location = "Östersund";
    x.created_at = e.created_at;
    x.updated_at = e.updated_at;
    s.sessions.push_back(std::move(x));
  }
  {
    Session x;
    x.id = "00000000-0000-4000-9000-000000000105";
    x.event_id = e.id;
    x.title = "The Rocking Pots";
    x.description = "Lokalt initiativ som gjort Östersund till en riksnyhet för sitt inkluderingsarbete.";
    x.kind = *domain::parse_session_kind("site_visit");
    x.starts_at = at("2019-09-05T13:00:00+02:00");
    x.ends_at = at("2019-09-05T15:00:00+02:00");
    x.location = "Östersund";
    x.created_at = e.created_at;
    x.updated_at = e.updated_at;
    s.sessions.push_back(std::move(x));
  }
  return s;
}

Seed seed_integrationsforum() {
  Seed s;
  Event& e = s.event;
  e.id = "00000000-0000-4000-8000-000000000002";
  e.slug = "integrationsforum-2020";
  e.title = "Integrationsforum 2020";
  e.summary =
      "Hur har migrationen påverkats av pandemin? Digital konferens som även tar upp bostadsförsörjning för nyanlända "
      "och hur deras kompetens kan tas till vara på bästa sätt.";
  e.description =
      "Hur har migrationen påverkats av pandemin? Det är en av frågorna som diskuteras på årets Integrationsforum den "
      "26 november. I denna digitala konferens tar vi även upp frågor om bostadsförsörjning för nyanlända och hur "
      "deras kompetens kan tas till vara på bästa sätt.\n\nMycket har hänt inom integrations- och migrationsområdet de "
      "senaste åren, bland annat en bosättningslag som innebär att kommuner får dela på ansvaret för mottagning av "
      "nyanlända. Länsstyrelsens roll handlar mycket om att främja, stödja och informera när det gäller "
      "integrationsarbetet. Och att analysera och återrapportera till regeringen.\n\nIntegrationsforum har anordnats "
      "varje år sedan 2013, oftast i samverkan med andra aktörer. Årets Integrationsforum genomförs som en digital "
      "konferens i samverkan med Arbetsförmedlingen, Migrationsverket och Västra Götalandsregionen.\n\nTill media som "
      "vill följa konferensen: hör av er via e-post till anita.nilsson@lansstyrelsen.se för att få länk till "
      "konferensen som sänds via Länsstyrelsens Youtube-kanal.";
  e.language = "sv";
  e.kind = *domain::parse_event_kind("conference");
  e.format = *domain::parse_event_format("online");
  e.status = domain::EventStatus::published;
  e.timezone = "Europe/Stockholm";
  e.starts_at = at("2020-11-26T09:00:00+01:00");
  e.ends_at = at("2020-11-26T16:00:00+01:00");
  e.online = domain::Online{};
  e.online->platform = "YouTube";
  e.online->stream_url = "https://www.youtube.com/@lansstyrelsenvastragotaland/live";
  e.online->access = *domain::parse_online_access("on_request");
  e.organiser_id = "lansstyrelsen-vastra-gotaland";
  e.series = "integrationsforum";
  e.tags = {"integration", "migration", "nyanlända", "bosättning", "pandemin"};
  e.contacts.push_back(
      domain::Contact{"Anita Nilsson", "pressansvarig", "anita.nilsson@lansstyrelsen.se", std::nullopt});
  e.media_policy = *domain::parse_media_policy("on_request");
  e.sequence = 0;
  e.created_at = at("2020-11-10T12:30:00Z");
  e.updated_at = at("2020-11-10T12:30:00Z");
  s.organiser_name = "Länsstyrelsen i Västra Götalands län";
  s.organiser_email = "vastragotaland@lansstyrelsen.se";
  {
    Session x;
    x.id = "00000000-0000-4000-9000-000000000201";
    x.event_id = e.id;
    x.title = "Välkommen till Integrationsforum 2020";
    x.description =
        "Länsstyrelsen i Västra Götalands län inleder dagen, som genomförs i samverkan med Arbetsförmedlingen, "
        "Migrationsverket och Västra Götalandsregionen.";
    x.kind = *domain::parse_session_kind("other");
    x.starts_at = at("2020-11-26T09:00:00+01:00");
    x.ends_at = at("2020-11-26T09:15:00+01:00");
    x.created_at = e.created_at;
    x.updated_at = e.updated_at;
    s.sessions.push_back(std::move(x));
  }
  {
    Session x;
    x.id = "00000000-0000-4000-9000-000000000202";
    x.event_id = e.id;
    x.title = "Global migration i coronatider";
    x.description =
        "Trots att flyktingströmmarna till Sverige minskat betydligt under senaste åren är det fortsatt ett mycket "
        "stort antal människor på flykt i världen – nära 80 miljoner i slutet av 2019. Alice Petrén, "
        "utrikeskorrespondent vid Sveriges Radio med uppdrag att bevaka migrations- och flyktingfrågor, pratar om "
        "global migration i coronatider.";
    x.kind = *domain::parse_session_kind("talk");
    x.starts_at = at("2020-11-26T09:15:00+01:00");
    x.ends_at = at("2020-11-26T10:15:00+01:00");
    x.created_at = e.created_at;
    x.updated_at = e.updated_at;
    s.sessions.push_back(std::move(x));
  }
  {
    Session x;
    x.id = "00000000-0000-4000-9000-000000000203";
    x.event_id = e.id;
    x.title = "Aktiv medverkan till bosättning i annan kommun";
    x.description =
        "För att nyanlända ska kunna bidra på ett bra sätt är det viktigt med fungerande boenden. Representanter från "
        "Statskontoret belyser frågan utifrån kartläggningen ”Aktiv medverkan till bosättning i annan kommun”.";
    x.kind = *domain::parse_session_kind("talk");
    x.starts_at = at("2020-11-26T10:30:00+01:00");
    x.ends_at = at("2020-11-26T11:30:00+01:00");
    x.created_at = e.created_at;
    x.updated_at = e.updated_at;
    s.sessions.push_back(std::move(x));
  }
  {
    Session x;
    x.id = "00000000-0000-4000-9000-000000000204";
    x.event_id = e.id;
    x.title = "Lunch";
    x.kind = *domain::parse_session_kind("break");
    x.starts_at = at("2020-11-26T11:30:00+01:00");
    x.ends_at = at("2020-11-26T13:00:00+01:00");
    x.created_at = e.created_at;
    x.updated_at = e.updated_at;
    s.sessions.push_back(std::move(x));
  }
  {
    Session x;
    x.id = "00000000-0000-4000-9000-000000000205";
    x.event_id = e.id;
    x.title = "Hur kan nyanländas kompetens tas till vara på bästa sätt?";
    x.description =
        "Ett övergripande mål för svensk integrationspolitik är lika rättigheter, skyldigheter och möjligheter för "
        "alla oavsett etnisk och kulturell bakgrund. 20 procent av befolkningen är födda utomlands och bidrar på olika "
        "sätt till vårt gemensamma samhälle.";
    x.kind = *domain::parse_session_kind("panel");
    x.starts_at = at("2020-11-26T13:00:00+01:00");
    x.ends_at = at("2020-11-26T15:45:00+01:00");
    x.created_at = e.created_at;
    x.updated_at = e.updated_at;
    s.sessions.push_back(std::move(x));
  }
  return s;
}

Seed seed_fyrbodal_seminar() {
  Seed s;
  Event& e = s.event;
  e.id = "00000000-0000-4000-8000-000000000004";
  e.slug = "fyrbodal-seminar-2022";
  e.title = "Seminarium om kartan över det civila samhället i Fyrbodal";
  e.summary = "Presentation och samtal utifrån resultat av kartläggning av det civila samhället i Fyrbodal.";
  e.description =
      "Presentation och samtal utifrån resultat av kartläggning av det civila samhället i Fyrbodal. Seminariet följer "
      "upp webbinariet den 9 oktober om civilsamhällets roll i integrationsarbetet.";
  e.language = "sv";
  e.kind = *domain::parse_event_kind("seminar");
  e.format = *domain::parse_event_format("in_person");
  e.status = domain::EventStatus::published;
  e.timezone = "Europe/Stockholm";
  e.starts_at = at("2022-11-08T13:00:00+01:00");
  e.ends_at = at("2022-11-08T16:00:00+01:00");
  e.venue = domain::Venue{};
  e.venue->city = "Uddevalla";
  e.venue->region = "Västra Götaland";
  e.venue->country = "SE";
  e.organiser_id = "fyrbodals-kommunalforbund";
  e.tags = {"civilsamhälle", "integration", "kartläggning", "fyrbodal"};
  e.media_policy = *domain::parse_media_policy("open");
  e.sequence = 0;
  e.created_at = at("2022-10-20T09:15:00Z");
  e.updated_at = at("2022-10-20T09:15:00Z");
  s.organiser_name = "Fyrbodals kommunalförbund";
  {
    Session x;
    x.id = "00000000-0000-4000-9000-000000000401";
    x.event_id = e.id;
    x.title = "Presentation av kartläggningen av det civila samhället i Fyrbodal";
    x.description = "Resultaten av kartläggningen av det civila samhället i Fyrbodal presenteras.";
    x.kind = *domain::parse_session_kind("talk");
    x.starts_at = at("2022-11-08T13:00:00+01:00");
    x.ends_at = at("2022-11-08T14:15:00+01:00");
    x.created_at = e.created_at;
    x.updated_at = e.updated_at;
    s.sessions.push_back(std::move(x));
  }
  {
    Session x;
    x.id = "00000000-0000-4000-9000-000000000402";
    x.event_id = e.id;
    x.title = "Samtal utifrån resultaten";
    x.description = "Samtal utifrån resultat av kartläggningen av det civila samhället i Fyrbodal.";
    x.kind = *domain::parse_session_kind("panel");
    x.starts_at = at("2022-11-08T14:30:00+01:00");
    x.ends_at = at("2022-11-08T16:00:00+01:00");
    x.created_at = e.created_at;
    x.updated_at = e.updated_at;
    s.sessions.push_back(std::move(x));
  }
  return s;
}

const std::filesystem::path& tests_dir() {
  // Not __FILE__: with ccache's base_dir it is relative to the build directory, not to ctest's.
  static const std::filesystem::path dir = std::filesystem::path(EVENTD_SOURCE_DIR) / "tests";
  return dir;
}

const ics::FeedInfo& feed_info() {
  static const ics::FeedInfo info{"eventd – seminarier, konferenser och studieresor",
                                  "events.example.org",
                                  "https://events.example.org/v1/calendar.ics",
                                  std::chrono::minutes{720},
                                  "Europe/Stockholm",
                                  "kalender@events.example.org"};
  return info;
}

ics::FeedEvent feed_event(const Seed& s, bool with_sessions = true) {
  ics::FeedEvent fe{.event = s.event};
  if (with_sessions) {
    for (const auto& x : s.sessions) fe.sessions.push_back(&x);
  }
  fe.organiser_name = s.organiser_name;
  fe.organiser_email = s.organiser_email;
  fe.url = "https://events.example.org/v1/events/" + s.event.id;
  return fe;
}

using eventd::test::lines_of;
using eventd::test::unfold;

bool has_line(const std::string& text, const std::string& line) {
  const auto ls = lines_of(text);
  return std::find(ls.begin(), ls.end(), line) != ls.end();
}

// The first line starting with `name` (":" or ";") in the VEVENT that has the line `uid_line`.
std::string property_in(const std::string& text, const std::string& uid_line, const std::string& name) {
  std::vector<std::string> block;
  for (const auto& l : lines_of(text)) {
    if (l == "BEGIN:VEVENT") block.clear();
    block.push_back(l);
    if (l != "END:VEVENT" || std::find(block.begin(), block.end(), uid_line) == block.end()) continue;
    for (const auto& p : block) {
      if (p.rfind(name + ":", 0) == 0 || p.rfind(name + ";", 0) == 0) return p;
    }
    return "";
  }
  return "";
}

std::size_t count_prefix(const std::string& text, const std::string& prefix) {
  std::size_t n = 0;
  for (const auto& l : lines_of(text)) n += l.rfind(prefix, 0) == 0 ? 1 : 0;
  return n;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

void check_golden(const std::string& name, const std::string& rendered) {
  const auto path = tests_dir() / "golden" / name;
  const char* update = std::getenv("EVENTD_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    write_file(path, rendered);
    MESSAGE("updated " << path.string());
    return;
  }
  REQUIRE_MESSAGE(std::filesystem::exists(path),
                  "missing golden file " << path.string() << " (EVENTD_UPDATE_GOLDEN=1 writes it)");
  const std::string expected = read_file(path);
  if (expected != rendered) {
    const auto a = lines_of(expected), b = lines_of(rendered);
    std::size_t i = 0;
    while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
    FAIL_CHECK(name << " differs from the golden file at unfolded line " << i + 1 << ":\n expected: "
                    << (i < a.size() ? a[i] : "<end>") << "\n rendered: " << (i < b.size() ? b[i] : "<end>"));
  }
}

// tests/tools/check_ics.py, shared with the API tests (tests/support/ics_check.hpp).
using eventd::test::run_ics_checker;
eventd::test::IcsCheck run_checker(const std::string& text) { return run_ics_checker(text); }

int libical_errors(const std::string& text) {
  icalcomponent* c = icalparser_parse_string(text.c_str());
  if (c == nullptr) return -1;
  const int n = icalcomponent_count_errors(c);
  icalcomponent_free(c);
  return n;
}

// Everything every rendered calendar must pass.
void check_everywhere(const std::string& text) {
  const auto problems = ics::lint_ics(text);
  CHECK_MESSAGE(problems.empty(), (problems.empty() ? std::string{} : problems.front()));
  CHECK(libical_errors(text) == 0);
  CHECK(text.find("freeassociation") == std::string::npos);
  const auto run = run_checker(text);
  CHECK_MESSAGE(run.status == 0, run.output);
}

struct Fixture {
  Fixture() { ics::initialise(); }
  Seed ostersund = seed_ostersund();
  Seed integrationsforum = seed_integrationsforum();
  Seed fyrbodal = seed_fyrbodal_seminar();
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "ics golden: the seed events render to the expected bytes") {
  const std::string ost = ics::render_feed(feed_info(), {feed_event(ostersund)});
  check_golden("ostersund-2019.ics", ost);
  check_everywhere(ost);

  const std::string pub = ics::render_feed(feed_info(), {feed_event(integrationsforum)});
  check_golden("integrationsforum-2020-public.ics", pub);
  check_everywhere(pub);

  auto personal_fe = feed_event(integrationsforum);
  personal_fe.entitled_stream_url = *integrationsforum.event.online->stream_url;
  personal_fe.attendance = ics::Attendance::confirmed;
  personal_fe.attendance_updated_at = at("2020-11-20T07:45:00Z");
  ics::FeedInfo personal_info = feed_info();
  personal_info.name = "Integrationsforum 2020 – min kalender";
  personal_info.public_url = "https://events.example.org/v1/feeds/tok3n/calendar.ics";
  const std::string personal = ics::render_feed(personal_info, {personal_fe});
  check_golden("integrationsforum-2020-personal.ics", personal);
  check_everywhere(personal);

  const std::string fyr = ics::render_feed(feed_info(), {feed_event(fyrbodal)});
  check_golden("fyrbodal-seminar-2022.ics", fyr);
  check_everywhere(fyr);

  const std::string all = ics::render_feed(
      feed_info(), {feed_event(ostersund, false), feed_event(integrationsforum, false), feed_event(fyrbodal, false)});
  check_golden("public-feed.ics", all);
  check_everywhere(all);

  const std::string invite = ics::render_invitation(feed_info(), personal_fe, {"Anna Åström", "anna.astrom@example.se"},
                                                    ics::InvitationMethod::request);
  check_golden("integrationsforum-2020-invite.ics", invite);
  check_everywhere(invite);
}

TEST_CASE_FIXTURE(Fixture, "ics: the same data gives the same bytes") {
  const auto a = ics::render_feed(feed_info(), {feed_event(ostersund), feed_event(integrationsforum)});
  const auto b = ics::render_feed(feed_info(), {feed_event(ostersund), feed_event(integrationsforum)});
  CHECK(a == b);
  // A change of the record moves DTSTAMP/LAST-MODIFIED with it.
  integrationsforum.event.updated_at = at("2020-11-12T10:00:00Z");
  const auto c = ics::render_feed(feed_info(), {feed_event(ostersund), feed_event(integrationsforum)});
  CHECK(a != c);
  CHECK(has_line(c, "DTSTAMP:20201112T100000Z"));
  CHECK(has_line(c, "LAST-MODIFIED:20201112T100000Z"));
}

TEST_CASE_FIXTURE(Fixture, "ics: an independent parser reads the times in UTC, across DST") {
  const auto text = ics::render_feed(feed_info(), {feed_event(ostersund), feed_event(integrationsforum)});
  const auto run = run_checker(text);
  REQUIRE_MESSAGE(run.status == 0, run.output);
  const std::string host = "@events.example.org";
  // Integrationsforum: 09:00-16:00 +01:00 (winter time) on 26 November 2020.
  CHECK(run.output.find("event-00000000-0000-4000-8000-000000000002" + host + " 20201126T080000Z 20201126T150000Z") !=
        std::string::npos);
  // Östersund session: 09:00-09:30 +02:00 (summer time) on 4 September 2019.
  CHECK(run.output.find("session-00000000-0000-4000-9000-000000000101" + host + " 20190904T070000Z 20190904T073000Z") !=
        std::string::npos);
  // Östersund: all day on 4-5 September, DTEND exclusive.
  CHECK(run.output.find("event-00000000-0000-4000-8000-000000000001" + host + " 20190904 20190906") !=
        std::string::npos);
}

TEST_CASE_FIXTURE(Fixture, "ics: calendar and event properties follow ical.md") {
  const auto text = ics::render_feed(feed_info(), {feed_event(ostersund), feed_event(integrationsforum)});
  CHECK(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
  CHECK(text.ends_with("END:VCALENDAR\r\n"));
  for (const char* line :
       {"CALSCALE:GREGORIAN", "METHOD:PUBLISH", "REFRESH-INTERVAL;VALUE=DURATION:PT12H", "X-PUBLISHED-TTL:PT12H",
        "X-WR-TIMEZONE:Europe/Stockholm", "NAME:eventd – seminarier\\, konferenser och studieresor",
        "X-WR-CALNAME:eventd – seminarier\\, konferenser och studieresor"}) {
    CHECK_MESSAGE(has_line(text, line), line);
  }
  // One compact VTIMEZONE: two observances with yearly rules, the plain IANA name.
  CHECK(count_prefix(text, "BEGIN:VTIMEZONE") == 1);
  CHECK(has_line(text, "TZID:Europe/Stockholm"));
  CHECK(count_prefix(text, "BEGIN:STANDARD") == 1);
  CHECK(count_prefix(text, "BEGIN:DAYLIGHT") == 1);
  CHECK(has_line(text, "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"));
  CHECK(has_line(text, "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"));
  CHECK(has_line(text, "TZOFFSETFROM:+0100"));
  CHECK(has_line(text, "TZOFFSETTO:+0200"));
  CHECK(text.find("UNTIL") == std::string::npos);
  // Times.
  CHECK(has_line(text, "DTSTART;VALUE=DATE:20190904"));
  CHECK(has_line(text, "DTEND;VALUE=DATE:20190906"));
  CHECK(has_line(text, "DTSTART;TZID=Europe/Stockholm:20201126T090000"));
  CHECK(has_line(text, "DTEND;TZID=Europe/Stockholm:20201126T160000"));
  CHECK(has_line(text, "DTSTART;TZID=Europe/Stockholm:20190904T090000"));
  // Identity and change.
  CHECK(has_line(text, "UID:event-00000000-0000-4000-8000-000000000002@events.example.org"));
  CHECK(has_line(text, "UID:session-00000000-0000-4000-9000-000000000201@events.example.org"));
  CHECK(has_line(text, "RELATED-TO;RELTYPE=PARENT:event-00000000-0000-4000-8000-000000000002@events.example.org"));
  CHECK(has_line(text, "DTSTAMP:20201110T123000Z"));
  CHECK(has_line(text, "LAST-MODIFIED:20201110T123000Z"));
  CHECK(has_line(text, "SEQUENCE:0"));
  CHECK(has_line(text, "STATUS:CONFIRMED"));
  // The organisation's own address; Forum (Östersund) has none, so its VEVENTs name nobody.
  CHECK(count_prefix(text,
                     "ORGANIZER;CN=Länsstyrelsen i Västra Götalands län:mailto:vastragotaland@lansstyrelsen.se") == 6);
  CHECK(count_prefix(text, "ORGANIZER") == 6);
  CHECK(has_line(text, "CATEGORIES:Konferens,integration,migration,nyanlända,bosättning,pandemin"));
  CHECK(has_line(text, "LOCATION:Östersund\\, SE"));
  CHECK(has_line(text, "URL:https://events.example.org/v1/events/00000000-0000-4000-8000-000000000002"));
  // No attendee lists and no RFC 9073 components in a feed.
  CHECK(text.find("ATTENDEE") == std::string::npos);
  CHECK(text.find("PARTICIPANT") == std::string::npos);
  CHECK(text.find("VLOCATION") == std::string::npos);
}

TEST_CASE_FIXTURE(Fixture, "ics: the stream link only where the holder is entitled") {
  const std::string url = *integrationsforum.event.online->stream_url;  // access on_request
  SUBCASE("public feed: no link at all") {
    const auto text = ics::render_feed(feed_info(), {feed_event(integrationsforum)});
    CHECK(text.find("youtube.com") == std::string::npos);
    CHECK(unfold(text).find("CONFERENCE") == std::string::npos);
  }
  SUBCASE("entitled holder: CONFERENCE and the link in DESCRIPTION, on the event and its sessions") {
    auto fe = feed_event(integrationsforum);
    fe.entitled_stream_url = url;
    fe.attendance = ics::Attendance::confirmed;
    const auto text = ics::render_feed(feed_info(), {fe});
    CHECK(count_prefix(text, "CONFERENCE;VALUE=URI;FEATURE=AUDIO,VIDEO;LABEL=YouTube:" + url) == 6);
    CHECK(unfold(text).find("Länk till sändningen: " + url) != std::string::npos);
    check_everywhere(text);
  }
  SUBCASE("waitlisted holder: no private link, TENTATIVE") {
    auto fe = feed_event(integrationsforum, false);
    fe.entitled_stream_url = url;  // even if a caller passes it by mistake
    fe.attendance = ics::Attendance::waitlisted;
    const auto text = ics::render_feed(feed_info(), {fe});
    CHECK(text.find("youtube.com") == std::string::npos);
    CHECK(has_line(text, "STATUS:TENTATIVE"));
    CHECK(has_line(text, "SUMMARY:VÄNTELISTA: Integrationsforum 2020"));
    check_everywhere(text);
  }
  SUBCASE("cancelled registration: CANCELLED, SEQUENCE raised, no link") {
    auto fe = feed_event(integrationsforum, false);
    fe.entitled_stream_url = url;
    fe.attendance = ics::Attendance::cancelled;
    const auto text = ics::render_feed(feed_info(), {fe});
    CHECK(text.find("youtube.com") == std::string::npos);
    CHECK(has_line(text, "STATUS:CANCELLED"));
    CHECK(has_line(text, "SEQUENCE:1"));
    CHECK(has_line(text, "SUMMARY:AVANMÄLD: Integrationsforum 2020"));
    check_everywhere(text);
  }
  SUBCASE("a public stream is public") {
    integrationsforum.event.online->access = domain::OnlineAccess::public_;
    const auto text = ics::render_feed(feed_info(), {feed_event(integrationsforum, false)});
    CHECK(count_prefix(text, "CONFERENCE;VALUE=URI;FEATURE=AUDIO,VIDEO;LABEL=YouTube:" + url) == 1);
  }
}

TEST_CASE_FIXTURE(Fixture, "ics: SEQUENCE and cancellation") {
  integrationsforum.event.status = domain::EventStatus::cancelled;
  integrationsforum.event.sequence = 3;
  const auto text = ics::render_feed(feed_info(), {feed_event(integrationsforum)});
  CHECK(has_line(text, "SUMMARY:INSTÄLLT: Integrationsforum 2020"));
  CHECK(has_line(text, "SUMMARY:INSTÄLLT: Global migration i coronatider"));
  CHECK(count_prefix(text, "STATUS:CANCELLED") == 6);  // the event and its five sessions stay, cancelled
  CHECK(count_prefix(text, "SEQUENCE:3") == 6);
  CHECK(count_prefix(text, "BEGIN:VEVENT") == 6);
  check_everywhere(text);

  integrationsforum.event.language = "en";
  const auto en = ics::render_feed(feed_info(), {feed_event(integrationsforum, false)});
  CHECK(has_line(en, "SUMMARY:CANCELLED: Integrationsforum 2020"));

  integrationsforum.event.status = domain::EventStatus::postponed;
  const auto postponed = ics::render_feed(feed_info(), {feed_event(integrationsforum, false)});
  CHECK(has_line(postponed, "STATUS:TENTATIVE"));
}

TEST_CASE_FIXTURE(Fixture, "ics: a speaker feed has the sessions only") {
  auto fe = feed_event(integrationsforum, false);
  fe.include_event = false;
  fe.sessions.push_back(&integrationsforum.sessions[1]);  // Alice Petrén's talk
  const auto text = ics::render_feed(feed_info(), {fe});
  CHECK(count_prefix(text, "BEGIN:VEVENT") == 1);
  CHECK(has_line(text, "SUMMARY:Global migration i coronatider"));
  CHECK(has_line(text, "RELATED-TO;RELTYPE=PARENT:event-00000000-0000-4000-8000-000000000002@events.example.org"));
  CHECK(has_line(text, "CATEGORIES:Föredrag"));
  check_everywhere(text);
}

TEST_CASE_FIXTURE(Fixture, "ics: an empty feed is still a valid calendar") {
  const auto text = ics::render_feed(feed_info(), {});
  CHECK(ics::lint_ics(text).empty());
  CHECK(count_prefix(text, "BEGIN:VTIMEZONE") == 1);
  CHECK(libical_errors(text) == 0);
  CHECK(run_checker(text).status == 0);
}

TEST_CASE_FIXTURE(Fixture, "ics: iTIP REQUEST and CANCEL") {
  auto fe = feed_event(integrationsforum);
  fe.attendance = ics::Attendance::confirmed;
  fe.entitled_stream_url = *integrationsforum.event.online->stream_url;
  const ics::Invitee anna{"Anna Åström", "anna.astrom@example.se"};
  const std::string uid = "UID:event-00000000-0000-4000-8000-000000000002@events.example.org";

  const auto request = ics::render_invitation(feed_info(), fe, anna, ics::InvitationMethod::request);
  CHECK(has_line(request, "METHOD:REQUEST"));
  CHECK(count_prefix(request, "ORGANIZER") == 1);
  CHECK(count_prefix(request, "BEGIN:VEVENT") == 1);  // one UID per iTIP message: no sessions
  // eventd receives no replies: it asks for none.
  CHECK(has_line(request,
                 "ATTENDEE;CN=Anna Åström;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:"
                 "anna.astrom@example.se"));
  CHECK(request.find("RSVP=TRUE") == std::string::npos);
  // The organisation's address, sent by the service's.
  CHECK(has_line(request,
                 "ORGANIZER;CN=Länsstyrelsen i Västra Götalands län;SENT-BY=\"mailto:kalender@events.example.org\":"
                 "mailto:vastragotaland@lansstyrelsen.se"));
  CHECK(has_line(request, uid));
  CHECK(has_line(request, "SEQUENCE:0"));
  CHECK(count_prefix(request, "DTSTAMP:") == 1);
  CHECK(has_line(request, "DTSTART;TZID=Europe/Stockholm:20201126T090000"));
  CHECK(count_prefix(request, "SUMMARY:Integrationsforum 2020") == 1);
  check_everywhere(request);

  fe.attendance = ics::Attendance::cancelled;
  const auto cancel = ics::render_invitation(feed_info(), fe, anna, ics::InvitationMethod::cancel);
  CHECK(has_line(cancel, "METHOD:CANCEL"));
  CHECK(has_line(cancel, uid));
  CHECK(has_line(cancel, "SEQUENCE:1"));
  CHECK(has_line(cancel, "STATUS:CANCELLED"));
  CHECK(count_prefix(cancel, "ORGANIZER") == 1);
  CHECK(cancel.find("youtube.com") == std::string::npos);
  check_everywhere(cancel);

  // An organisation without an address: RFC 5546 wants an ORGANIZER in a REQUEST, so the
  // sending address stands in (no SENT-BY for itself); without one, noreply@<host>.
  fe.attendance = ics::Attendance::confirmed;
  fe.organiser_email.reset();
  const auto plain = ics::render_invitation(feed_info(), fe, anna, ics::InvitationMethod::request);
  CHECK(has_line(plain, "ORGANIZER;CN=Länsstyrelsen i Västra Götalands län:mailto:kalender@events.example.org"));
  CHECK(plain.find("SENT-BY") == std::string::npos);
  check_everywhere(plain);
  ics::FeedInfo no_sender = feed_info();
  no_sender.sender_email.clear();
  const auto bare = ics::render_invitation(no_sender, fe, anna, ics::InvitationMethod::request);
  CHECK(has_line(bare, "ORGANIZER;CN=Länsstyrelsen i Västra Götalands län:mailto:noreply@events.example.org"));
}

TEST_CASE_FIXTURE(Fixture, "ics: a session VEVENT carries its own SEQUENCE plus its event's") {
  integrationsforum.event.sequence = 2;
  integrationsforum.sessions[1].sequence = 3;  // moved three times
  const std::string moved = "UID:session-" + integrationsforum.sessions[1].id + "@events.example.org";
  const std::string still = "UID:session-" + integrationsforum.sessions[0].id + "@events.example.org";
  const auto text = ics::render_feed(feed_info(), {feed_event(integrationsforum)});
  CHECK(property_in(text, moved, "SEQUENCE") == "SEQUENCE:5");
  CHECK(property_in(text, still, "SEQUENCE") == "SEQUENCE:2");
  CHECK(count_prefix(text, "SEQUENCE:2") == 5);  // the event and the four sessions that did not move
  // A cancelled registration raises every VEVENT of the holder's feed by one.
  auto fe = feed_event(integrationsforum);
  fe.attendance = ics::Attendance::cancelled;
  const auto cancelled = ics::render_feed(feed_info(), {fe});
  CHECK(property_in(cancelled, moved, "SEQUENCE") == "SEQUENCE:6");
  check_everywhere(text);
}

TEST_CASE_FIXTURE(Fixture, "ics: a trip's items in their own zones, with place, point, transport and hosts") {
  // The Östersund visit's Cypriot leg on Cyprus time, then a visit on the event's zone.
  Seed trip = ostersund;  // all day, 4–5 September 2019, Europe/Stockholm
  Session leg;
  leg.id = "00000000-0000-4000-9000-000000000501";
  leg.event_id = trip.event.id;
  leg.title = "Flyg Larnaca–Stockholm";
  leg.kind = domain::SessionKind::travel;
  leg.timezone = "Asia/Nicosia";
  leg.starts_at = at("2019-09-04T06:00:00+03:00");
  leg.ends_at = at("2019-09-04T10:05:00+03:00");
  leg.transport = domain::Transport{domain::TransportMode::flight, "Larnaca (LCA)", "Stockholm Arlanda (ARN)",
                                    "Cyprus Airways", "CY 4321"};
  leg.delegation_ids = {"00000000-0000-4000-a000-000000000001"};
  leg.created_at = leg.updated_at = trip.event.updated_at;
  Session visit;
  visit.id = "00000000-0000-4000-9000-000000000502";
  visit.event_id = trip.event.id;
  visit.title = "Besök hos Hej Främling!";
  visit.kind = domain::SessionKind::visit;
  visit.starts_at = at("2019-09-04T13:00:00+02:00");
  visit.ends_at = at("2019-09-04T15:00:00+02:00");
  visit.location = "Lokalen";  // the place wins
  visit.place = domain::Place{"Hej Främling!", "Rådhusgatan 48", "831 82", "Östersund", "SE", 63.1766, 14.6361};
  visit.host_organisation_ids = {"org-hej", "org-unknown"};
  visit.created_at = visit.updated_at = trip.event.updated_at;
  trip.sessions = {leg, visit};
  auto fe = feed_event(trip);
  fe.host_names = {{"org-hej", "Hej Främling!"}};
  const auto text = ics::render_feed(feed_info(), {fe});

  const std::string leg_uid = "UID:session-" + leg.id + "@events.example.org";
  const std::string visit_uid = "UID:session-" + visit.id + "@events.example.org";
  CHECK(property_in(text, leg_uid, "DTSTART") == "DTSTART;TZID=Asia/Nicosia:20190904T060000");
  CHECK(property_in(text, leg_uid, "DTEND") == "DTEND;TZID=Asia/Nicosia:20190904T100500");
  CHECK(property_in(text, visit_uid, "DTSTART") == "DTSTART;TZID=Europe/Stockholm:20190904T130000");
  CHECK(has_line(text, "TZID:Asia/Nicosia"));
  CHECK(has_line(text, "TZID:Europe/Stockholm"));
  CHECK(count_prefix(text, "BEGIN:VTIMEZONE") == 2);
  CHECK(property_in(text, visit_uid, "LOCATION") ==
        "LOCATION:Hej Främling!\\, Rådhusgatan 48\\, 831 82 Östersund\\, SE");
  CHECK(property_in(text, visit_uid, "GEO") == "GEO:63.176600;14.636100");
  CHECK(property_in(text, leg_uid, "GEO").empty());
  // a leg without a place or location is where its event is
  CHECK(property_in(text, leg_uid, "LOCATION") == "LOCATION:Östersund\\, SE");
  const std::string unfolded = unfold(text);
  CHECK(unfolded.find("Flyg: Larnaca (LCA) → Stockholm Arlanda (ARN)\\, Cyprus Airways\\, CY 4321") !=
        std::string::npos);
  CHECK(unfolded.find("Värdar: Hej Främling!\\n") != std::string::npos);  // a host without a name is left out
  CHECK(property_in(text, leg_uid, "CATEGORIES") == "CATEGORIES:Resa");
  CHECK(property_in(text, visit_uid, "CATEGORIES") == "CATEGORIES:Besök");
  check_everywhere(text);
}

TEST_CASE_FIXTURE(Fixture, "ics: a deleted session stays as STATUS:CANCELLED with a raised SEQUENCE") {
  Session gone = integrationsforum.sessions[2];
  gone.sequence = 1;                             // the tombstone's: the session's own plus one
  gone.updated_at = at("2020-11-20T10:00:00Z");  // when it was deleted
  integrationsforum.sessions.erase(integrationsforum.sessions.begin() + 2);
  auto fe = feed_event(integrationsforum);
  fe.entitled_stream_url = *integrationsforum.event.online->stream_url;
  fe.attendance = ics::Attendance::confirmed;
  fe.cancelled_sessions.push_back(&gone);
  const auto text = ics::render_feed(feed_info(), {fe});
  const std::string uid = "UID:session-" + gone.id + "@events.example.org";
  CHECK(count_prefix(text, "BEGIN:VEVENT") == 6);
  CHECK(property_in(text, uid, "STATUS") == "STATUS:CANCELLED");
  CHECK(property_in(text, uid, "SEQUENCE") == "SEQUENCE:1");
  CHECK(property_in(text, uid, "SUMMARY") == "SUMMARY:INSTÄLLD: " + gone.title);
  CHECK(property_in(text, uid, "DTSTAMP") == "DTSTAMP:20201120T100000Z");
  CHECK(property_in(text, uid, "CONFERENCE").empty());  // no link to a session that is not held
  CHECK(count_prefix(text, "STATUS:CONFIRMED") == 5);   // the rest as they are
  check_everywhere(text);
  integrationsforum.event.language = "en";
  const auto en = ics::render_feed(feed_info(), {fe});
  CHECK(property_in(en, uid, "SUMMARY") == "SUMMARY:CANCELLED: " + gone.title);
}

TEST_CASE_FIXTURE(Fixture, "ics import: the rendered seed feeds round-trip") {
  for (const Seed* seed : {&ostersund, &integrationsforum, &fyrbodal}) {
    CAPTURE(seed->event.slug);
    const auto text = ics::render_feed(feed_info(), {feed_event(*seed)});
    const auto result = ics::parse_import(text);
    REQUIRE(result.ok());
    REQUIRE(result.events.size() == 1);
    CHECK(result.skipped.empty());
    REQUIRE(result.sessions.size() == seed->sessions.size());  // the programme, as sessions of the event
    for (std::size_t i = 0; i < seed->sessions.size(); ++i) {
      const auto& item = result.sessions[i];
      const auto& want = seed->sessions[i];
      CHECK(item.parent_uid == ics::event_uid(seed->event.id, "events.example.org"));
      CHECK(item.session.title == want.title);
      CHECK(item.session.kind == want.kind);
      CHECK(item.session.starts_at == want.starts_at);
      CHECK(item.session.ends_at == want.ends_at);
      CHECK(item.session.description == want.description);
      CHECK(item.session.location == want.location);
    }
    const Event& got = result.events[0].event;
    const Event& want = seed->event;
    CHECK(result.events[0].uid == ics::event_uid(want.id, "events.example.org"));
    CHECK(got.title == want.title);
    CHECK(got.status == domain::EventStatus::draft);
    CHECK(got.all_day == want.all_day);
    CHECK(got.starts_at == want.starts_at);
    CHECK(got.ends_at == want.ends_at);
    CHECK(got.starts_on == want.starts_on);
    CHECK(got.ends_on == want.ends_on);
    CHECK(got.timezone == want.timezone);
    CHECK(got.kind == want.kind);
    CHECK(got.tags == want.tags);
    REQUIRE(got.description.has_value());
    CHECK(got.description->starts_with(*want.description));  // plus the contacts
    CHECK(got.description->find("Mer information") == std::string::npos);
    if (want.venue) {
      REQUIRE(got.venue.has_value());
      CHECK(got.venue->city == want.venue->city);
    }
  }
  // Sessions alone (a speaker feed) come back as events with the same times.
  auto fe = feed_event(ostersund);
  fe.include_event = false;
  const auto result = ics::parse_import(ics::render_feed(feed_info(), {fe}));
  REQUIRE(result.ok());
  REQUIRE(result.events.size() == ostersund.sessions.size());
  for (std::size_t i = 0; i < ostersund.sessions.size(); ++i) {
    CHECK(result.events[i].event.title == ostersund.sessions[i].title);
    CHECK(result.events[i].event.starts_at == ostersund.sessions[i].starts_at);
    CHECK(result.events[i].event.ends_at == ostersund.sessions[i].ends_at);
  }
}
