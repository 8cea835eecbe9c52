#include "domain/speaker.hpp"

#include "domain/organisation.hpp"
#include "domain/validation.hpp"

namespace eventd::domain {

std::vector<FieldError> check_speaker(const Speaker& s) {
  Validator v;
  v.slug("slug", s.slug);
  v.text("name", s.name, 1, kMaxNameLength);
  v.optional_text("title", s.title, kMaxNameLength);
  v.optional_text("affiliation", s.affiliation, kMaxNameLength);
  v.optional_text("bio", s.bio, kMaxDescriptionLength);
  if (v.optional_text("photo_url", s.photo_url, kMaxPhotoUrlLength) && s.photo_url) {
    v.http_url("photo_url", *s.photo_url);
  }
  if (s.email) v.email("email", *s.email);
  if (v.optional_text("phone", s.phone, kMaxPhoneLength) && s.phone) {
    v.phone("phone", *s.phone);
  }
  return v.take();
}

}  // namespace eventd::domain
