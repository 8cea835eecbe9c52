#include "domain/speaker.hpp"

#include "domain/organisation.hpp"
#include "domain/validation.hpp"

namespace eventd::domain {

bool is_valid_speaker_phone(std::string_view phone) {
  // The shape speakers_phone_check enforces: ^\+?[0-9][0-9 ()-]{3,30}$
  std::size_t i = 0;
  if (i < phone.size() && phone[i] == '+') ++i;
  if (i >= phone.size() || phone[i] < '0' || phone[i] > '9') return false;
  ++i;
  const std::size_t rest = phone.size() - i;
  if (rest < 3 || rest > 30) return false;
  for (; i < phone.size(); ++i) {
    const char c = phone[i];
    if (!((c >= '0' && c <= '9') || c == ' ' || c == '(' || c == ')' || c == '-')) return false;
  }
  return true;
}

std::vector<FieldError> check_speaker(const Speaker& s) {
  Validator v;
  v.slug("slug", s.slug);
  v.text("name", s.name, 1, kMaxNameLength);
  v.optional_text("title", s.title, kMaxNameLength);
  v.optional_text("affiliation", s.affiliation, kMaxNameLength);
  v.optional_text("bio", s.bio, kMaxDescriptionLength);
  if (s.email) v.email("email", *s.email);
  if (v.optional_text("phone", s.phone, kMaxPhoneLength) && s.phone) {
    v.check(is_valid_speaker_phone(*s.phone), "phone",
            "must be a phone number of digits, spaces, ( ) and -, optionally starting with +, e.g. +46 70 996 54 25");
  }
  return v.take();
}

}  // namespace eventd::domain
