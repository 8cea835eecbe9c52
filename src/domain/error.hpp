#pragma once
// The errors a use case can end in. One place in http/ turns them into problem+json.
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace eventd::domain {

enum class ErrorCode {
  bad_request,             // malformed input that is not a field error (400)
  unauthorized,            // no or unknown credentials (401)
  forbidden,               // valid credentials without the right (403)
  not_found,               // (404), also for things the caller may not know exist
  conflict,                // a rule about the current state (409)
  precondition_failed,     // stale If-Match (412)
  payload_too_large,       // (413)
  unsupported_media_type,  // (415)
  validation,              // field errors (422)
  too_many_requests,       // (429)
  unavailable,             // database down or saturated (503)
};

struct FieldError {
  std::string field;    // dotted path, e.g. "venue.city"
  std::string message;  // for a human
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string detail, std::vector<FieldError> fields = {})
      : std::runtime_error(detail), code_(code), detail_(std::move(detail)), fields_(std::move(fields)) {}

  ErrorCode code() const noexcept { return code_; }
  const std::string& detail() const noexcept { return detail_; }
  const std::vector<FieldError>& fields() const noexcept { return fields_; }
  // For too_many_requests and unavailable: when to try again (Retry-After), in seconds.
  std::optional<long long> retry_after_s() const noexcept { return retry_after_s_; }
  Error& with_retry_after(long long seconds) {
    retry_after_s_ = seconds;
    return *this;
  }

 private:
  ErrorCode code_;
  std::string detail_;
  std::vector<FieldError> fields_;
  std::optional<long long> retry_after_s_{};
};

inline Error not_found(std::string what) { return Error(ErrorCode::not_found, std::move(what) + " not found"); }
inline Error conflict(std::string detail) { return Error(ErrorCode::conflict, std::move(detail)); }
inline Error validation(std::vector<FieldError> fields) {
  return Error(ErrorCode::validation, "The request has invalid fields.", std::move(fields));
}

}  // namespace eventd::domain
