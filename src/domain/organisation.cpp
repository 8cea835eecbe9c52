#include "domain/organisation.hpp"

#include "domain/validation.hpp"

namespace eventd::domain {

std::vector<FieldError> check_organisation(const Organisation& o) {
  Validator v;
  v.slug("slug", o.slug);
  v.text("name", o.name, 1, kMaxNameLength);
  if (o.website) v.http_url("website", *o.website);
  v.optional_text("description", o.description, kMaxDescriptionLength);
  if (o.email) v.email("email", *o.email);
  return v.take();
}

}  // namespace eventd::domain
