#include "domain/error.hpp"

#include <algorithm>

namespace eventd::domain {

namespace {

using enum Problem;

const std::vector<ProblemInfo> kProblems = {
    {bad_request, "bad-request", 400, ErrorCode::bad_request},
    {invalid_cursor, "invalid-cursor", 400, ErrorCode::bad_request},
    {unauthorized, "unauthorized", 401, ErrorCode::unauthorized},
    {link_expired, "link-expired", 401, ErrorCode::unauthorized},
    {forbidden, "forbidden", 403, ErrorCode::forbidden},
    {origin_not_allowed, "origin-not-allowed", 403, ErrorCode::forbidden},
    {cross_site_form, "cross-site-form", 403, ErrorCode::forbidden},
    {not_found, "not-found", 404, ErrorCode::not_found},
    {method_not_allowed, "method-not-allowed", 405, ErrorCode::method_not_allowed},
    {conflict, "conflict", 409, ErrorCode::conflict},
    {registration_closed, "registration-closed", 409, ErrorCode::conflict},
    {event_full, "event-full", 409, ErrorCode::conflict},
    {duplicate_registration, "duplicate-registration", 409, ErrorCode::conflict},
    {duplicate_media_request, "duplicate-media-request", 409, ErrorCode::conflict},
    {slug_taken, "slug-taken", 409, ErrorCode::conflict},
    {data_erased, "data-erased", 409, ErrorCode::conflict},
    {registration_cancelled, "registration-cancelled", 409, ErrorCode::conflict},
    {speaker_clash, "speaker-clash", 409, ErrorCode::conflict},
    {capacity_too_low, "capacity-too-low", 409, ErrorCode::conflict},
    {in_use, "in-use", 409, ErrorCode::conflict},
    {concurrent_change, "concurrent-change", 409, ErrorCode::conflict},
    {precondition_failed, "precondition-failed", 412, ErrorCode::precondition_failed},
    {payload_too_large, "payload-too-large", 413, ErrorCode::payload_too_large},
    {unsupported_media_type, "unsupported-media-type", 415, ErrorCode::unsupported_media_type},
    {validation, "validation", 422, ErrorCode::validation},
    {idempotency_key_reused, "idempotency-key-reused", 422, ErrorCode::validation},
    {rate_limited, "rate-limited", 429, ErrorCode::too_many_requests},
    {header_too_large, "header-too-large", 431, ErrorCode::header_too_large},
    {internal_error, "internal-error", 500, ErrorCode::internal},
    {unavailable, "unavailable", 503, ErrorCode::unavailable},
    {not_ready, "not-ready", 503, ErrorCode::unavailable},
};

}  // namespace

const std::vector<ProblemInfo>& all_problems() { return kProblems; }

const ProblemInfo& info_of(Problem kind) { return kProblems.at(static_cast<std::size_t>(kind)); }

std::optional<Problem> problem_of_slug(std::string_view slug) {
  auto it = std::find_if(kProblems.begin(), kProblems.end(), [&](const ProblemInfo& p) { return p.slug == slug; });
  if (it == kProblems.end()) return std::nullopt;
  return it->kind;
}

std::string catalogue_stem(Problem kind) {
  std::string stem(info_of(kind).slug);
  std::replace(stem.begin(), stem.end(), '-', '_');
  return stem;
}

Error::Error(Problem kind, Message detail, std::vector<FieldError> fields)
    : std::runtime_error(detail.key.empty() ? std::string(info_of(kind).slug) : detail.key),
      kind_(kind),
      detail_(std::move(detail)),
      fields_(std::move(fields)) {}

std::string Error::detail_key() const {
  if (detail_.key.empty()) return "problem_" + catalogue_stem(kind_) + "_detail";
  return "detail_" + detail_.key;
}

Error not_found(std::string_view resource) {
  return Error(Problem::not_found, Message{"not_found_" + std::string(resource), {}});
}

Error validation(std::vector<FieldError> fields) { return Error(Problem::validation, {}, std::move(fields)); }

}  // namespace eventd::domain
