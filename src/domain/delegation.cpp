#include "domain/delegation.hpp"

#include "domain/speaker.hpp"
#include "domain/validation.hpp"

namespace eventd::domain {

std::vector<FieldError> check_delegation(const Delegation& d) {
  Validator v;
  v.text("name", d.name, 1, kMaxDelegationNameLength);
  if (d.country) v.country("country", *d.country);
  v.optional_text("contact.name", d.contact.name, kMaxParticipantNameLength);
  if (d.contact.email) v.email("contact.email", *d.contact.email);
  if (v.optional_text("contact.phone", d.contact.phone, kMaxPhoneLength) && d.contact.phone) {
    v.phone("contact.phone", *d.contact.phone);
  }
  if (d.quota) {
    v.check(*d.quota >= 0 && *d.quota <= kMaxDelegationQuota, "quota", FieldCode("out_of_range"),
            {{"min", "0"}, {"max", std::to_string(kMaxDelegationQuota)}});
  }
  return v.take();
}

Admission admit_to_delegation(std::optional<int> capacity, bool waitlist, int confirmed, std::optional<int> quota,
                              int delegation_confirmed) {
  const Admission event = admit(capacity, waitlist, confirmed);
  if (event != Admission::confirmed) return event;
  if (DelegationSeats{quota, delegation_confirmed}.has_room()) return Admission::confirmed;
  return waitlist ? Admission::waitlisted : Admission::full;
}

}  // namespace eventd::domain
