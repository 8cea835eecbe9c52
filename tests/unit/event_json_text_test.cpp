// The event written as text (the list's fast path) is byte for byte the document's dump().
#include <doctest/doctest.h>

#include <string>

#include "domain/time.hpp"
#include "http/dto/event.hpp"
#include "http/json.hpp"

namespace {

using eventd::domain::Event;

Event bare_event() {
  Event e;
  e.id = "5b1c2d3e-0000-4000-8000-000000000001";
  e.slug = "a-day";
  e.title = "A day";
  e.timezone = "Europe/Stockholm";
  e.organiser_id = "5b1c2d3e-0000-4000-8000-0000000000aa";
  e.created_at = eventd::domain::Instant{std::chrono::seconds{1600000000}};
  e.updated_at = eventd::domain::Instant{std::chrono::seconds{1600000123} + std::chrono::microseconds{456}};
  return e;
}

Event full_event() {
  Event e = bare_event();
  e.title = "Välkommen \"hit\" \\ \b\f\n\r\t\x01\x1f\x7f – 日本 😀 </script>";
  e.summary = "Kort.";
  e.description = std::string("Rad ett\nrad två\u2028") + '\x00' + "slut";
  e.all_day = false;
  e.starts_at = eventd::domain::Instant{std::chrono::seconds{1700000000}};
  e.ends_at = eventd::domain::Instant{std::chrono::seconds{1700007200}};
  e.venue = eventd::domain::Venue{
      "Hall", "Gatan 1", "111 22", "Stockholm", std::nullopt, "SE", 59.329323, 18.0686,
  };
  e.online = eventd::domain::Online{"Zoom", "https://example.org/live?a=1&b=2", eventd::domain::OnlineAccess::public_};
  e.partner_ids = {"5b1c2d3e-0000-4000-8000-0000000000bb", "5b1c2d3e-0000-4000-8000-0000000000cc"};
  e.partner_statuses = {eventd::domain::PartnerStatus::accepted, eventd::domain::PartnerStatus::pending};
  e.series = "vår";
  e.project = eventd::domain::Project{"Projekt", std::nullopt};
  e.audience = "Alla";
  e.tags = {"a", "b \"c\"", "ö"};
  e.capacity = 40;
  e.waitlist = true;
  e.registration_opens_at = eventd::domain::Instant{std::chrono::seconds{1690000000}};
  e.contacts = {{"Kontakt", "samordnare", "k@example.org", std::nullopt}, {"Två", std::nullopt, std::nullopt, "+46 8"}};
  e.sequence = 3;
  e.version = 17;
  e.counts.confirmed = 12;
  e.counts.waitlisted = 2;
  e.counts.capacity_left = 28;
  e.organiser_frontend_url = "https://org.example";
  return e;
}

void check_same(const Event& e, bool show_stream_url, bool for_organiser, std::string_view frontend_url = {}) {
  const std::string expected =
      eventd::http::dto::event_json(e, show_stream_url, for_organiser, "https://events.example", frontend_url).dump();
  std::string written;
  eventd::http::dto::append_event_json(written, e, show_stream_url, for_organiser, "https://events.example",
                                       frontend_url);
  CHECK(written == expected);
}

}  // namespace

TEST_CASE("event_json_text: the written event is the document's dump, byte for byte") {
  for (bool stream : {false, true}) {
    for (bool organiser : {false, true}) {
      check_same(bare_event(), stream, organiser);
      check_same(full_event(), stream, organiser);
      check_same(full_event(), stream, organiser, "https://front.example");
    }
  }
  Event all_day = bare_event();
  all_day.all_day = true;
  all_day.starts_on = eventd::domain::Date{std::chrono::year{2024} / 5 / 1};
  all_day.ends_on = eventd::domain::Date{std::chrono::year{2024} / 5 / 3};
  all_day.venue = eventd::domain::Venue{std::nullopt, std::nullopt, std::nullopt, "Uppsala",
                                        std::nullopt, std::nullopt, std::nullopt, std::nullopt};
  check_same(all_day, false, false);

  // An included member goes at its place among the names.
  Event e = full_event();
  const nlohmann::json organiser = {{"organiser", {{"id", "x"}, {"name", "Org"}}}};
  nlohmann::json document =
      eventd::http::dto::event_json(e, false, false, "https://events.example", "https://front.example");
  document["included"] = organiser;
  std::string written;
  eventd::http::dto::append_event_json(written, e, false, false, "https://events.example", "https://front.example",
                                       organiser.dump());
  CHECK(written == document.dump());
}

TEST_CASE("event_json_text: strings and numbers as dump() writes them") {
  for (const std::string& text : {std::string(""), std::string("plain"), std::string("\x7f\xc3\xa5\"\\/"),
                                  std::string("a\0b", 3), std::string("\x1b[0m")}) {
    std::string written;
    eventd::http::append_json_string(written, text);
    CHECK(written == nlohmann::json(text).dump());
  }
  // Escapes and UTF-8 at every place of the eight-byte chunks the writer classifies at once.
  for (const std::string& special : {std::string("\""), std::string("\\"), std::string("\n"), std::string(1, '\0'),
                                     std::string("\x1f"), std::string("\xc3\xa5"), std::string("\xe2\x80\xa8")}) {
    for (std::size_t before = 0; before < 18; ++before) {
      for (std::size_t after : {0, 1, 7, 8, 9}) {
        const std::string text = std::string(before, 'a') + special + std::string(after, 'b') + special;
        std::string written = "x";
        eventd::http::append_json_string(written, text);
        CHECK(written == "x" + nlohmann::json(text).dump());
      }
    }
  }
  // Invalid UTF-8 is refused as dump() refuses it.
  std::string written;
  CHECK_THROWS_AS(eventd::http::append_json_string(written, "\xc3("), nlohmann::json::type_error);
  CHECK_THROWS_AS(eventd::http::append_json_string(written, "long enough text, then \xff"), nlohmann::json::type_error);
  for (const double value : {0.0, -1.5, 59.329323, 18.0, 1e21, 1.0 / 3}) {
    std::string number;
    eventd::http::append_json_number(number, value);
    CHECK(number == nlohmann::json(value).dump());
  }
  for (const long long value : {0LL, -1LL, 42LL, 9223372036854775807LL}) {
    std::string number;
    eventd::http::append_json_number(number, value);
    CHECK(number == nlohmann::json(value).dump());
  }
}
