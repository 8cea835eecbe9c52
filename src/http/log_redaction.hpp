#pragma once
// What of a request may be written to the log. Secrets (API keys, manage, status and feed
// tokens) never are: the Authorization header and the query string are not logged at all,
// and a path segment shaped like a secret is replaced, so a personal feed URL
// (/v1/feeds/{token}/calendar.ics) or a mistyped one keeps its token out of the log.
#include <string>
#include <string_view>

namespace eventd::http {

// True for what services::new_secret makes ("evk_" + 43 base64url characters) and anything
// else of that shape: at least 32 characters of [A-Za-z0-9_-] with an upper-case letter or
// '_'. Slugs (lower case, digits, '-') and UUIDs never match.
bool looks_like_secret(std::string_view segment);

// The path with every secret-shaped segment replaced by "[redacted]".
std::string loggable_path(std::string_view path);

}  // namespace eventd::http
