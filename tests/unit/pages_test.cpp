// The pages without I/O: the catalogues, the language, dates in a zone, the form parser, QR.
#include <doctest/doctest.h>

#include <regex>
#include <set>

#include "app/embedded.hpp"
#include "domain/error.hpp"
#include "http/form.hpp"
#include "pages/catalogue.hpp"
#include "pages/dates.hpp"
#include "pages/qr.hpp"
#include "pages/render.hpp"

using namespace eventd;
using pages::Language;

TEST_CASE("pages: every text has a Swedish and an English translation, and every {{t.key}} of a template exists") {
  const auto sv = pages::catalogue(Language::sv).keys();
  const auto en = pages::catalogue(Language::en).keys();
  const std::set<std::string> swedish(sv.begin(), sv.end());
  const std::set<std::string> english(en.begin(), en.end());
  for (const auto& key : swedish) {
    INFO("missing in en.txt: ", key);
    CHECK(english.count(key) == 1);
  }
  for (const auto& key : english) {
    INFO("missing in sv.txt: ", key);
    CHECK(swedish.count(key) == 1);
  }
  const std::regex text_tag("\\{\\{t\\.([a-z0-9_]+)\\}\\}");
  int tags = 0;
  for (const auto& file : embedded::page_files()) {
    if (!std::string_view(file.name).ends_with(".html")) continue;
    const std::string content(file.content);
    for (std::sregex_iterator it(content.begin(), content.end(), text_tag), end; it != end; ++it) {
      INFO(file.name, " names ", (*it)[1].str());
      CHECK(swedish.count((*it)[1].str()) == 1);
      ++tags;
    }
  }
  CHECK(tags > 20);
  CHECK_THROWS_AS(pages::catalogue(Language::sv).text("no_such_key"), mail::TemplateError);
  CHECK_THROWS_AS(pages::parse_catalogue("a = 1\na = 2\n"), mail::TemplateError);
  CHECK_THROWS_AS(pages::parse_catalogue("no equals sign\n"), mail::TemplateError);
  CHECK(pages::catalogue(Language::en).format("registered_confirmed", {{"event", "<X>"}}) == "You have a seat at <X>.");
}

TEST_CASE("pages: times are shown in the event's zone, in the page's language") {
  const auto start = *domain::parse_rfc3339("2035-11-08T08:00:00Z");
  const auto end = *domain::parse_rfc3339("2035-11-08T14:30:00Z");
  CHECK(pages::format_span(start, end, "Europe/Stockholm", Language::sv) == "8 november 2035 kl. 09:00–15:30");
  CHECK(pages::format_span(start, end, "Europe/Stockholm", Language::en) == "8 November 2035, 09:00–15:30");
  // Summer time, and a span across midnight there.
  const auto june = *domain::parse_rfc3339("2035-06-01T20:00:00Z");
  const auto next = *domain::parse_rfc3339("2035-06-01T23:00:00Z");
  CHECK(pages::format_span(june, next, "Europe/Stockholm", Language::en) == "1 June 2035, 22:00 – 2 June 2035, 01:00");
}

TEST_CASE("pages: the form parser keeps within its limits") {
  auto form = http::Form::parse("name=G%C3%B6ran+P&session_ids=a&session_ids=b&consent=yes&&empty=");
  CHECK(form.get("name") == "Göran P");
  CHECK(form.all("session_ids") == std::vector<std::string>{"a", "b"});
  CHECK(form.get("empty") == "");
  CHECK_FALSE(form.get("missing"));
  CHECK(http::Form::parse("").fields().empty());
  auto code_of = [](std::string_view body, const http::FormLimits& limits = {}) {
    try {
      http::Form::parse(body, limits);
      return 0;
    } catch (const domain::Error& e) {
      return static_cast<int>(e.code());
    }
  };
  using domain::ErrorCode;
  CHECK(code_of("a=%zz") == static_cast<int>(ErrorCode::bad_request));
  CHECK(code_of("a=%ff") == static_cast<int>(ErrorCode::bad_request));  // not UTF-8
  CHECK(code_of(std::string(70 * 1024, 'a')) == static_cast<int>(ErrorCode::payload_too_large));
  http::FormLimits small;
  small.max_fields = 3;
  small.max_repeats = 2;
  small.max_name_bytes = 4;
  small.max_value_bytes = 5;
  CHECK(code_of("a=1&b=2&c=3&d=4", small) == static_cast<int>(ErrorCode::bad_request));
  CHECK(code_of("a=1&a=2&a=3", small) == static_cast<int>(ErrorCode::bad_request));
  CHECK(code_of("abcde=1", small) == static_cast<int>(ErrorCode::bad_request));
  CHECK(code_of("a=123456", small) == static_cast<int>(ErrorCode::bad_request));
  CHECK(code_of("a=1&a=2&b=12345", small) == 0);
}

TEST_CASE("pages: a QR code is an SVG of dark modules") {
  const std::string svg = pages::qr_svg("https://events.example/v1/feeds/evf_x/calendar.ics", "Kalender <QR>");
  CHECK(svg.starts_with("<svg "));
  CHECK(svg.find("aria-label=\"Kalender &lt;QR&gt;\"") != std::string::npos);
  CHECK(svg.find("h1v1h-1z") != std::string::npos);
  CHECK(svg.find("style") == std::string::npos);  // the pages' CSP allows no inline style
}

TEST_CASE("pages: the stylesheet and the page templates are compiled in") {
  CHECK(pages::stylesheet().find("body") != std::string_view::npos);
  const auto names = pages::page_names();
  CHECK(std::find(names.begin(), names.end(), "event") != names.end());
  // Layout and a page render; an unknown value is an error, not an empty string.
  mail::TemplateData data;
  data.set("heading", std::string("Rubrik & mer"));
  data.set("paragraphs", mail::TemplateData(mail::TemplateData::type::list));
  data.set("link", false);
  const std::string html = pages::render_page(Language::sv, "message", "Titel", data);
  CHECK(html.find("<html lang=\"sv\">") != std::string::npos);
  CHECK(html.find("<h1>Rubrik &amp; mer</h1>") != std::string::npos);
  mail::TemplateData missing;
  CHECK_THROWS_AS(pages::render_page(Language::sv, "message", "Titel", missing), mail::TemplateError);
}

TEST_CASE("templates: lists, nested objects and booleans") {
  mail::TemplateData data;
  mail::TemplateData items(mail::TemplateData::type::list);
  for (const char* name : {"a<", "b"}) {
    mail::TemplateData item;
    item.set("name", std::string(name));
    item.set("first", std::string(name) == "a<");
    items.push_back(item);
  }
  data.set("items", items);
  data.set("none", mail::TemplateData(mail::TemplateData::type::list));
  data.set("empty", std::string());
  CHECK(mail::render_template_data("{{#items}}[{{name}}{{#first}}*{{/first}}]{{/items}}{{^none}}-{{/none}}"
                                   "{{#empty}}x{{/empty}}{{^empty}}e{{/empty}}",
                                   data, mail::Escaping::html) == "[a&lt;*][b]-e");
  CHECK_THROWS_AS(mail::render_template_data("{{#items}}{{nmae}}{{/items}}", data, mail::Escaping::none),
                  mail::TemplateError);
  CHECK_THROWS_AS(mail::render_template_data("{{#items}}", data, mail::Escaping::none), mail::TemplateError);
  // Standalone section lines keep their newline (the mail templates' rule).
  CHECK(mail::render_template_data("a\n{{#items}}\n{{/items}}\nb", data, mail::Escaping::none) == "a\n\n\n\nb");
}
