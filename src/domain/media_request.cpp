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

std::optional<std::string> media_request_refusal(const Event& e, Instant now) {
  if (e.media_policy == MediaPolicy::closed) {
    return "The organiser does not give media access to this event (media policy: closed). The event's contacts "
           "can answer questions from the press.";
  }
  switch (e.status) {
    case EventStatus::published:
      break;
    case EventStatus::cancelled:
      return "The event is cancelled; it takes no media requests.";
    case EventStatus::postponed:
      return "The event is postponed; media requests reopen when it has new dates.";
    case EventStatus::draft:
      return "The event is not published yet.";
  }
  if (event_interval(e).second <= now) return "The event is over; it takes no media requests.";
  return std::nullopt;
}

bool may_transition(MediaActor actor, MediaRequestStatus from, MediaRequestStatus to) {
  return !transition_refusal(actor, from, to).has_value();
}

std::optional<TransitionRefusal> transition_refusal(MediaActor actor, MediaRequestStatus from, MediaRequestStatus to) {
  using S = MediaRequestStatus;
  const std::string change = "from " + std::string(to_string(from)) + " to " + std::string(to_string(to));
  auto not_from_here = [&](std::string why) {
    return TransitionRefusal{ErrorCode::conflict, "The request cannot go " + change + ": " + std::move(why)};
  };
  if (from == to) return not_from_here("it is " + std::string(to_string(from)) + " already.");
  if (from == S::withdrawn) return not_from_here("the requester withdrew it; a new request is needed.");

  switch (actor) {
    case MediaActor::requester:
      if (to != S::withdrawn) {
        return TransitionRefusal{ErrorCode::forbidden,
                                 "The requester can only withdraw a request; the event's organiser decides on it."};
      }
      if (from != S::pending && from != S::approved) {
        return not_from_here("only a pending or approved request can be withdrawn.");
      }
      return std::nullopt;
    case MediaActor::policy:
      if (from != S::pending || to != S::approved) {
        return TransitionRefusal{ErrorCode::forbidden, "A media policy only approves pending requests."};
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
      if (from != S::pending) return not_from_here("only a pending request can be rejected; revoke an approval.");
      return std::nullopt;
    case S::revoked:
      if (from != S::approved) return not_from_here("only an approved request can be revoked.");
      return std::nullopt;
    case S::withdrawn:
      return TransitionRefusal{ErrorCode::forbidden,
                               "Only the requester can withdraw a request; reject or revoke it instead."};
    case S::pending:
      return not_from_here("a decided request does not go back to pending.");
  }
  return not_from_here("unknown status.");
}

}  // namespace eventd::domain
