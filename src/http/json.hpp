#pragma once
// JSON in and out of handlers.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace eventd::http {

// What a request body may hold, checked while it is parsed so that a hostile body is
// stopped early. Generous for every real request: the longest field (a description) is
// 20,000 characters, at most 80,000 bytes of UTF-8; the longest list (tags) has 50 items.
struct JsonLimits {
  std::size_t max_depth = 32;              // nested objects and arrays
  std::size_t max_string_bytes = 100'000;  // one string value
  std::size_t max_key_bytes = 256;         // one member name (unknown ones are quoted in errors)
  std::size_t max_items = 1'000;           // elements of one array, members of one object
};

Response json_response(int status, const nlohmann::json& body);

// Writing JSON text directly, for answers too hot to build as nlohmann::json first (a list
// of 50 events was 4 ms of DOM building, sorting and dumping). Each writes exactly what
// nlohmann::json::dump() writes for the same value, so a writer and the DOM route give the
// same bytes: a string escaped as dump() escapes it (", \\, the control characters;
// everything else as is, UTF-8 included; invalid UTF-8 throws as dump() does).
void append_json_string(std::string& out, std::string_view text);
void append_json_number(std::string& out, long long value);
void append_json_number(std::string& out, double value);

// Parses a request body within `limits`. Throws domain::Error(bad_request) for malformed
// JSON, invalid UTF-8 or a body beyond the limits.
nlohmann::json parse_json_text(std::string_view text, const JsonLimits& limits = {});

// Checks the content type (application/json, or merge-patch for PATCH), then parses with
// parse_json_text. Throws domain::Error: 415 for another content type, 400 as above.
nlohmann::json parse_json_body(const Request& request, bool merge_patch = false);

}  // namespace eventd::http
