#pragma once
// RFC 9457 problem+json: the one place errors become responses.
#include <string>
#include <vector>

#include "domain/error.hpp"
#include "http/message.hpp"

namespace eventd::http {

// Sent as Retry-After with every 503 and 429 whose error names no time of its own: a
// saturated pool or a restarting database usually recovers within seconds.
inline constexpr int retry_after_seconds = 5;

int status_for(domain::ErrorCode code);
std::string reason_phrase(int status);

Response problem(int status, std::string detail, const std::vector<domain::FieldError>& errors = {});
Response problem(const domain::Error& error);

}  // namespace eventd::http
