// A malformed JSON body is a 400 that says in plain words what is wrong and where (line,
// column, byte), never with the JSON library's exception text.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "domain/error.hpp"
#include "http/json.hpp"
#include "http/problem.hpp"
#include "pages/catalogue.hpp"

using namespace eventd;

namespace {

// The detail of the 400 a body is refused with ("" when it parses).
std::string refusal(const std::string& text) {
  try {
    http::parse_json_text(text);
    return "";
  } catch (const domain::Error& e) {
    CHECK(e.code() == domain::ErrorCode::bad_request);
    // The English text of the catalogue: the tests below compare what a client reads.
    return pages::problem_detail(e, pages::Language::en);
  }
}

// The problem+json answer a body is refused with.
http::Response refused_response(const std::string& text) {
  try {
    http::parse_json_text(text);
  } catch (const domain::Error& e) {
    return http::problem(e, http::ProblemContext{"https://events.example", "en"});
  }
  return http::Response{};
}

}  // namespace

TEST_CASE("malformed JSON: what and where, in plain words") {
  SUBCASE("a syntax error") {
    CHECK(refusal("{\"title\": \"x\",\n  \"kind\" \"talk\"}") ==
          "The body is not valid JSON: unexpected string at line 2, column 10 (byte 25).");
    CHECK(refusal("{\"a\": 1,}") == "The body is not valid JSON: unexpected '}' at line 1, column 9 (byte 9).");
    CHECK(refusal("[1 2]") == "The body is not valid JSON: unexpected number '2' at line 1, column 4 (byte 4).");
    CHECK(refusal("{\"a\": tru}") ==
          "The body is not valid JSON: invalid literal 'tru' (true, false or null?) at line 1, column 7 (byte 7).");
    CHECK(refusal("[true false]") == "The body is not valid JSON: unexpected 'false' at line 1, column 7 (byte 7).");
    CHECK(refusal("{\"a\": 01}") == "The body is not valid JSON: invalid number '01' at line 1, column 7 (byte 7).");
    CHECK(refusal("{\"a\": -}") == "The body is not valid JSON: invalid number '-' at line 1, column 7 (byte 7).");
    CHECK(refusal("{} x") ==
          "The body is not valid JSON: invalid literal 'x' (true, false or null?) at line 1, column 4 (byte 4).");
    CHECK(refusal("{\"a\": \"x\ny\"}") ==
          "The body is not valid JSON: a control character (U+000A) in a string, which must be escaped (\\u000A), "
          "at line 1, column 9 (byte 9).");
    CHECK(refusal("{\"a\": \"\\x\"}") ==
          "The body is not valid JSON: an invalid escape sequence in a string at line 1, column 8 (byte 8).");
    CHECK(refusal("{\"a\": \"\\u12G4\"}") ==
          "The body is not valid JSON: an invalid escape sequence in a string at line 1, column 8 (byte 8).");
  }
  SUBCASE("columns count characters, bytes count bytes") {
    CHECK(refusal("{\"stad\": \"Göteborg\",,}") ==
          "The body is not valid JSON: unexpected ',' at line 1, column 21 (byte 22).");
  }
  SUBCASE("a truncated body") {
    CHECK(refusal("{\n  \"title\": \"Integrationsforum\",\n  \"kind\": \"conf") ==
          "The body is not valid JSON: unexpected end of input at line 3, column 16 (byte 50).");
    CHECK(refusal("{\"a\": [1, 2") ==
          "The body is not valid JSON: unexpected end of input at line 1, column 12 (byte 12).");
  }
  SUBCASE("invalid UTF-8") {
    CHECK(refusal("{\"title\": \"caf\xC3(\"}") ==
          "The body is not valid UTF-8: byte 0xC3 at line 1, column 15 (byte 15) does not begin or continue a "
          "character.");
    CHECK(refusal("{\"title\": \"\xFF\"}") ==
          "The body is not valid UTF-8: byte 0xFF at line 1, column 12 (byte 12) does not begin or continue a "
          "character.");
    // Outside a string, well-formed UTF-8 is just an unexpected character.
    CHECK(refusal("{\"a\": é}") ==
          "The body is not valid JSON: unexpected character (byte 0xC3) at line 1, column 7 (byte 7).");
  }
  SUBCASE("a number beyond double's range") {
    CHECK(refusal("{\"capacity\": 1e400}") ==
          "The body is not valid JSON: the number '1e400' is too large at line 1, column 14 (byte 14).");
    CHECK(refusal("[-222222.2e415]") ==
          "The body is not valid JSON: the number '-222222.2e415' is too large at line 1, column 2 (byte 2).");
  }
  SUBCASE("too deep") {
    CHECK(refusal(std::string(40, '[') + std::string(40, ']')) == "The JSON body is nested more than 32 levels deep.");
    // The limit is what is reported, even when the rest is malformed too.
    CHECK(refusal(std::string(40, '[')) == "The JSON body is nested more than 32 levels deep.");
  }
  SUBCASE("an empty body") {
    CHECK(refusal("") == "The body is empty; send a JSON document.");
    CHECK(refusal(" \r\n\t") == "The body is empty; send a JSON document.");
  }
}

TEST_CASE("malformed JSON: no problem+json quotes the JSON library") {
  for (const std::string& text : std::vector<std::string>{"{",
                                                          "}",
                                                          "[",
                                                          "{\"a\"",
                                                          "{\"a\":}",
                                                          "nul",
                                                          "\"\\uD800\"",
                                                          "\"\\uD800\\u0041\"",
                                                          "[1.]",
                                                          "[1e]",
                                                          "[-]",
                                                          "[.5]",
                                                          "{\"a\":1 \"b\":2}",
                                                          "\xEF\xBB\xBF",
                                                          "\xEF\xBB\xBF{",
                                                          "[\"\x01\"]",
                                                          "\"abc",
                                                          "{\"\xC0\x80\":1}",
                                                          "[1e99999999999999999999]",
                                                          std::string("[\"a\0b\"]", 7),
                                                          std::string("\0", 1),
                                                          "{} {}",
                                                          "/* */ {}"}) {
    CAPTURE(text);
    const std::string detail = refusal(text);
    CHECK_FALSE(detail.empty());
    CHECK(detail.find("json.exception") == std::string::npos);
    CHECK(detail.find("parse error") == std::string::npos);
    CHECK(detail.find("syntax error") == std::string::npos);
    CHECK((detail.starts_with("The body is not valid JSON: ") || detail.starts_with("The body is not valid UTF-8: ") ||
           detail.starts_with("The body is empty")));
    const auto response = refused_response(text);
    CHECK(response.status == 400);
    CHECK(response.body.find("json.exception") == std::string::npos);
  }
  // Valid bodies still parse, a byte order mark included.
  CHECK(refusal("{\"a\": [1, 2.5, \"x\", true, null]}").empty());
  CHECK(refusal("\xEF\xBB\xBF{}").empty());
  CHECK(refusal("1e-400").empty());  // an underflow is 0, not an error
}

TEST_CASE("malformed JSON: escapes of UTF-16 surrogates") {
  CHECK(refusal("[\"\\uD800\"]") ==
        "The body is not valid JSON: an unpaired UTF-16 surrogate escape in a string at line 1, column 3 (byte 3).");
  CHECK(refusal("[\"\\udbff x\"]") ==
        "The body is not valid JSON: an unpaired UTF-16 surrogate escape in a string at line 1, column 3 (byte 3).");
  CHECK(refusal("[\"\\uDC00\"]") ==
        "The body is not valid JSON: an invalid escape sequence in a string at line 1, column 3 (byte 3).");
  CHECK(refusal("[\"\\uD83D\\uDE00\"]").empty());  // a pair is fine
}
