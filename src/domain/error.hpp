#pragma once
// The errors a use case can end in. One place in http/ turns them into problem+json, in the
// reader's language: an error names its kind of problem and the texts of the message
// catalogue (templates/pages/messages) that describe it, never an English sentence.
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace eventd::domain {

// The status class of a problem, for code that reacts to a class of errors (a page shows
// its own 404; startup retries while the database is unavailable).
enum class ErrorCode {
  bad_request,             // malformed input that is not a field error (400)
  unauthorized,            // no or unknown credentials (401)
  forbidden,               // valid credentials without the right (403)
  not_found,               // (404), also for things the caller may not know exist
  method_not_allowed,      // (405)
  conflict,                // a rule about the current state (409)
  precondition_failed,     // stale If-Match (412)
  payload_too_large,       // (413)
  unsupported_media_type,  // (415)
  validation,              // field errors (422)
  too_many_requests,       // (429)
  header_too_large,        // (431)
  internal,                // a fault of ours (500)
  unavailable,             // database down or saturated (503)
};

// Each kind of problem a client can meet: its own `type` URI ({public_url}/problems/<slug>),
// its status, and in the catalogue its title, a default detail and a short explanation
// (problem_<slug with _>_title / _detail / _about). A client reacts to the kind; the detail
// tells a person what happened this time.
enum class Problem {
  bad_request,
  invalid_cursor,
  unauthorized,
  link_expired,
  forbidden,
  origin_not_allowed,
  cross_site_form,
  not_found,
  method_not_allowed,
  conflict,
  registration_closed,
  event_full,
  duplicate_registration,
  duplicate_media_request,
  slug_taken,
  data_erased,
  registration_cancelled,
  speaker_clash,
  capacity_too_low,
  in_use,
  concurrent_change,
  precondition_failed,
  payload_too_large,
  unsupported_media_type,
  validation,
  idempotency_key_reused,
  rate_limited,
  header_too_large,
  internal_error,
  unavailable,
  not_ready,
};

struct ProblemInfo {
  Problem kind;
  std::string_view slug;  // "event-full": the end of the type URI
  int status;
  ErrorCode code;
};

// Every kind, in the order of the enum.
const std::vector<ProblemInfo>& all_problems();
const ProblemInfo& info_of(Problem kind);
std::optional<Problem> problem_of_slug(std::string_view slug);
// "event-full" → "event_full": the stem of the kind's catalogue keys.
std::string catalogue_stem(Problem kind);

// The values of a message's {placeholders}.
using MessageParams = std::map<std::string, std::string, std::less<>>;

// A text of the catalogue by key, with its values. Made with detail() so that a test can
// find every key the code uses (tests/tools/check_messages.py).
struct Message {
  std::string key;  // without the "detail_" prefix it has in the catalogue; empty: the kind's default
  MessageParams params;
};

// detail("event_full", {{"capacity", "40"}}) → the catalogue's detail_event_full.
inline Message detail(std::string key, MessageParams params = {}) { return Message{std::move(key), std::move(params)}; }

// A stable code of a kind of field error ("required", "too_long", "must_have_offset"). The
// catalogue has field_<code>, the message shown beside it; a code appears in the code as
// FieldCode("...") so that a test can check each has its texts.
class FieldCode {
 public:
  constexpr explicit FieldCode(std::string_view name) : name_(name) {}
  constexpr std::string_view name() const noexcept { return name_; }
  friend constexpr bool operator==(FieldCode, FieldCode) = default;

 private:
  std::string_view name_;  // always a string literal
};

struct FieldError {
  std::string field;  // dotted path, e.g. "venue.city"
  FieldCode code;
  MessageParams params = {};  // e.g. {"max", "200"} for too_long
};

class Error : public std::runtime_error {
 public:
  explicit Error(Problem kind, Message detail = {}, std::vector<FieldError> fields = {});

  Problem kind() const noexcept { return kind_; }
  ErrorCode code() const noexcept { return info_of(kind_).code; }
  int status() const noexcept { return info_of(kind_).status; }
  // The catalogue key of the detail ("detail_<key>", or the kind's default) and its values.
  std::string detail_key() const;
  const MessageParams& detail_params() const noexcept { return detail_.params; }
  const std::vector<FieldError>& fields() const noexcept { return fields_; }
  // For rate_limited and unavailable: when to try again (Retry-After), in seconds.
  std::optional<long long> retry_after_s() const noexcept { return retry_after_s_; }
  Error& with_retry_after(long long seconds) {
    retry_after_s_ = seconds;
    return *this;
  }

 private:
  Problem kind_;
  Message detail_;
  std::vector<FieldError> fields_;
  std::optional<long long> retry_after_s_{};
};

// "event" → detail_not_found_event ("The event does not exist.").
Error not_found(std::string_view resource);
Error validation(std::vector<FieldError> fields);

}  // namespace eventd::domain
