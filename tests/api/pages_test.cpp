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

  // Registers `email` for `slug` by form; its registration's id.
  std::string register_by_form(const std::string& email, const std::string& slug = "fyrbodal-seminarium") {
    auto r = post_form("/events/" + slug + "/register",
                       {{"name", "Göran Pettersson"}, {"email", email}, {"consent", "yes"}});
    REQUIRE(r.status == 200);
    return sql("SELECT r.id::text FROM registrations r JOIN events e ON e.id = r.event_id WHERE r.email = '" + email +
               "' AND e.slug = '" + slug + "'");
  }

  // A single-use code for `email`, as the links of the e-mails carry (the outbox holds the
  // messages MIME-encoded; the code's row is what the service checks).
  std::string code_for(const std::string& email) {
    static int counter = 0;
    std::string code = "evc_PageTestCode" + std::to_string(++counter);
    code.resize(47, 'x');
    server.database().exec("INSERT INTO person_codes (code_hash, email, purpose, expires_at) VALUES (decode('" +
                           eventd::db::sha256_hex(code) + "', 'hex'), '" + email +
                           "', 'mail_link', now() + interval '1 day')");
    return code;
  }

  // Opens `path` with a fresh code of `email` (its landing page's button): the session's
  // cookie ("eventd_session=evu_…").
  std::string sign_in(const std::string& email, const std::string& path) {
    auto opened = post_form(path, {{"action", "open"}, {"code", code_for(email)}});
    REQUIRE(opened.status == 303);
    const std::string set_cookie = opened.header("set-cookie");
    return set_cookie.substr(0, set_cookie.find(';'));
  }
};

// The CSRF token of the page's first form.
std::string csrf_of(const std::string& page) {
  const std::string marker = "name=\"csrf\" value=\"";
  const auto start = page.find(marker);
  REQUIRE(start != std::string::npos);
  const auto end = page.find('"', start + marker.size());
  return page.substr(start + marker.size(), end - start - marker.size());
}

void check_page_headers(const HttpResponse& r, const std::string& language) {
  CHECK(r.header("content-type") == "text/html; charset=utf-8");
  CHECK(r.header("content-language") == language);
  CHECK(r.header("content-security-policy") ==
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'");
  CHECK(r.header("x-content-type-options") == "nosniff");
  CHECK(r.header("referrer-policy") == "same-origin");
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

TEST_CASE("page: a code opens once, sets the cookie, and the clean URL works with the cookie alone") {
  PageWorld w;
  const std::string id = w.register_by_form("goran@example.se");
  const std::string code = w.code_for("goran@example.se");
  // The link's page spends nothing (e-mail scanners fetch links): a button posts the code.
  auto landing = w.server.get("/registrations/" + id + "?code=" + code, {{"Accept-Language", "sv-SE"}});
  REQUIRE(landing.status == 200);
  check_page_headers(landing, "sv");
  CHECK(contains(landing.body, "Öppna din sida"));
  CHECK(landing.header("set-cookie").empty());
  CHECK(contains(landing.body, "<form method=\"post\" action=\"/registrations/" + id + "\">"));
  CHECK(contains(landing.body, "name=\"code\" value=\"" + code + "\""));
  CHECK(w.sql("SELECT count(*) FROM person_codes WHERE used_at IS NOT NULL") == "0");
  // A post from another site opens nothing.
  CHECK(w.post_form("/registrations/" + id, {{"action", "open"}, {"code", code}}, {{"Origin", "https://evil.example"}})
            .status == 403);
  auto opened =
      w.post_form("/registrations/" + id, {{"action", "open"}, {"code", code}}, {{"Origin", "http://127.0.0.1:8080"}});
  REQUIRE(opened.status == 303);
  CHECK(opened.header("location") == "/registrations/" + id);
  const std::string set_cookie = opened.header("set-cookie");
  CHECK(set_cookie.starts_with("eventd_session=evu_"));
  CHECK(contains(set_cookie, "; HttpOnly"));
  CHECK(contains(set_cookie, "; SameSite=Strict"));
  CHECK(contains(set_cookie, "; Path=/"));
  CHECK(contains(set_cookie, "; Max-Age=2592000"));
  CHECK_FALSE(contains(set_cookie, "Secure"));  // EVENTD_PUBLIC_URL is http here
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));

  auto page = w.server.get("/registrations/" + id, {{"Cookie", cookie}});
  REQUIRE(page.status == 200);
  check_page_headers(page, "sv");
  CHECK(contains(page.body, "<h1>Din anmälan</h1>"));
  CHECK(contains(page.body, "Du har en plats."));
  CHECK(contains(page.body, "Migration &amp; integration i Fyrbodal"));
  CHECK(contains(page.body, "8 november 2035 kl. 09:00–15:30"));
  CHECK(contains(page.body, "href=\"/registrations/" + id + "/invite.ics\""));
  CHECK(contains(page.body, "<label for=\"session-" + w.session_a + "\">"));

  auto invite = w.server.get("/registrations/" + id + "/invite.ics", {{"Cookie", cookie}});
  CHECK(invite.status == 200);
  CHECK(contains(invite.header("content-type"), "text/calendar"));
  CHECK(contains(invite.body, "METHOD:REQUEST"));

  // An id that is no id never gets near a header: the page of nothing, no cookie.
  const std::string injected = "/registrations/%0D%0ASet-Cookie:%20injected=1";
  auto odd = w.server.get(injected + "?code=" + w.code_for("goran@example.se"));
  CHECK(odd.status == 404);
  CHECK_FALSE(contains(odd.body, "injected"));
  auto odd_post = w.post_form(injected, {{"action", "open"}, {"code", w.code_for("goran@example.se")}});
  CHECK(odd_post.status == 404);
  CHECK(odd_post.header("set-cookie").empty());
  // A browser's cross-site post without Origin is refused by its Sec-Fetch-Site.
  CHECK(w.post_form("/registrations/" + id, {{"action", "open"}, {"code", w.code_for("goran@example.se")}},
                    {{"Sec-Fetch-Site", "cross-site"}})
            .status == 403);

  // The code worked once.
  auto again = w.post_form("/registrations/" + id, {{"action", "open"}, {"code", code}}, {{"Accept-Language", "en"}});
  CHECK(again.status == 401);
  check_page_headers(again, "en");
  CHECK(contains(again.body, "The link was used already or has expired"));
  CHECK(contains(again.body, "<form method=\"post\" action=\"/me/sign-in\">"));
  CHECK(again.header("set-cookie").empty());

  // Without the cookie: how to get a new link.
  auto anonymous = w.server.get("/registrations/" + id);
  CHECK(anonymous.status == 401);
  CHECK(contains(anonymous.body, "<label for=\"signin-email\">"));
  CHECK(w.server.get("/registrations/" + id + "/invite.ics").status == 401);

  // Another person's registration is not found.
  const std::string other = w.register_by_form("anita@example.se");
  CHECK(w.server.get("/registrations/" + other, {{"Cookie", cookie}}).status == 404);
}

TEST_CASE("page: forms without the session's CSRF token change nothing; save, cancel and erase by form") {
  PageWorld w;
  const std::string id = w.register_by_form("goran@example.se");
  const std::string cookie = w.sign_in("goran@example.se", "/registrations/" + id);
  const std::string csrf = csrf_of(w.server.get("/registrations/" + id, {{"Cookie", cookie}}).body);
  const std::string path = "/registrations/" + id;
  const std::string status_sql = "SELECT status FROM registrations WHERE id = '" + id + "'";

  auto missing = w.post_form(path, {{"action", "cancel"}, {"confirm", "yes"}}, {{"Cookie", cookie}});
  CHECK(missing.status == 403);
  check_page_headers(missing, "en");
  auto wrong =
      w.post_form(path, {{"csrf", csrf + "x"}, {"action", "cancel"}, {"confirm", "yes"}}, {{"Cookie", cookie}});
  CHECK(wrong.status == 403);
  auto foreign = w.post_form(path, {{"csrf", csrf}, {"action", "cancel"}, {"confirm", "yes"}},
                             {{"Cookie", cookie}, {"Origin", "https://evil.example"}});
  CHECK(foreign.status == 403);
  auto no_cookie = w.post_form(path, {{"csrf", csrf}, {"action", "cancel"}, {"confirm", "yes"}});
  CHECK(no_cookie.status == 401);
  CHECK(w.sql(status_sql) == "confirmed");

  auto saved =
      w.post_form(path, {{"csrf", csrf}, {"action", "save"}, {"needs", "Glutenfri"}, {"session_ids", w.session_a}},
                  {{"Cookie", cookie}, {"Origin", "http://127.0.0.1:8080"}});
  REQUIRE(saved.status == 200);
  CHECK(contains(saved.body, "Ändringarna är sparade."));
  CHECK(contains(saved.body, ">Glutenfri</textarea>"));
  CHECK(w.sql("SELECT needs || ' ' || (SELECT string_agg(session_id::text, ',') FROM registration_sessions WHERE "
              "registration_id = r.id) FROM registrations r WHERE id = '" +
              id + "'") == "Glutenfri " + w.session_a);

  auto unconfirmed = w.post_form(path, {{"csrf", csrf}, {"action", "cancel"}}, {{"Cookie", cookie}});
  CHECK(unconfirmed.status == 422);
  CHECK(contains(unconfirmed.body, "Kryssa i rutan för att bekräfta."));
  CHECK(w.sql(status_sql) == "confirmed");

  auto cancelled = w.post_form(path, {{"csrf", csrf}, {"action", "cancel"}, {"confirm", "yes"}}, {{"Cookie", cookie}});
  REQUIRE(cancelled.status == 200);
  CHECK(contains(cancelled.body, "Anmälan är avbokad."));
  CHECK(w.sql(status_sql) == "cancelled");

  auto erased = w.post_form(path, {{"csrf", csrf}, {"action", "erase"}, {"confirm", "yes"}}, {{"Cookie", cookie}});
  REQUIRE(erased.status == 200);
  CHECK(contains(erased.body, "Dina uppgifter är raderade"));
  CHECK(w.sql("SELECT (erased_at IS NOT NULL)::text || ' ' || coalesce(name, '-') || ' ' || coalesce(email, '-') "
              "FROM registrations WHERE id = '" +
              id + "'") == "true - -");
}

TEST_CASE("page: the person's page lists the records of two events, makes a calendar link, erases everything") {
  PageWorld w;
  const std::string first = w.register_by_form("goran@example.se");
  w.add_event("fyrbodal-vinterseminarium", 10, true);
  w.server.database().exec("UPDATE events SET title = 'Vinterseminariet' WHERE slug = 'fyrbodal-vinterseminarium'");
  const std::string second = w.register_by_form("goran@example.se", "fyrbodal-vinterseminarium");
  const std::string cookie = w.sign_in("goran@example.se", "/me");

  auto me = w.server.get("/me", {{"Cookie", cookie}, {"Accept-Language", "sv"}});
  REQUIRE(me.status == 200);
  check_page_headers(me, "sv");
  CHECK(contains(me.body, "Allt som finns hos oss för goran@example.se."));
  CHECK(contains(me.body, "<a href=\"/registrations/" + first + "\">Migration &amp; integration i Fyrbodal</a>"));
  CHECK(contains(me.body, "<a href=\"/registrations/" + second + "\">Vinterseminariet</a>"));
  CHECK(contains(me.body, "8 november 2035"));
  // The registration's page is reachable with the same session.
  CHECK(w.server.get("/registrations/" + second, {{"Cookie", cookie}}).status == 200);

  const std::string csrf = csrf_of(me.body);
  auto feed = w.post_form("/me", {{"csrf", csrf}, {"action", "feed"}}, {{"Cookie", cookie}});
  REQUIRE(feed.status == 200);
  CHECK(contains(feed.body, "href=\"webcal://127.0.0.1:8080/v1/feeds/evn_"));
  CHECK(contains(feed.body, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" role=\"img\""));

  auto unconfirmed = w.post_form("/me", {{"csrf", csrf}, {"action", "erase"}}, {{"Cookie", cookie}});
  CHECK(unconfirmed.status == 422);
  CHECK(w.sql("SELECT count(*) FROM registrations WHERE email = 'goran@example.se'") == "2");

  auto erased = w.post_form("/me", {{"csrf", csrf}, {"action", "erase"}, {"confirm", "yes"}},
                            {{"Cookie", cookie}, {"Accept-Language", "sv"}});
  REQUIRE(erased.status == 200);
  CHECK(contains(erased.body, "Allt om dig är raderat"));
  CHECK(contains(erased.header("set-cookie"), "eventd_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"));
  CHECK(w.sql("SELECT count(*) FROM registrations WHERE email = 'goran@example.se'") == "0");
  CHECK(w.server.get("/me", {{"Cookie", cookie}}).status == 401);
}

TEST_CASE("page: signing in by form says the same for any address; signing out ends the session") {
  PageWorld w;
  w.register_by_form("goran@example.se");
  auto form = w.server.get("/me/sign-in", {{"Accept-Language", "en"}});
  CHECK(form.status == 200);
  check_page_headers(form, "en");
  auto known = w.post_form("/me/sign-in", {{"email", "goran@example.se"}}, {{"Accept-Language", "en"}});
  auto unknown = w.post_form("/me/sign-in", {{"email", "nobody@example.se"}}, {{"Accept-Language", "en"}});
  CHECK(known.status == 200);
  CHECK(unknown.status == 200);
  CHECK(contains(known.body, "If we know the address, a link is on its way to it."));
  CHECK(known.body == unknown.body);
  CHECK(w.sql("SELECT count(*) FROM mail_outbox WHERE kind = 'person_sign_in'") == "1");
  CHECK(w.post_form("/me/sign-in", {{"email", "not an address"}}).status == 422);

  const std::string cookie = w.sign_in("goran@example.se", "/me");
  const std::string csrf = csrf_of(w.server.get("/me", {{"Cookie", cookie}}).body);
  auto out = w.post_form("/me", {{"csrf", csrf}, {"action", "sign_out"}}, {{"Cookie", cookie}});
  CHECK(out.status == 200);
  CHECK(contains(out.header("set-cookie"), "Max-Age=0"));
  CHECK(w.server.get("/me", {{"Cookie", cookie}}).status == 401);
}

TEST_CASE("page: a journalist's request: its status, and withdrawing it") {
  PageWorld w;
  auto created = w.server.request("POST", "/v1/events/fyrbodal-seminarium/media-requests",
                                  R"({"name": "Anita Nilsson", "email": "anita@tidning.se", "outlet": "TTELA"})",
                                  {{"Content-Type", "application/json"}});
  REQUIRE(created.status == 202);
  const std::string id = created.json()["id"];
  const std::string cookie = w.sign_in("anita@tidning.se", "/media-requests/" + id);
  auto page = w.server.get("/media-requests/" + id, {{"Cookie", cookie}});
  REQUIRE(page.status == 200);
  check_page_headers(page, "sv");
  CHECK(contains(page.body, "Förfrågan väntar på arrangörens beslut."));
  auto feed =
      w.post_form("/media-requests/" + id, {{"csrf", csrf_of(page.body)}, {"action", "feed"}}, {{"Cookie", cookie}});
  REQUIRE(feed.status == 200);
  CHECK(contains(feed.body, "href=\"webcal://127.0.0.1:8080/v1/feeds/evn_"));
  auto withdrawn =
      w.post_form("/media-requests/" + id, {{"csrf", csrf_of(page.body)}, {"action", "withdraw"}, {"confirm", "yes"}},
                  {{"Cookie", cookie}});
  REQUIRE(withdrawn.status == 200);
  CHECK(contains(withdrawn.body, "Förfrågan är tillbakadragen."));
  CHECK(w.sql("SELECT status FROM media_requests WHERE id = '" + id + "'") == "withdrawn");
}

TEST_CASE("page: a study trip's tasks are listed on the registration's page and marked done there") {
  PageWorld w;
  const std::string id = w.register_by_form("goran@example.se");
  w.sql("INSERT INTO tasks (event_id, title, due_at) VALUES ('" + w.event_id +
        "', 'Skicka passuppgifter', '2035-10-20T21:59:00Z') RETURNING id::text");
  const std::string task = w.sql("SELECT id::text FROM tasks");
  const std::string cookie = w.sign_in("goran@example.se", "/registrations/" + id);
  auto page = w.server.get("/registrations/" + id, {{"Cookie", cookie}, {"Accept-Language", "sv"}});
  REQUIRE(page.status == 200);
  CHECK(contains(page.body, "Att göra före resan"));
  CHECK(contains(page.body, "Skicka passuppgifter"));
  CHECK(contains(page.body, "senast 20 oktober 2035 kl. 23:59"));  // the event's zone, summer time
  CHECK(contains(page.body, "value=\"task_done\""));

  const std::string path = "/registrations/" + id;
  auto done = w.post_form(path, {{"csrf", csrf_of(page.body)}, {"action", "task_done"}, {"task_id", task}},
                          {{"Cookie", cookie}, {"Origin", "http://127.0.0.1:8080"}});
  REQUIRE(done.status == 200);
  CHECK(contains(done.body, "value=\"task_open\""));
  CHECK(w.sql("SELECT status || ' ' || changed_by FROM task_progress") == "done participant");
  // Without the form's token nothing changes.
  auto forged = w.post_form(path, {{"action", "task_open"}, {"task_id", task}}, {{"Cookie", cookie}});
  CHECK(forged.status == 403);
  CHECK(w.sql("SELECT status FROM task_progress") == "done");
}
