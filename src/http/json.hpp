#pragma once
// JSON in and out of handlers.
#include <nlohmann/json.hpp>

#include "http/message.hpp"

namespace eventd::http {

Response json_response(int status, const nlohmann::json& body);

// Checks the content type (application/json, or merge-patch for PATCH), UTF-8 and nesting,
// then parses. Throws domain::Error: 415 for another content type, 400 for malformed JSON.
nlohmann::json parse_json_body(const Request& request, bool merge_patch = false);

}  // namespace eventd::http
