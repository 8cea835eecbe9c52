#pragma once
// ETags and conditional requests: If-Match (412 on a stale tag), If-None-Match and
// If-Modified-Since (304).
#include <optional>
#include <string>

#include "domain/time.hpp"
#include "http/message.hpp"

namespace eventd::http {

// A strong tag from the record's id and its version (trigger-maintained in the database).
std::string etag_for(std::string_view id, long long version);
// The same with a part derived from other records (an event's registration counts, a
// waitlist position): it changes the representation, so GET revalidation sees it, but
// If-Match ignores it, since a client's change does not depend on it.
std::string etag_for(std::string_view id, long long version, std::string_view derived);

// A short digest of a text (FNV-1a, 16 hex digits; stable across instances): for the derived
// part of a tag, e.g. an event's included records, which change the answer without
// changing the event.
std::string content_digest(std::string_view text);
// A strong tag of an answer that has no version of its own (an API key's record, a person's
// overview): its body's digest.
std::string etag_of_content(std::string_view body);

// Throws domain::Error(precondition_failed) when If-Match is present and does not match.
void check_if_match(const Request& request, const std::string& current_etag);

// True when the client's cached copy is current: If-None-Match matches (it takes
// precedence), or else If-Modified-Since is not before `last_modified`.
bool is_not_modified(const Request& request, const std::string& etag, std::optional<domain::Instant> last_modified);

std::string http_date(domain::Instant t);  // IMF-fixdate, e.g. Thu, 26 Nov 2020 08:00:00 GMT
std::optional<domain::Instant> parse_http_date(std::string_view text);

// A 304 with the validators, or the full response with ETag and Last-Modified set.
Response not_modified(const std::string& etag, std::optional<domain::Instant> last_modified);
void set_validators(Response& response, const std::string& etag, std::optional<domain::Instant> last_modified);

}  // namespace eventd::http
