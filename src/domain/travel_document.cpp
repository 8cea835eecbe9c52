#include "domain/travel_document.hpp"

#include "domain/validation.hpp"

namespace eventd::domain {

namespace {

bool is_passport_number(std::string_view s) {
  if (s.size() < 5 || s.size() > kMaxPassportNumberLength) return false;
  for (char c : s) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

}  // namespace

std::vector<FieldError> check_travel_document(const TravelDocument& d) {
  Validator v;
  if (d.passport_number) {
    v.check(is_passport_number(*d.passport_number), "passport_number", FieldCode("invalid_passport_number"));
  }
  if (d.issuing_country) v.country("issuing_country", *d.issuing_country);
  if (d.nationality) v.country("nationality", *d.nationality);
  if (d == TravelDocument{}) v.add("passport_number", FieldCode("required"));
  return v.take();
}

}  // namespace eventd::domain
