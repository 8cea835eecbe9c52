#include "domain/webhook.hpp"

#include <algorithm>
#include <array>

#include "domain/validation.hpp"

namespace eventd::domain {

namespace {

constexpr std::array<WebhookEventType, 24> kTypes{{
    {"event.created", "Event", "An event was created (a draft, or published at once)."},
    {"event.updated", "Event", "An event's details changed."},
    {"event.published", "Event", "A draft was published."},
    {"event.cancelled", "Event", "An event was cancelled."},
    {"event.deleted", "Event", "An event was deleted: its last representation."},
    {"session.created", "Session", "A programme item was added."},
    {"session.updated", "Session", "A programme item changed (time, place, speakers, ...)."},
    {"session.deleted", "Session",
     "A programme item was removed (calendars show it cancelled): its last representation."},
    {"registration.created", "Registration", "Someone registered: `status` says confirmed or waitlisted."},
    {"registration.confirmed", "Registration", "A waitlisted registration got a seat."},
    {"registration.updated", "Registration", "A registration's details or programme choices changed."},
    {"registration.cancelled", "Registration", "A registration was cancelled."},
    {"registration.erased", "Registration", "A registration's personal data was erased."},
    {"media_request.created", "MediaRequest", "A journalist asked for access to the stream."},
    {"media_request.approved", "MediaRequest", "A media request was approved."},
    {"media_request.rejected", "MediaRequest", "A media request was declined."},
    {"media_request.revoked", "MediaRequest", "An approved media request's access was taken back."},
    {"media_request.withdrawn", "MediaRequest", "The journalist withdrew the request."},
    {"delegation.created", "Delegation", "A delegation of a study trip was created."},
    {"delegation.updated", "Delegation", "A delegation changed (name, quota, contact, leader token)."},
    {"delegation.deleted", "Delegation", "A delegation was removed: its last representation."},
    {"task.created", "Task", "A task of a study trip was created."},
    {"task.updated", "Task", "A task changed."},
    {"task.deleted", "Task", "A task was removed: its last representation."},
}};

}  // namespace

std::span<const WebhookEventType> webhook_event_types() { return kTypes; }

bool is_webhook_event_type(std::string_view name) {
  return std::any_of(kTypes.begin(), kTypes.end(), [name](const WebhookEventType& t) { return t.name == name; });
}

std::vector<FieldError> check_webhook_subscription(const WebhookSubscription& s) {
  Validator v;
  v.text("url", s.url, 8, kMaxWebhookUrlLength);
  v.optional_text("description", s.description, kMaxWebhookDescriptionLength);
  v.check(s.event_types.size() <= kMaxWebhookEventTypes, "event_types", FieldCode("too_many"),
          {{"max", std::to_string(kMaxWebhookEventTypes)}});
  for (std::size_t i = 0; i < s.event_types.size(); ++i) {
    v.check(is_webhook_event_type(s.event_types[i]), "event_types[" + std::to_string(i) + "]",
            FieldCode("unknown_event_type"));
  }
  return v.take();
}

bool wants(const WebhookSubscription& s, std::string_view type) {
  return s.event_types.empty() || std::find(s.event_types.begin(), s.event_types.end(), type) != s.event_types.end();
}

}  // namespace eventd::domain
