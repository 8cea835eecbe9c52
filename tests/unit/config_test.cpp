#include <doctest/doctest.h>

#include "app/config.hpp"

using namespace eventd::app;

TEST_CASE("defaults follow the number of cores") {
  Config config = parse_config(RawConfig{}, 2);
  CHECK(config.host == "127.0.0.1");
  CHECK(config.port == 8080);
  CHECK(config.threads == 2);
  CHECK(config.db_pool == 4);
  CHECK(config.cors_origins.empty());
  CHECK_FALSE(config.admin_key.has_value());
  CHECK(config.default_timezone == "Europe/Stockholm");
}

TEST_CASE("listen addresses") {
  CHECK(parse_listen("0.0.0.0:80") == std::pair<std::string, unsigned short>{"0.0.0.0", 80});
  CHECK(parse_listen("[::1]:8081") == std::pair<std::string, unsigned short>{"::1", 8081});
  CHECK_THROWS_AS(parse_listen("localhost"), ConfigError);
  CHECK_THROWS_AS(parse_listen("127.0.0.1:99999"), ConfigError);
  CHECK_THROWS_AS(parse_listen("127.0.0.1:"), ConfigError);
  CHECK_THROWS_AS(parse_listen(":8080"), ConfigError);
}

TEST_CASE("invalid values stop the start with a message naming the variable") {
  RawConfig raw;
  raw.threads = "zero";
  CHECK_THROWS_WITH_AS(parse_config(raw, 2), doctest::Contains("EVENTD_THREADS"), ConfigError);
  raw = {};
  raw.log_format = "xml";
  CHECK_THROWS_WITH_AS(parse_config(raw, 2), doctest::Contains("EVENTD_LOG_FORMAT"), ConfigError);
  raw = {};
  raw.cors_origins = "https://frontend.example, ftp://nope";
  CHECK_THROWS_WITH_AS(parse_config(raw, 2), doctest::Contains("ftp://nope"), ConfigError);
  raw = {};
  raw.admin_key = "short";
  CHECK_THROWS_WITH_AS(parse_config(raw, 2), doctest::Contains("EVENTD_ADMIN_KEY"), ConfigError);
  raw = {};
  raw.default_timezone = "Europe/Stockholm ";
  CHECK_THROWS_WITH_AS(parse_config(raw, 2), doctest::Contains("EVENTD_DEFAULT_TIMEZONE"), ConfigError);
  raw = {};
  raw.public_url = "127.0.0.1:8080";
  CHECK_THROWS_WITH_AS(parse_config(raw, 2), doctest::Contains("EVENTD_PUBLIC_URL"), ConfigError);
}

TEST_CASE("origins are trimmed and the public URL loses its trailing slash") {
  RawConfig raw;
  raw.cors_origins = " https://frontend.example , http://127.0.0.1:5173";
  raw.public_url = "https://events.example.org/";
  Config config = parse_config(raw, 2);
  CHECK(config.cors_origins == std::vector<std::string>{"https://frontend.example", "http://127.0.0.1:5173"});
  CHECK(config.public_url == "https://events.example.org");
}

TEST_CASE("mail: the SMTP server, its CA file and the sender") {
  RawConfig raw;
  CHECK_FALSE(parse_config(raw, 2).smtp.has_value());  // no server: the outbox only fills
  raw.smtp_url = "smtp://user:secret@mail.example.org:587?starttls=required";
  raw.mail_from = "eventd <noreply@events.example.org>";
  Config config = parse_config(raw, 2);
  REQUIRE(config.smtp.has_value());
  CHECK(config.smtp->require_starttls);
  CHECK_FALSE(config.smtp->ca_file.has_value());  // the system's CAs
  CHECK(config.mail_from.email == "noreply@events.example.org");

  raw.smtp_ca_file = EVENTD_SOURCE_DIR "/CMakeLists.txt";  // any existing file: its content is curl's to judge
  CHECK(parse_config(raw, 2).smtp->ca_file == raw.smtp_ca_file);
  raw.smtp_ca_file = "/nonexistent/ca.pem";
  CHECK_THROWS_WITH_AS(parse_config(raw, 2), doctest::Contains("EVENTD_SMTP_CA_FILE"), ConfigError);
  raw.smtp_ca_file = "";
  raw.smtp_url = "smtp://mail.example.org?tls=maybe";
  // The message names the variable, not the URL (which may hold a password).
  CHECK_THROWS_WITH_AS(parse_config(raw, 2), doctest::Contains("EVENTD_SMTP_URL"), ConfigError);
  raw.smtp_url = "smtp://user:secret@mail.example.org";
  raw.mail_from = "not an address";
  CHECK_THROWS_WITH_AS(parse_config(raw, 2), doctest::Contains("EVENTD_MAIL_FROM"), ConfigError);
}

TEST_CASE("list feeds: the past window and the cap") {
  RawConfig raw;
  Config config = parse_config(raw, 2);
  CHECK(config.feed_past_days == 90);
  CHECK(config.feed_max_events == 1000);
  raw.feed_past_days = "0";  // only events not yet ended
  raw.feed_max_events = "25";
  config = parse_config(raw, 2);
  CHECK(config.feed_past_days == 0);
  CHECK(config.feed_max_events == 25);
  raw.feed_past_days = "-1";
  CHECK_THROWS_WITH_AS(parse_config(raw, 2), doctest::Contains("EVENTD_FEED_PAST_DAYS"), ConfigError);
  raw = {};
  raw.feed_max_events = "0";
  CHECK_THROWS_WITH_AS(parse_config(raw, 2), doctest::Contains("EVENTD_FEED_MAX_EVENTS"), ConfigError);
}

TEST_CASE("mail: the sender is known without SMTP too (the invitations name it)") {
  RawConfig raw;
  raw.mail_from = "eventd <kalender@events.example.org>";
  Config config = parse_config(raw, 2);
  CHECK_FALSE(config.smtp.has_value());
  CHECK(config.mail_from.email == "kalender@events.example.org");
  raw.mail_from = "not an address";  // nothing is sent: not a reason to refuse the start
  CHECK(parse_config(raw, 2).mail_from.email.empty());
}
