#include "domain/api_key.hpp"

#include "domain/organisation.hpp"
#include "domain/validation.hpp"

namespace eventd::domain {

std::vector<FieldError> check_api_key(const ApiKey& k) {
  Validator v;
  v.text("name", k.name, 1, kMaxApiKeyNameLength);
  if (k.role == Role::organiser) {
    v.check(k.organisation_id.has_value() && !k.organisation_id->empty(), "organisation_id",
            FieldCode("required_for_organiser_key"));
  } else {
    v.check(!k.organisation_id.has_value(), "organisation_id", FieldCode("absent_for_admin_key"));
  }
  return v.take();
}

Caller Caller::from_key(const ApiKey& key) {
  if (key.role == Role::admin) return admin(key.id);
  return organiser(key.id, key.organisation_id.value_or(std::string{}));
}

}  // namespace eventd::domain
