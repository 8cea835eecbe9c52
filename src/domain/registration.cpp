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

std::optional<Error> registration_refusal(const Event& e, Instant now) {
  const auto closed = [](Message why) { return Error(Problem::registration_closed, std::move(why)); };
  switch (e.status) {
    case EventStatus::published:
      break;
    case EventStatus::cancelled:
      return closed(detail("registration_event_cancelled"));
    case EventStatus::postponed:
      return closed(detail("registration_event_postponed"));
    case EventStatus::draft:
      return closed(detail("event_not_published"));
  }
  if (e.registration_opens_at && now < *e.registration_opens_at) {
    return closed(
        detail("registration_not_yet_open", {{"time", format_in_zone(*e.registration_opens_at, e.timezone)}}));
  }
  if (e.registration_closes_at && now >= *e.registration_closes_at) {
    return closed(detail("registration_closed_at", {{"time", format_in_zone(*e.registration_closes_at, e.timezone)}}));
  }
  if (event_interval(e).second <= now) return closed(detail("registration_event_over"));
  return std::nullopt;
}

int seats_to_promote(std::optional<int> new_capacity, int confirmed, int waitlisted) {
  if (!new_capacity) return waitlisted;
  if (*new_capacity < confirmed) {
    throw Error(Problem::capacity_too_low,
                detail("capacity_below_confirmed", {{"confirmed", std::to_string(confirmed)}}));
  }
  return std::min(waitlisted, *new_capacity - confirmed);
}

}  // namespace eventd::domain
