// Bytes: folding, escaping and the lint (including the libical 3.0.16 folding defect at
// 73/74 octets), and the importer's handling of odd and hostile uploads.
#include <doctest/doctest.h>
#include <libical/ical.h>

#include <string>
#include <vector>

#include "domain/event.hpp"
#include "domain/time.hpp"
#include "ics/calendar_renderer.hpp"
#include "ics/import.hpp"
#include "ics/lint.hpp"
#include "ics/text.hpp"
#include "support/ics_check.hpp"

namespace {

namespace domain = eventd::domain;
namespace ics = eventd::ics;

domain::Instant at(const char* text) {
  const auto t = domain::parse_rfc3339(text);
  REQUIRE(t.has_value());
  return *t;
}

using eventd::test::unfold;

// Each physical line of a folded text: at most 75 octets, whole UTF-8, CRLF, no empty
// continuation; and unfolding gives the input back.
void check_folding(const std::string& line) {
  const std::string folded = ics::fold_line(line);
  CHECK(folded.ends_with("\r\n"));
  std::size_t pos = 0;
  bool first = true;
  while (pos < folded.size()) {
    const auto end = folded.find("\r\n", pos);
    REQUIRE(end != std::string::npos);
    const std::string physical = folded.substr(pos, end - pos);
    CHECK(physical.size() <= 75);
    CHECK(ics::is_valid_utf8(physical));
    CHECK(physical.find('\r') == std::string::npos);
    CHECK(physical.find('\n') == std::string::npos);
    if (!first) {
      CHECK(physical.size() >= 2);  // a space and at least one octet
      CHECK(physical.front() == ' ');
    }
    first = false;
    pos = end + 2;
  }
  CHECK(unfold(folded) == line + "\r\n");
}

domain::Event plain_event(std::string description) {
  domain::Event e;
  e.id = "00000000-0000-4000-8000-0000000000aa";
  e.title = "Test";
  e.description = std::move(description);
  e.language = "sv";
  e.status = domain::EventStatus::published;
  e.timezone = "Europe/Stockholm";
  e.starts_at = at("2021-03-28T09:00:00+02:00");
  e.ends_at = at("2021-03-28T10:00:00+02:00");
  e.venue = domain::Venue{};
  e.venue->city = "Göteborg";
  e.updated_at = at("2021-03-01T00:00:00Z");
  return e;
}

std::string render_one(const domain::Event& e) {
  ics::FeedEvent fe{.event = e};
  fe.organiser_name = "Forum";
  const ics::FeedInfo feed{"Test", "events.example.org", "", std::chrono::minutes{720}, "Europe/Stockholm"};
  return ics::render_feed(feed, {fe});
}

std::string calendar(const std::string& body) {
  return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//test//EN\r\n" + body + "END:VCALENDAR\r\n";
}

std::string vevent(const std::string& uid, const std::string& props) {
  return "BEGIN:VEVENT\r\nUID:" + uid + "\r\nDTSTAMP:20200101T000000Z\r\n" + props + "END:VEVENT\r\n";
}

}  // namespace

TEST_CASE("ics text: escaping and cleaning") {
  CHECK(ics::escape_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne");
  CHECK(ics::unescape_text("a\\\\b\\;c\\,d\\ne\\Nf") == "a\\b;c,d\ne\nf");
  CHECK(ics::clean_text("a\r\nb\rc\x01\x7f") == "a\nb\nc");
  CHECK(ics::clean_text("bad \xff byte") == "bad \xEF\xBF\xBD byte");
  CHECK(ics::clean_param("say \"hi\"\n") == "say 'hi' ");
  CHECK(ics::is_valid_utf8("åäö ÅÄÖ – ”…”"));
  CHECK_FALSE(ics::is_valid_utf8("\xc3"));          // truncated
  CHECK_FALSE(ics::is_valid_utf8("\xc0\xaf"));      // overlong
  CHECK_FALSE(ics::is_valid_utf8("\xed\xa0\x80"));  // surrogate
}

TEST_CASE("ics text: folding keeps lines within 75 octets and UTF-8 whole") {
  for (std::size_t n = 0; n <= 400; ++n) {
    CAPTURE(n);
    check_folding(std::string(n, 'a'));
  }
  // Multi-byte characters at every offset around the fold points.
  for (std::size_t shift = 0; shift < 8; ++shift) {
    CAPTURE(shift);
    std::string s = "DESCRIPTION:" + std::string(shift, 'x');
    for (int i = 0; i < 60; ++i) s += "åäö";  // 2 octets each
    check_folding(s);
    std::string t = "SUMMARY:" + std::string(shift, 'x');
    for (int i = 0; i < 40; ++i) t += "”€";  // 3 octets each
    t += "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀";        // 4 octets each
    check_folding(t);
  }
}

TEST_CASE("ics text: descriptions of 73, 74, 147 and 148 unbreakable octets (the libical 3.0.16 defect)") {
  ics::initialise();
  for (std::size_t n : {72u, 73u, 74u, 75u, 146u, 147u, 148u, 149u, 221u, 222u}) {
    CAPTURE(n);
    const auto text = render_one(plain_event(std::string(n, 'a')));
    const auto problems = ics::lint_ics(text);
    CHECK_MESSAGE(problems.empty(), (problems.empty() ? std::string{} : problems.front()));
    CHECK(text.find("\r\r") == std::string::npos);
    CHECK(text.find("\r\n \r\n") == std::string::npos);
    CHECK(unfold(text).find("\r\nDESCRIPTION:" + std::string(n, 'a') + "\r\n") != std::string::npos);
    // The same with the whole content line (name + value) at those lengths.
    const std::size_t value = n > 12 ? n - 12 : 1;  // "DESCRIPTION:" is 12 octets
    const auto whole = render_one(plain_event(std::string(value, 'b')));
    CHECK(ics::lint_ics(whole).empty());
  }
  // libical's own folding, for the record: the lint catches what it writes at 73/74.
  for (std::size_t n : {73u, 74u}) {
    icalproperty* p = icalproperty_new_description(std::string(n, 'a').c_str());
    const std::string own = icalproperty_as_ical_string(p);
    icalproperty_free(p);
    const bool broken = own.find("\r\r") != std::string::npos || own.find("\r\n \r\n") != std::string::npos;
    if (broken) {
      CHECK_FALSE(ics::lint_ics("BEGIN:VCALENDAR\r\n" + own + "END:VCALENDAR\r\n").empty());
    } else {
      MESSAGE("libical no longer shows the 3.0.16 folding defect at " << n << " octets");
    }
  }
}

TEST_CASE("ics text: long Swedish text with å, ä, ö near the fold points") {
  ics::initialise();
  std::string description;
  for (int i = 0; i < 30; ++i) {
    description += "Över ån på ängen, år för år – ”Hej Främling!” och idéburet offentligt partnerskap; ";
    description += std::string(static_cast<std::size_t>(i % 7), 'x');
    description += "\n";
  }
  auto e = plain_event(description);
  e.title = std::string(50, 'x') + "ååååäääööö ÅÄÖ; kommatecken, semikolon och \\ bakstreck";
  e.tags = {"åäö, med komma", "semi;kolon"};
  const auto text = render_one(e);
  const auto problems = ics::lint_ics(text);
  CHECK_MESSAGE(problems.empty(), (problems.empty() ? std::string{} : problems.front()));
  const auto unfolded = unfold(text);
  CHECK(unfolded.find("SUMMARY:" + std::string(50, 'x') +
                      "ååååäääööö ÅÄÖ\\; kommatecken\\, semikolon och \\\\ bakstreck\r\n") != std::string::npos);
  CHECK(unfolded.find("CATEGORIES:Seminarium,åäö\\, med komma,semi\\;kolon\r\n") != std::string::npos);
  // libical reads it back to the same text.
  const auto result = ics::parse_import(text);
  REQUIRE(result.ok());
  REQUIRE(result.events.size() == 1);
  CHECK(result.events[0].event.title == e.title);
  CHECK(result.events[0].event.description == description.substr(0, description.size() - 1));  // trimmed
  CHECK(result.events[0].event.tags == std::vector<std::string>{"åäö, med komma", "semi;kolon"});
}

TEST_CASE("ics text: X-properties get their commas escaped") {
  ics::initialise();
  const domain::Event e = plain_event("x");
  ics::FeedEvent fe{.event = e};
  const ics::FeedInfo feed{"Möten, seminarier; och mer", "h", "", std::chrono::minutes{90}, "Europe/Stockholm"};
  const auto text = unfold(ics::render_feed(feed, {fe}));
  CHECK(text.find("\r\nX-WR-CALNAME:Möten\\, seminarier\\; och mer\r\n") != std::string::npos);
  CHECK(text.find("\r\nNAME:Möten\\, seminarier\\; och mer\r\n") != std::string::npos);
  CHECK(text.find("\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H30M\r\n") != std::string::npos);
  CHECK(text.find("\r\nX-PUBLISHED-TTL:PT1H30M\r\n") != std::string::npos);
  // Without the organisation's address a feed names no ORGANIZER (no made-up address).
  CHECK(text.find("ORGANIZER") == std::string::npos);
}

TEST_CASE("ics text: a compact VTIMEZONE for zones without a yearly rule") {
  ics::initialise();
  auto e = plain_event("x");
  e.timezone = "Asia/Tokyo";
  e.starts_at = at("2021-05-01T10:00:00+09:00");
  e.ends_at = at("2021-05-01T11:00:00+09:00");
  const auto folded = render_one(e);
  CHECK(ics::lint_ics(folded).empty());
  const auto text = unfold(folded);
  CHECK(text.find("TZID:Asia/Tokyo") != std::string::npos);
  CHECK(text.find("BEGIN:DAYLIGHT") == std::string::npos);
  CHECK(text.find("TZOFFSETTO:+0900") != std::string::npos);
  CHECK(text.find("DTSTART;TZID=Asia/Tokyo:20210501T100000") != std::string::npos);
}

TEST_CASE("ics lint: finds what is wrong") {
  const std::string ok = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n";
  CHECK(ics::lint_ics(ok).empty());
  CHECK_FALSE(ics::lint_ics("BEGIN:VCALENDAR\nVERSION:2.0\r\nEND:VCALENDAR\r\n").empty());  // bare LF
  CHECK_FALSE(ics::lint_ics("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR").empty());    // no final CRLF
  CHECK_FALSE(ics::lint_ics("BEGIN:VCALENDAR\r\nX:a\r\r\n \nEND:VCALENDAR\r\n").empty());   // CR CR LF SP LF
  CHECK_FALSE(ics::lint_ics("BEGIN:VCALENDAR\r\nX:a\r\n \r\nEND:VCALENDAR\r\n").empty());   // CR LF SP CR LF
  CHECK_FALSE(ics::lint_ics("BEGIN:VCALENDAR\r\nX:" + std::string(74, 'a') + "\r\nEND:VCALENDAR\r\n").empty());
  CHECK(ics::lint_ics("BEGIN:VCALENDAR\r\nX:" + std::string(73, 'a') + "\r\nEND:VCALENDAR\r\n").empty());
  CHECK_FALSE(ics::lint_ics("BEGIN:VCALENDAR\r\nX:\xc3\r\n \xa5\r\nEND:VCALENDAR\r\n").empty());  // split å
  CHECK_FALSE(ics::lint_ics("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR\r\n").empty());     // unbalanced
  CHECK_FALSE(ics::lint_ics("").empty());
}

TEST_CASE("ics import: times, zones and places") {
  ics::initialise();
  SUBCASE("TZID with libical's prefix, UTC and floating") {
    const auto text = calendar(
        vevent("a",
               "SUMMARY:Prefixed\r\nDTSTART;TZID=/freeassociation.sourceforge.net/Europe/Stockholm:20201126T090000\r\n"
               "DTEND;TZID=/freeassociation.sourceforge.net/Europe/Stockholm:20201126T160000\r\n") +
        vevent("b", "SUMMARY:Utc\r\nDTSTART:20201126T080000Z\r\nDURATION:PT7H\r\n") +
        vevent("c", "SUMMARY:Floating\r\nDTSTART:20190904T090000\r\nDTEND:20190904T093000\r\n") +
        vevent("d",
               "SUMMARY:Windows\r\nDTSTART;TZID=W. Europe Standard Time:20201126T090000\r\n"
               "DTEND;TZID=W. Europe Standard Time:20201126T100000\r\n"));
    const auto r = ics::parse_import(text);
    REQUIRE(r.ok());
    REQUIRE(r.events.size() == 4);
    CHECK(r.events[0].event.starts_at == at("2020-11-26T08:00:00Z"));
    CHECK(r.events[0].event.ends_at == at("2020-11-26T15:00:00Z"));
    CHECK(r.events[0].event.timezone == "Europe/Stockholm");
    CHECK(r.events[1].event.starts_at == at("2020-11-26T08:00:00Z"));
    CHECK(r.events[1].event.ends_at == at("2020-11-26T15:00:00Z"));
    CHECK(r.events[2].event.starts_at == at("2019-09-04T07:00:00Z"));  // read in the default zone
    CHECK(r.events[3].event.starts_at == at("2020-11-26T08:00:00Z"));
    CHECK(r.events[3].event.timezone == "Europe/Stockholm");  // same offsets as W. Europe then
  }
  SUBCASE("all-day: ends_on is DTEND - 1 day") {
    const auto r = ics::parse_import(
        calendar(vevent("x",
                        "SUMMARY:Studieresa\r\nDTSTART;VALUE=DATE:20190904\r\nDTEND;VALUE=DATE:20190906\r\n"
                        "LOCATION:Stadsbiblioteket\\, Kungsgatan 1\\, 831 82 Östersund\\, Sverige\r\n"
                        "GEO:63.1792;14.6357\r\nCATEGORIES:studiebesök,iop\r\n") +
                 vevent("y", "SUMMARY:En dag\r\nDTSTART;VALUE=DATE:20190910\r\n")));
    REQUIRE(r.ok());
    REQUIRE(r.events.size() == 2);
    const auto& e = r.events[0].event;
    CHECK(e.all_day);
    CHECK(e.starts_on == domain::parse_date("2019-09-04"));
    CHECK(e.ends_on == domain::parse_date("2019-09-05"));
    REQUIRE(e.venue.has_value());
    CHECK(e.venue->name == "Stadsbiblioteket");
    CHECK(e.venue->street == "Kungsgatan 1");
    CHECK(e.venue->postal_code == "831 82");
    CHECK(e.venue->city == "Östersund");
    CHECK(e.venue->country == "SE");
    CHECK(e.venue->latitude == doctest::Approx(63.1792));
    CHECK(e.kind == domain::EventKind::study_visit);
    CHECK(e.tags == std::vector<std::string>{"iop"});
    CHECK(r.events[1].event.ends_on == domain::parse_date("2019-09-10"));
  }
  SUBCASE("online: a link is kept, never public") {
    const auto r = ics::parse_import(
        calendar(vevent("z",
                        "SUMMARY:Webbinarium\r\nDTSTART:20221009T070000Z\r\nDTEND:20221009T100000Z\r\n"
                        "LOCATION:https://zoom.us/j/123\r\n")));
    REQUIRE(r.events.size() == 1);
    const auto& e = r.events[0].event;
    CHECK(e.format == domain::EventFormat::online);
    REQUIRE(e.online.has_value());
    CHECK(e.online->stream_url == "https://zoom.us/j/123");
    CHECK(e.online->access == domain::OnlineAccess::registered);
  }
}

TEST_CASE("ics import: what is skipped, with a reason") {
  ics::initialise();
  const auto text = calendar(
      vevent("rec",
             "SUMMARY:Varje vecka\r\nDTSTART:20200101T090000Z\r\nDTEND:20200101T100000Z\r\nRRULE:FREQ=WEEKLY\r\n") +
      vevent("nostart", "SUMMARY:Ingen start\r\n") +
      vevent("notitle", "DTSTART:20200101T090000Z\r\nDTEND:20200101T100000Z\r\n") +
      vevent("gap",
             "SUMMARY:Finns inte\r\nDTSTART;TZID=Europe/Stockholm:20210328T023000\r\n"
             "DTEND;TZID=Europe/Stockholm:20210328T040000\r\n") +
      vevent("twice",
             "SUMMARY:Två gånger\r\nDTSTART;TZID=Europe/Stockholm:20211031T023000\r\n"
             "DTEND;TZID=Europe/Stockholm:20211031T040000\r\n") +
      vevent("backwards", "SUMMARY:Baklänges\r\nDTSTART:20200101T100000Z\r\nDTEND:20200101T090000Z\r\n") +
      vevent("mars",
             "SUMMARY:Okänd "
             "zon\r\nDTSTART;TZID=Mars/Olympus:20200101T100000\r\nDTEND;TZID=Mars/Olympus:20200101T110000\r\n") +
      vevent("noend", "SUMMARY:Inget slut\r\nDTSTART:20200101T100000Z\r\n") +
      vevent("good", "SUMMARY:Bra\r\nDTSTART:20200101T100000Z\r\nDTEND:20200101T110000Z\r\n"));
  const auto r = ics::parse_import(text);
  REQUIRE(r.ok());
  REQUIRE(r.events.size() == 1);
  CHECK(r.events[0].uid == "good");
  REQUIRE(r.skipped.size() == 8);
  auto reason = [&](const std::string& uid) {
    for (const auto& s : r.skipped) {
      if (s.uid == uid) return s.reason;
    }
    return std::string("<not skipped>");
  };
  CHECK(reason("rec") == "recurring events (RRULE) are not supported");
  CHECK(reason("nostart") == "no DTSTART");
  CHECK(reason("notitle") == "no SUMMARY (title)");
  CHECK(reason("gap").find("does not exist in Europe/Stockholm") != std::string::npos);
  CHECK(reason("twice").find("occurs twice") != std::string::npos);
  CHECK(reason("backwards") == "DTEND is not after DTSTART");
  CHECK(reason("mars").find("unknown time zone") != std::string::npos);
  CHECK(reason("noend") == "no DTEND or DURATION");
}

TEST_CASE("ics import: hostile uploads are refused, never a crash") {
  ics::initialise();
  const std::string good =
      calendar(vevent("g", "SUMMARY:Bra\r\nDTSTART:20200101T100000Z\r\nDTEND:20200101T110000Z\r\n"));
  REQUIRE(ics::parse_import(good).ok());

  SUBCASE("truncated at every length") {
    for (std::size_t n = 0; n < good.size(); ++n) {
      CAPTURE(n);
      const auto r = ics::parse_import(std::string_view(good).substr(0, n));
      if (r.ok()) {
        CHECK(r.events.size() <= 1);
      } else {
        CHECK_FALSE(r.error->empty());
      }
    }
    CHECK_FALSE(ics::parse_import(std::string_view(good).substr(0, good.size() / 2)).ok());
  }
  SUBCASE("10 MB") {
    std::string big = "BEGIN:VCALENDAR\r\nX-PAD:";
    big += std::string(10 * 1024 * 1024, 'a');
    big += "\r\nEND:VCALENDAR\r\n";
    const auto r = ics::parse_import(big);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error->find("larger than") != std::string::npos);
  }
  SUBCASE("nested 1000 deep") {
    std::string deep = "BEGIN:VCALENDAR\r\n";
    for (int i = 0; i < 1000; ++i) deep += "BEGIN:VEVENT\r\n";
    for (int i = 0; i < 1000; ++i) deep += "END:VEVENT\r\n";
    deep += "END:VCALENDAR\r\n";
    const auto r = ics::parse_import(deep);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error->find("nested deeper") != std::string::npos);
    // Even with the gate opened, libical copes.
    ics::ImportLimits open;
    open.max_depth = 2000;
    open.max_components = 5000;
    open.max_events = 5000;
    const auto r2 = ics::parse_import(deep, open);
    CHECK((r2.ok() || !r2.error->empty()));
  }
  SUBCASE("many components") {
    std::string many = "BEGIN:VCALENDAR\r\n";
    for (int i = 0; i < 3000; ++i) many += "BEGIN:VTODO\r\nEND:VTODO\r\n";
    many += "END:VCALENDAR\r\n";
    CHECK_FALSE(ics::parse_import(many).ok());
  }
  SUBCASE("invalid UTF-8, binary, garbage, empty") {
    CHECK(ics::parse_import(calendar(vevent("u", "SUMMARY:\xff\xfe bad\r\nDTSTART:20200101T100000Z\r\n"))).error ==
          "the calendar is not valid UTF-8");
    std::string binary = good;
    binary[20] = '\0';
    CHECK_FALSE(ics::parse_import(binary).ok());
    CHECK_FALSE(ics::parse_import("\x89PNG\r\n\x1a\n").ok());
    CHECK_FALSE(ics::parse_import("hello world").ok());
    CHECK_FALSE(ics::parse_import("").ok());
    CHECK_FALSE(ics::parse_import("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n").ok());  // no events
    CHECK_FALSE(ics::parse_import("END:VCALENDAR\r\nBEGIN:VCALENDAR\r\n").ok());
    CHECK_FALSE(ics::parse_import(good + good).ok());  // two calendars
  }
  SUBCASE("odd but harmless: LF line ends, a byte-order mark, bad values") {
    std::string lf = good;
    for (std::size_t p; (p = lf.find("\r\n")) != std::string::npos;) lf.replace(p, 2, "\n");
    CHECK(ics::parse_import(lf).events.size() == 1);
    CHECK(ics::parse_import("\xEF\xBB\xBF" + good).events.size() == 1);
    const auto r =
        ics::parse_import(calendar(vevent("v", "SUMMARY:X\r\nDTSTART:2020-01-01\r\nDTEND:garbage\r\n") +
                                   vevent("w", "SUMMARY:Y\r\nDTSTART:99999999T999999Z\r\nDTEND:20200101T110000Z\r\n")));
    REQUIRE(r.ok());
    CHECK(r.events.empty());
    REQUIRE(r.skipped.size() == 2);
    CHECK(r.skipped[0].reason.starts_with("unreadable DTEND"));
    CHECK(r.skipped[1].reason == "DTSTART is not a valid date or date-time");
  }
}
