#include "domain/media_request.hpp"

#include <cctype>
#include <string_view>

#include "domain/event_rules.hpp"
#include "domain/validation.hpp"

namespace eventd::domain {

std::vector<FieldError> check_media_requester(const MediaRequester& r) {
  Validator v;
  v.text("name", r.name, 1, kMaxMediaNameLength);
  v.email("email", r.email);
  v.text("outlet", r.outlet, 1, kMaxOutletLength);
  if (r.phone) v.phone("phone", *r.phone);
  v.optional_text("message", r.message, kMaxMediaMessageLength);
  return v.take();
}

std::optional<Contact> press_contact(const Event& e) {
  auto names_press = [](const std::optional<std::string>& role) {
    if (!role) return false;
    std::string lower = *role;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (std::string_view word : {"press", "media", "medie", "kommunikat", "communicat"}) {
      if (lower.find(word) != std::string::npos) return true;
    }
    return false;
  };
  auto has_email = [](const Contact& c) { return c.email && !c.email->empty(); };
  for (const auto& c : e.contacts) {
    if (has_email(c) && names_press(c.role)) return c;
  }
  for (const auto& c : e.contacts) {
    if (has_email(c)) return c;
  }
  return std::nullopt;
}

std::optional<Error> media_request_refusal(const Event& e, Instant now) {
  const auto refused = [](Message why) { return Error(Problem::conflict, std::move(why)); };
  if (e.media_policy == MediaPolicy::closed) return refused(detail("media_policy_closed"));
  switch (e.status) {
    case EventStatus::published:
      break;
    case EventStatus::cancelled:
      return refused(detail("media_event_cancelled"));
    case EventStatus::postponed:
      return refused(detail("media_event_postponed"));
    case EventStatus::draft:
      return refused(detail("event_not_published"));
  }
  if (event_interval(e).second <= now) return refused(detail("media_event_over"));
  return std::nullopt;
}

bool may_transition(MediaActor actor, MediaRequestStatus from, MediaRequestStatus to) {
  return !transition_refusal(actor, from, to).has_value();
}

std::optional<Error> transition_refusal(MediaActor actor, MediaRequestStatus from, MediaRequestStatus to) {
  using S = MediaRequestStatus;
  // Every conflict names the change: "The request cannot go from {from} to {to}: ...".
  auto not_from_here = [&](Message why) {
    why.params.emplace("from", to_string(from));
    why.params.emplace("to", to_string(to));
    return Error(Problem::conflict, std::move(why));
  };
  if (from == to) return not_from_here(detail("transition_same_status"));
  if (from == S::withdrawn) return not_from_here(detail("transition_withdrawn"));

  switch (actor) {
    case MediaActor::requester:
      if (to != S::withdrawn) {
        return Error(Problem::forbidden, detail("requester_only_withdraws"));
      }
      if (from != S::pending && from != S::approved) {
        return not_from_here(detail("transition_withdraw_not_open"));
      }
      return std::nullopt;
    case MediaActor::policy:
      if (from != S::pending || to != S::approved) {
        return Error(Problem::forbidden, detail("policy_only_approves_pending"));
      }
      return std::nullopt;
    case MediaActor::organiser:
    case MediaActor::admin:
      break;
  }
  // An organiser or an admin.
  switch (to) {
    case S::approved:
      return std::nullopt;  // pending, or reconsidering a rejection or a revocation
    case S::rejected:
      if (from != S::pending) return not_from_here(detail("transition_reject_not_pending"));
      return std::nullopt;
    case S::revoked:
      if (from != S::approved) return not_from_here(detail("transition_revoke_not_approved"));
      return std::nullopt;
    case S::withdrawn:
      return Error(Problem::forbidden, detail("only_requester_withdraws"));
    case S::pending:
      return not_from_here(detail("transition_back_to_pending"));
  }
  return not_from_here(detail("transition_unknown_status"));
}

}  // namespace eventd::domain
