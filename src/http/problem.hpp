#pragma once
// RFC 9457 problem+json: the one place errors become responses, in the reader's language.
#include <string>
#include <string_view>

#include "domain/error.hpp"
#include "http/message.hpp"

namespace eventd::http {

// Sent as Retry-After with every 503 and 429 whose error names no time of its own: a
// saturated pool or a restarting database usually recovers within seconds.
inline constexpr int retry_after_seconds = 5;

std::string reason_phrase(int status);

// Where a problem is told: the base of its type URI ({public_url}/problems/<slug>) and the
// language of its texts ("sv" or "en", http::preferred_language).
struct ProblemContext {
  std::string_view public_url;
  std::string language = "en";
};

// The context of a problem answering `request`: its Accept-Language decides.
ProblemContext problem_context(const Request& request, std::string_view public_url);

// The type URI of a kind of problem.
std::string problem_type(std::string_view public_url, domain::Problem kind);

Response problem(const domain::Error& error, const ProblemContext& where);

}  // namespace eventd::http
