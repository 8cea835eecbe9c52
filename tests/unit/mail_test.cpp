// Mail composition without I/O: encoded words, addresses, templates of every kind and
// language, the MIME frame, the SMTP URL.
#include <doctest/doctest.h>

#include <set>

#include "mail/mime.hpp"
#include "mail/smtp.hpp"
#include "mail/templates.hpp"

using namespace eventd::mail;

TEST_CASE("mail: UTF-8 names become RFC 2047 encoded words, ASCII names quoted strings") {
  CHECK(encode_words("Göran Pettersson") == "=?UTF-8?B?R8O2cmFuIFBldHRlcnNzb24=?=");
  CHECK(encode_words("plain text") == "plain text");
  CHECK(format_mailbox({"Göran Pettersson", "goran@example.se"}) ==
        "=?UTF-8?B?R8O2cmFuIFBldHRlcnNzb24=?= <goran@example.se>");
  CHECK(format_mailbox({"Anita \"Press\" Nilsson", "a@b.se"}) == "\"Anita \\\"Press\\\" Nilsson\" <a@b.se>");
  // A long subject: several words, none longer than 75 characters, no UTF-8 sequence split.
  const std::string subject = "Anmälan bekräftad: Migration och integration i Fyrbodal – Vänersborg, Åmål och Öckerö";
  const std::string encoded = encode_words(subject);
  std::size_t start = 0;
  int words = 0;
  while (start < encoded.size()) {
    auto end = encoded.find("\r\n ", start);
    const std::string word = encoded.substr(start, end == std::string::npos ? std::string::npos : end - start);
    CHECK(word.size() <= 75);
    CHECK(word.rfind("=?UTF-8?B?", 0) == 0);
    ++words;
    start = end == std::string::npos ? encoded.size() : end + 3;
  }
  CHECK(words >= 2);
}

TEST_CASE("mail: mailboxes from configuration") {
  auto a = parse_mailbox("Eventd <noreply@events.example.org>");
  REQUIRE(a);
  CHECK(a->name == "Eventd");
  CHECK(a->email == "noreply@events.example.org");
  auto b = parse_mailbox("noreply@events.example.org");
  REQUIRE(b);
  CHECK(b->name.empty());
  CHECK_FALSE(parse_mailbox("no address"));
  CHECK_FALSE(parse_mailbox("Name <broken"));
}

TEST_CASE("mail: the SMTP URL") {
  auto plain = parse_smtp_url("smtp://127.0.0.1:2525");
  CHECK(plain.url == "smtp://127.0.0.1:2525");
  CHECK_FALSE(plain.require_starttls);
  auto starttls = parse_smtp_url("smtp://user:p%40ss@mail.example.org:587?starttls=required");
  CHECK(starttls.url == "smtp://user:p%40ss@mail.example.org:587");
  CHECK(starttls.require_starttls);
  CHECK_THROWS(parse_smtp_url("http://mail.example.org"));
  CHECK_THROWS(parse_smtp_url("smtps://mail.example.org?starttls=required"));
  CHECK_THROWS(parse_smtp_url("smtp://mail.example.org?tls=maybe"));
  CHECK_THROWS(parse_smtp_url("smtp://"));
}

TEST_CASE("mail: every kind has Swedish and English templates that render with the values given") {
  const std::vector<std::string> kinds{"registration_confirmed", "registration_waitlisted", "registration_promoted",
                                       "registration_cancelled", "event_changed",           "event_cancelled",
                                       "media_request_received", "media_request_approved",  "media_request_rejected",
                                       "media_request_revoked",  "media_request_withdrawn", "registration_link_resent"};
  Values values;
  for (const char* name : {"name",
                           "event_title",
                           "event_when",
                           "event_where",
                           "event_url",
                           "organiser_name",
                           "registration_url",
                           "person_url",
                           "feed_url",
                           "webcal_url",
                           "position",
                           "note",
                           "stream_url",
                           "outlet",
                           "journalist_name",
                           "journalist_email",
                           "request_url",
                           "invitation_attached",
                           "programme",
                           "cancelled_sessions"}) {
    values[name] = std::string("<") + name + "&>";
  }
  std::set<std::string> names;
  for (const auto& n : template_names()) names.insert(n);
  for (const auto& language : {"sv", "en"}) {
    for (const auto& kind : kinds) {
      INFO(language, "/", kind);
      CHECK(names.count(std::string(language) + "/" + kind + ".txt") == 1);
      auto rendered = render_mail(kind, language, values);
      CHECK(rendered.language == language);
      CHECK(rendered.subject.find("<event_title&>") != std::string::npos);
      CHECK(rendered.text.find("<name&>") != std::string::npos);
      // HTML gets the values escaped, never raw.
      CHECK(rendered.html.find("&lt;name&amp;&gt;") != std::string::npos);
      CHECK(rendered.html.find("<name&>") == std::string::npos);
      // CRLF only.
      for (std::size_t i = 0; i < rendered.text.size(); ++i) {
        if (rendered.text[i] == '\n') REQUIRE((i > 0 && rendered.text[i - 1] == '\r'));
      }
    }
  }
  // The sign-in link has no event: its own values.
  for (const auto& language : {"sv", "en"}) {
    auto rendered = render_mail("person_sign_in", language, {{"sign_in_url", "<url&>"}, {"valid_minutes", "15"}});
    CHECK(rendered.text.find("<url&>") != std::string::npos);
    CHECK(rendered.html.find("&lt;url&amp;&gt;") != std::string::npos);
    CHECK(rendered.text.find("15") != std::string::npos);
  }
  CHECK(template_language("sv-SE") == "sv");
  CHECK(template_language("de") == "en");
  CHECK_THROWS_AS(render_template("{{nope}}", values, Escaping::none), TemplateError);
  CHECK(render_template("a{{#position}}[{{position}}]{{/position}}{{^note}}none{{/note}}",
                        {{"position", "3"}, {"note", ""}}, Escaping::none) == "a[3]none");
}

TEST_CASE("mail: the MIME frame holds the alternatives and the invitation, base64 in lines of 76") {
  Message m;
  m.to = {"Göran Pettersson", "goran@example.se"};
  m.subject = "Hej";
  m.text = "Hej Göran\r\n";
  m.html = "<p>Hej Göran</p>\r\n";
  m.attachment = Attachment{"text/calendar; charset=UTF-8; method=REQUEST", "invite.ics", std::string(200, 'x')};
  m.message_id = "id@host";
  m.date = rfc5322_date(0);
  m.boundary_seed = "seed";
  const std::string out = compose(m);
  CHECK(m.date == "Thu, 01 Jan 1970 00:00:00 +0000");
  CHECK(out.find("To: =?UTF-8?B?R8O2cmFuIFBldHRlcnNzb24=?= <goran@example.se>\r\n") == 0);
  CHECK(out.find("Content-Type: multipart/mixed; boundary=\"=_mixed_seed\"\r\n") != std::string::npos);
  CHECK(out.find("Content-Type: text/calendar; charset=UTF-8; method=REQUEST\r\n") != std::string::npos);
  CHECK(out.find("Content-Disposition: attachment; filename=\"invite.ics\"\r\n") != std::string::npos);
  CHECK(out.find("--=_mixed_seed--\r\n") != std::string::npos);
  for (std::size_t start = 0; start < out.size();) {
    auto end = out.find("\r\n", start);
    REQUIRE(end != std::string::npos);
    CHECK(end - start <= 78);
    start = end + 2;
  }
}
