#pragma once
// What each fuzz target does with one input, shared by the libFuzzer targets (targets/*.cpp,
// built with clang by scripts/fuzz) and by the regression test that replays the corpus and
// every crash reproducer in the ordinary test build (tests/unit/fuzz_regression_test.cpp).
//
// The rule every function checks: input from a client ends in a domain::Error (a 4xx) or in
// a valid result, never in another exception (a 500), a crash or undefined behaviour. A
// violated property aborts, so libFuzzer and the test both see it.
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace eventd::fuzz {

// Call once before the others (time zones, libical).
void initialise();

// A request body for one resource, through the same path as the handlers: the JSON limits,
// the DTO reader, the domain checks, the response JSON; and the same input as a merge patch
// of an existing record.
void organisation_body(std::string_view input);
void event_body(std::string_view input);
void session_body(std::string_view input);
void delegation_body(std::string_view input);
void task_body(std::string_view input);
void travel_document_body(std::string_view input);
void room_body(std::string_view input);  // also as an assignment, and as a rooming list's CSV row
void speaker_body(std::string_view input);
void api_key_body(std::string_view input);
void registration_body(std::string_view input);   // also as a merge patch, and as a CSV row
void media_request_body(std::string_view input);  // also as a decision (PATCH)

// A form body of eventd's own pages (application/x-www-form-urlencoded): the bounded parser
// (http/form.hpp), then the fields as the registration form reads them.
void page_form(std::string_view input);

// A request line and conditional headers: the request-target's forms (origin, absolute,
// asterisk; http/target.hpp), the router with the service's route table,
// percent-decoding, the query string, list paging and cursors, If-Match / If-None-Match /
// If-Modified-Since, CORS preflight and the log redaction. Input: one byte for the method,
// then "target\nIf-Match\nIf-None-Match\nIf-Modified-Since\nOrigin".
void request_line(std::string_view input);

// An uploaded .ics through the importer; each imported draft that passes check_event is
// rendered as a feed, which must pass the iCalendar lint.
void calendar_import(std::string_view input);

// Every target by name: the libFuzzer binary fuzz_<name> runs targets().at(name), and the
// regression test replays tests/fuzz/corpus/<name>/ and tests/fuzz/crashes/<name>/ with it.
using Target = void (*)(std::string_view input);
const std::map<std::string, Target>& targets();

// The route patterns request_line matches against: those of http/routes.cpp (the fuzz build
// cannot link the handlers; the regression test checks that the two lists agree).
const std::vector<std::pair<std::string, std::string>>& route_table();

}  // namespace eventd::fuzz
