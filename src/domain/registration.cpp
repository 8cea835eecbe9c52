#include "domain/registration.hpp"

#include <algorithm>

#include "domain/event_rules.hpp"
#include "domain/validation.hpp"

namespace eventd::domain {

std::vector<FieldError> check_participant(const Participant& p) {
  Validator v;
  v.text("name", p.name, 1, kMaxParticipantNameLength);
  v.email("email", p.email);
  v.optional_text("organisation", p.organisation, kMaxParticipantOrganisationLength);
  if (p.country) v.country("country", *p.country);
  v.optional_text("needs", p.needs, kMaxNeedsLength);
  return v.take();
}

std::string email_identity(std::string_view email) {
  std::string out(email);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Admission admit(std::optional<int> capacity, bool waitlist, int confirmed) {
  if (!capacity || confirmed < *capacity) return Admission::confirmed;
  return waitlist ? Admission::waitlisted : Admission::full;
}

std::optional<std::string> registration_refusal(const Event& e, Instant now) {
  switch (e.status) {
    case EventStatus::published:
      break;
    case EventStatus::cancelled:
      return "The event is cancelled; it takes no registrations.";
    case EventStatus::postponed:
      return "The event is postponed; registration reopens when it has new dates.";
    case EventStatus::draft:
      return "The event is not published yet.";
  }
  if (e.registration_opens_at && now < *e.registration_opens_at) {
    return "Registration opens at " + format_in_zone(*e.registration_opens_at, e.timezone) + ".";
  }
  if (e.registration_closes_at && now >= *e.registration_closes_at) {
    return "Registration closed at " + format_in_zone(*e.registration_closes_at, e.timezone) + ".";
  }
  if (event_interval(e).second <= now) return "The event is over; it takes no registrations.";
  return std::nullopt;
}

int seats_to_promote(std::optional<int> new_capacity, int confirmed, int waitlisted) {
  if (!new_capacity) return waitlisted;
  if (*new_capacity < confirmed) {
    throw conflict("The capacity cannot go below the " + std::to_string(confirmed) +
                   " confirmed registrations; cancel some first.");
  }
  return std::min(waitlisted, *new_capacity - confirmed);
}

}  // namespace eventd::domain
