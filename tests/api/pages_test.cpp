// eventd's own pages over real HTTP (docs/PARTICIPANTS.md): the event page in Swedish and
// English, registering by form (and the form shown again with what was wrong), the headers of
// every page. Content is checked, not only statuses: the times shown are the event's zone's.
#include <doctest/doctest.h>

#include <string>

#include "db/migrations.hpp"
#include "support/test_server.hpp"

using namespace eventd::test;

namespace {

std::string quoted(const std::string& text) { return "$q$" + text + "$q$"; }

std::string form_encode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

using Fields = std::vector<std::pair<std::string, std::string>>;

std::string form_body(const Fields& fields) {
  std::string body;
  for (const auto& [name, value] : fields) {
    if (!body.empty()) body += '&';
    body += form_encode(name) + '=' + form_encode(value);
  }
  return body;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

int count_of(const std::string& text, const std::string& part) {
  int n = 0;
  for (auto pos = text.find(part); pos != std::string::npos; pos = text.find(part, pos + 1)) ++n;
  return n;
}

// A published seminar in Swedish, 8 November 2035 09:00–15:30 in Stockholm's zone (08:00Z),
// with two programme items, at Fyrbodal.
struct PageWorld {
  TestServer server;
  std::string event_id;
  std::string session_a;
  std::string session_b;

  explicit PageWorld(ServerSettings settings = {}, int capacity = 10, bool waitlist = true)
      : server(std::move(settings)) {
    auto& db = server.database();
    db.exec("INSERT INTO organisations (slug, name, kind) VALUES ('fyrbodal', " + quoted("Fyrbodals kommunalförbund") +
            ", 'region')");
    event_id = add_event("fyrbodal-seminarium", capacity, waitlist);
    session_a = add_session("Välkommen & inledning", "2035-11-08T08:00:00Z", "2035-11-08T08:30:00Z", "Sal A");
    session_b = add_session("Panel <om> integration", "2035-11-08T08:30:00Z", "2035-11-08T10:00:00Z", "Sal B");
  }

  std::string add_event(const std::string& slug, int capacity, bool waitlist) {
    server.database().exec(
        "INSERT INTO events (slug, title, summary, description, language, kind, format, status, timezone, starts_at, "
        "ends_at, venue_name, venue_street, venue_postal_code, venue_city, venue_country, capacity, waitlist, "
        "organiser_id) VALUES ('" +
        slug + "', " + quoted("Migration & integration i Fyrbodal") + ", " + quoted("En dag om <mottagande>.") + ", " +
        quoted("Första stycket.\n\nAndra stycket.") +
        ", 'sv', 'seminar', 'in_person', 'published', 'Europe/Stockholm', '2035-11-08T08:00:00Z', "
        "'2035-11-08T14:30:00Z', " +
        quoted("Folkets hus") + ", " + quoted("Kungsgatan 1") + ", '462 30', " + quoted("Vänersborg") + ", 'SE', " +
        std::to_string(capacity) + ", " + (waitlist ? "true" : "false") +
        ", (SELECT id FROM organisations WHERE slug = 'fyrbodal'))");
    return server.database().scalar("SELECT id::text FROM events WHERE slug = '" + slug + "'");
  }

  std::string add_session(const std::string& title, const std::string& starts, const std::string& ends,
                          const std::string& location) {
    return server.database().scalar("INSERT INTO sessions (event_id, title, starts_at, ends_at, location) VALUES ('" +
                                    event_id + "', " + quoted(title) + ", '" + starts + "', '" + ends + "', " +
                                    quoted(location) + ") RETURNING id::text");
  }

  HttpResponse post_form(const std::string& target, const Fields& fields, HeaderList headers = {}) {
    headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    return server.request("POST", target, form_body(fields), headers);
  }

  std::string sql(const std::string& query) { return server.database().scalar(query); }
};

void check_page_headers(const HttpResponse& r, const std::string& language) {
  CHECK(r.header("content-type") == "text/html; charset=utf-8");
  CHECK(r.header("content-language") == language);
  CHECK(r.header("content-security-policy") ==
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'");
  CHECK(r.header("x-content-type-options") == "nosniff");
  CHECK(r.header("referrer-policy") == "no-referrer");
  CHECK(r.header("cache-control") == "no-store");
  CHECK(contains(r.body, "<html lang=\"" + language + "\">"));
  CHECK(count_of(r.body, "<h1") == 1);
  CHECK_FALSE(contains(r.body, "<script"));
  CHECK_FALSE(contains(r.body, "style="));
}

}  // namespace

TEST_CASE("page: the event page in the event's language, in English on request, times in its zone") {
  PageWorld w;
  auto sv = w.server.get("/events/fyrbodal-seminarium");
  REQUIRE(sv.status == 200);
  check_page_headers(sv, "sv");
  CHECK(contains(sv.body, "<h1>Migration &amp; integration i Fyrbodal</h1>"));
  CHECK(contains(sv.body, "En dag om &lt;mottagande&gt;."));
  CHECK(contains(sv.body, "<p>Första stycket.</p><p>Andra stycket.</p>"));
  // 08:00Z is 09:00 in Stockholm in November.
  CHECK(contains(sv.body, "8 november 2035 kl. 09:00–15:30"));
  CHECK(contains(sv.body, "Tiderna gäller tidszonen Europe/Stockholm."));
  CHECK(contains(sv.body, "Folkets hus<br>Kungsgatan 1<br>462 30 Vänersborg"));
  CHECK(contains(sv.body, "8 november 2035 kl. 09:30–11:00</span> <span class=\"title\">Panel &lt;om&gt; integration"));
  CHECK(contains(sv.body, "<form method=\"post\" action=\"/events/fyrbodal-seminarium/register\""));
  // Every input has its label.
  for (const std::string& id :
       std::vector<std::string>{"name", "email", "organisation", "needs", "consent", "session-" + w.session_a}) {
    INFO(id);
    CHECK(contains(sv.body, "<label for=\"" + id + "\">"));
    CHECK(contains(sv.body, "id=\"" + id + "\""));
  }
  CHECK(contains(sv.body, "href=\"webcal://127.0.0.1:8080/v1/events/" + w.event_id + "/calendar.ics\""));
  CHECK(contains(sv.body, "href=\"http://127.0.0.1:8080/v1/events/" + w.event_id + "/calendar.ics\""));

  auto en = w.server.get("/events/fyrbodal-seminarium", {{"Accept-Language", "de-DE, en;q=0.8, sv;q=0.5"}});
  REQUIRE(en.status == 200);
  check_page_headers(en, "en");
  CHECK(contains(en.body, "8 November 2035, 09:00–15:30"));
  CHECK(contains(en.body, "Times are in the time zone Europe/Stockholm."));
  CHECK(contains(en.body, ">Register</button>"));

  auto css = w.server.get("/pages.css");
  CHECK(css.status == 200);
  CHECK(css.header("content-type") == "text/css; charset=utf-8");
  CHECK(contains(css.body, "body {"));

  auto missing = w.server.get("/events/no-such-event", {{"Accept-Language", "sv"}});
  CHECK(missing.status == 404);
  check_page_headers(missing, "sv");
  CHECK(contains(missing.body, "Sidan finns inte"));

  // A draft is not shown.
  w.server.database().exec("UPDATE events SET status = 'draft' WHERE id = '" + w.event_id + "'");
  CHECK(w.server.get("/events/fyrbodal-seminarium").status == 404);
}

TEST_CASE("page: registering by form answers a page, sends the link by e-mail and signs nobody in") {
  PageWorld w;
  auto r = w.post_form("/events/fyrbodal-seminarium/register", {{"name", "Göran Pettersson"},
                                                                {"email", "goran@example.se"},
                                                                {"organisation", "Vänersborgs kommun"},
                                                                {"needs", "Vegetarisk"},
                                                                {"session_ids", w.session_b},
                                                                {"consent", "yes"}});
  REQUIRE(r.status == 200);
  check_page_headers(r, "sv");
  CHECK(contains(r.body, "Du har fått en plats på Migration &amp; integration i Fyrbodal."));
  CHECK(contains(r.body, "på väg till goran@example.se"));
  CHECK(r.header("set-cookie").empty());
  CHECK(w.sql("SELECT status || ' ' || name || ' ' || needs || ' ' || "
              "(SELECT string_agg(session_id::text, ',') FROM registration_sessions WHERE registration_id = r.id) "
              "FROM registrations r WHERE email = 'goran@example.se'") ==
        "confirmed Göran Pettersson Vegetarisk " + w.session_b);
  CHECK(w.sql("SELECT count(*) FROM mail_outbox WHERE kind = 'registration_confirmed'") == "1");

  // The same address again: the form again, saying the link was sent again; nothing new.
  auto again = w.post_form("/events/fyrbodal-seminarium/register",
                           {{"name", "Göran P"}, {"email", "goran@example.se"}, {"consent", "yes"}},
                           {{"Accept-Language", "en"}});
  CHECK(again.status == 409);
  check_page_headers(again, "en");
  CHECK(contains(again.body, "This e-mail address is registered already."));
  CHECK(contains(again.body, "value=\"Göran P\""));
  CHECK(w.sql("SELECT count(*) FROM registrations") == "1");
}

TEST_CASE("page: a form with mistakes is shown again with the messages beside the fields and what was typed") {
  PageWorld w;
  auto r = w.post_form("/events/fyrbodal-seminarium/register", {{"name", "  "},
                                                                {"email", "not-an-address"},
                                                                {"organisation", "Org <b>"},
                                                                {"needs", "Rullstol"},
                                                                {"session_ids", w.session_a}});
  REQUIRE(r.status == 422);
  check_page_headers(r, "sv");
  CHECK(contains(r.body, "Anmälan kunde inte skickas."));
  CHECK(contains(r.body, "<span class=\"error\" id=\"name-error\">Skriv ditt namn"));
  CHECK(contains(r.body, "<span class=\"error\" id=\"email-error\">Skriv en giltig e-postadress."));
  CHECK(contains(r.body, "<span class=\"error\" id=\"consent-error\">Du behöver samtycka"));
  CHECK(contains(r.body, "value=\"not-an-address\""));
  CHECK(contains(r.body, "value=\"Org &lt;b&gt;\""));
  CHECK(contains(r.body, ">Rullstol</textarea>"));
  CHECK(contains(r.body, "value=\"" + w.session_a + "\" checked>"));
  CHECK_FALSE(contains(r.body, "value=\"" + w.session_b + "\" checked>"));
  CHECK(contains(r.body, "aria-invalid=\"true\" aria-describedby=\"email-error\""));
  CHECK(w.sql("SELECT count(*) FROM registrations") == "0");
}

TEST_CASE("page: a full event puts the next on the waitlist; a closed one shows no form") {
  PageWorld w({}, 1, true);
  REQUIRE(w.post_form("/events/fyrbodal-seminarium/register",
                      {{"name", "A"}, {"email", "a@example.se"}, {"consent", "yes"}})
              .status == 200);
  auto second =
      w.post_form("/events/fyrbodal-seminarium/register",
                  {{"name", "B"}, {"email", "b@example.se"}, {"consent", "yes"}}, {{"Accept-Language", "en"}});
  REQUIRE(second.status == 200);
  CHECK(contains(second.body, "You are on the waitlist for Migration &amp; integration i Fyrbodal, in place 1."));
  CHECK(contains(w.server.get("/events/fyrbodal-seminarium").body, "du kan ställa dig på väntelistan"));

  w.server.database().exec("UPDATE events SET registration_closes_at = '2020-01-01T00:00:00Z' WHERE id = '" +
                           w.event_id + "'");
  auto page = w.server.get("/events/fyrbodal-seminarium");
  CHECK(contains(page.body, "Anmälan är inte öppen."));
  CHECK_FALSE(contains(page.body, "<form"));
  auto late = w.post_form("/events/fyrbodal-seminarium/register",
                          {{"name", "C"}, {"email", "c@example.se"}, {"consent", "yes"}});
  CHECK(late.status == 409);
  CHECK(contains(late.body, "Anmälan är inte öppen."));
}

TEST_CASE("page: form posts from another site, bodies that are not forms, and too many posts are refused with pages") {
  ServerSettings settings;
  settings.rate_limit_per_minute = "1";
  settings.rate_limit_burst = "2";
  PageWorld w(settings);
  const Fields fields{{"name", "A"}, {"email", "a@example.se"}, {"consent", "yes"}};
  auto foreign = w.post_form("/events/fyrbodal-seminarium/register", fields, {{"Origin", "https://evil.example"}});
  CHECK(foreign.status == 403);
  check_page_headers(foreign, "en");
  CHECK(w.sql("SELECT count(*) FROM registrations") == "0");

  auto json = w.server.request("POST", "/events/fyrbodal-seminarium/register", "{\"name\":\"A\"}",
                               {{"Content-Type", "application/json"}});
  CHECK(json.status == 415);
  CHECK(json.header("content-type") == "text/html; charset=utf-8");

  auto limited = w.post_form("/events/fyrbodal-seminarium/register", fields);
  limited = w.post_form("/events/fyrbodal-seminarium/register", fields);
  CHECK(limited.status == 429);
  CHECK_FALSE(limited.header("retry-after").empty());
  check_page_headers(limited, "en");
}
