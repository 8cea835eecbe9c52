#include <doctest/doctest.h>

#include <string>

#include "domain/validation.hpp"

using namespace eventd::domain;

TEST_CASE("UTF-8 validation") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("Östersund, Jämtland"));
  CHECK(is_valid_utf8("INSTÄLLT: Integrationsforum 2020 \xF0\x9F\x93\x85"));  // U+1F4C5 calendar
  CHECK(is_valid_utf8("\xF4\x8F\xBF\xBF"));                                   // U+10FFFF, the last
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));                                     // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xE0\x80\xAF"));                                 // overlong '/' in three bytes
  CHECK_FALSE(is_valid_utf8("\xF0\x80\x80\xAF"));                             // overlong '/' in four bytes
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));                                 // surrogate U+D800
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));                             // U+110000
  CHECK_FALSE(is_valid_utf8("\xC3"));                                         // truncated "Ö"
  CHECK_FALSE(is_valid_utf8("\x80"));                                         // lone continuation byte
  CHECK_FALSE(is_valid_utf8("\xD6stersund"));                                 // Latin-1, not UTF-8
  CHECK_FALSE(is_valid_utf8("\xFF"));
}

TEST_CASE("lengths count code points, not bytes") {
  CHECK(code_point_count("Östersund") == 9);
  CHECK(std::string("Östersund").size() == 10);
  CHECK(code_point_count("\xF0\x9F\x93\x85") == 1);
  Validator v;
  CHECK(v.text("title", "ÅÄÖ", 1, 3));
  CHECK_FALSE(v.text("title", "ÅÄÖÅ", 1, 3));
  CHECK_FALSE(v.text("title", "", 1, 3));
  CHECK_FALSE(v.text("summary", std::string("nul\0byte", 8), 0, 30));
  CHECK(v.text("description", "rad ett\nrad två\tmed tab", 0, 100));
  REQUIRE(v.errors().size() == 3);
  CHECK(v.errors()[0].field == "title");
  CHECK(v.errors()[1].code == FieldCode("required"));
  CHECK(v.errors()[2].field == "summary");
}

TEST_CASE("slugs") {
  CHECK(is_valid_slug("integrationsforum-2020"));
  CHECK(is_valid_slug("a"));
  CHECK(is_valid_slug(std::string(100, 'a')));
  CHECK_FALSE(is_valid_slug(std::string(101, 'a')));
  CHECK_FALSE(is_valid_slug(""));
  CHECK_FALSE(is_valid_slug("Integrationsforum"));
  CHECK_FALSE(is_valid_slug("-lead"));
  CHECK_FALSE(is_valid_slug("trail-"));
  CHECK_FALSE(is_valid_slug("double--dash"));
  CHECK_FALSE(is_valid_slug("östersund"));
  CHECK_FALSE(is_valid_slug("under_score"));
}

TEST_CASE("slugify folds Swedish and other Latin letters") {
  CHECK(slugify("Integrationsforum 2020") == "integrationsforum-2020");
  CHECK(slugify("Östersund") == "ostersund");
  CHECK(slugify("Hej Främling!") == "hej-framling");
  CHECK(slugify("Seminarium om kartan över det civila samhället i Fyrbodal") ==
        "seminarium-om-kartan-over-det-civila-samhallet-i-fyrbodal");
  CHECK(slugify("  Forum – idéburna organisationer  ") == "forum-ideburna-organisationer");
  CHECK(slugify("Rädda Barnen & ÖK-ide Uddevalla") == "radda-barnen-ok-ide-uddevalla");
  CHECK(slugify("Children's Rights") == "childrens-rights");
  CHECK(slugify("Straße, Ærø, Łódź, Øresund") == "strasse-aero-lodz-oresund");
  CHECK(slugify("Привет") == "");
  CHECK(slugify("bad \xC3 byte") == "bad-byte");
  const std::string long_slug = slugify(std::string(99, 'a') + " bb");
  CHECK(long_slug == std::string(99, 'a'));  // cut at 100, trailing '-' dropped
  CHECK(is_valid_slug(slugify("Global migration i coronatider")));
}

TEST_CASE("http(s) URLs") {
  CHECK(is_http_url("https://www.youtube.com/watch?v=abc123"));
  CHECK(is_http_url("http://example.se"));
  CHECK(is_http_url("HTTPS://Example.se:8443/path#frag"));
  CHECK(is_http_url("https://[2001:db8::1]:443/"));
  CHECK(is_http_url("https://räddabarnen.se/"));
  CHECK_FALSE(is_http_url("ftp://example.se"));
  CHECK_FALSE(is_http_url("javascript:alert(1)"));
  CHECK_FALSE(is_http_url("https://"));
  CHECK_FALSE(is_http_url("https:///path"));
  CHECK_FALSE(is_http_url("https://exa mple.se"));
  CHECK_FALSE(is_http_url("https://example.se/a b"));
  CHECK_FALSE(is_http_url("https://user:pw@example.se"));
  CHECK_FALSE(is_http_url("https://example.se:0"));
  CHECK_FALSE(is_http_url("https://example.se:99999"));
  CHECK_FALSE(is_http_url("https://example..se"));
  CHECK_FALSE(is_http_url("https://example.se/<script>"));
  CHECK_FALSE(is_http_url("www.example.se"));
  CHECK_FALSE(is_http_url("https://example.se/" + std::string(2048, 'a')));
}

TEST_CASE("e-mail addresses") {
  CHECK(is_valid_email("anita.nilsson@lansstyrelsen.se"));
  CHECK(is_valid_email("goran+press@forumideburen.se"));
  CHECK(is_valid_email("göran@exempel.se"));
  CHECK_FALSE(is_valid_email("anita"));
  CHECK_FALSE(is_valid_email("@lansstyrelsen.se"));
  CHECK_FALSE(is_valid_email("anita@"));
  CHECK_FALSE(is_valid_email("anita@localhost"));
  CHECK_FALSE(is_valid_email("anita@@lansstyrelsen.se"));
  CHECK_FALSE(is_valid_email("a@b@lansstyrelsen.se"));
  CHECK_FALSE(is_valid_email("anita nilsson@lansstyrelsen.se"));
  CHECK_FALSE(is_valid_email("anita@lansstyrelsen..se"));
  CHECK_FALSE(is_valid_email("anita@.se"));
  CHECK_FALSE(is_valid_email("Anita <anita@lansstyrelsen.se>"));
  CHECK_FALSE(is_valid_email("anita@lansstyrelsen.se\n"));
  CHECK_FALSE(is_valid_email(std::string(65, 'a') + "@example.se"));
  CHECK_FALSE(is_valid_email(std::string(64, 'a') + "@" + std::string(190, 'b') + ".se"));  // 258 bytes
}

TEST_CASE("ISO 3166-1 alpha-2 country codes") {
  for (const char* code : {"SE", "CY", "AT", "DE", "GB", "US", "AX", "SS", "ZW", "AD"}) {
    CAPTURE(code);
    CHECK(is_country_code(code));
  }
  for (const char* code : {"se", "UK", "EU", "XK", "ZZ", "SWE", "S", "", "AA"}) {
    CAPTURE(code);
    CHECK_FALSE(is_country_code(code));
  }
}

TEST_CASE("BCP 47 language tags") {
  for (const char* tag : {"sv", "SV", "en", "en-GB", "sv-SE", "sr-Latn-RS", "zh-Hant", "zh-yue-HK", "de-CH-1901",
                          "es-419", "en-US-x-twain", "x-klingon", "en-a-bbb-x-a-ccc", "sl-rozaj-biske"}) {
    CAPTURE(tag);
    CHECK(is_language_tag(tag));
  }
  for (const char* tag : {"", "english", "en_GB", "en-", "-en", "en--GB", "e", "en-GB-", "123", "en-a", "x",
                          "en-toolongsubtag", "sv SE", "sv-Östersund"}) {
    CAPTURE(tag);
    CHECK_FALSE(is_language_tag(tag));
  }
}

TEST_CASE("the Validator gathers every error, then throws one validation error") {
  Validator v;
  v.slug("slug", "Integrationsforum 2020");
  v.email("contacts[0].email", "not-an-address");
  v.country("venue.country", "Sverige");
  v.language("language", "svenska");
  v.timezone("timezone", "Europe/Ostersund");
  v.http_url("online.stream_url", "youtube");
  CHECK(v.check(true, "capacity", FieldCode("invalid")));
  CHECK_FALSE(v.check(false, "capacity", FieldCode("negative_capacity")));
  CHECK(v.errors().size() == 7);
  try {
    v.throw_if_any();
    FAIL("throw_if_any should have thrown");
  } catch (const Error& e) {
    CHECK(e.kind() == Problem::validation);
    CHECK(e.code() == ErrorCode::validation);
    REQUIRE(e.fields().size() == 7);
    CHECK(e.fields()[0].field == "slug");
    CHECK(e.fields()[4].field == "timezone");
    CHECK(e.fields()[6].code == FieldCode("negative_capacity"));
  }
  CHECK(v.ok());  // emptied by the throw
  CHECK_NOTHROW(v.throw_if_any());
}

TEST_CASE("indexed field paths") {
  CHECK(indexed_field("contacts", 0, "email") == "contacts[0].email");
  CHECK(indexed_field("tags", 3) == "tags[3]");
}
