#include "domain/organisation.hpp"

#include <string>

#include "domain/validation.hpp"

namespace eventd::domain {

std::vector<FieldError> check_organisation(const Organisation& o) {
  Validator v;
  v.slug("slug", o.slug);
  v.text("name", o.name, 1, kMaxNameLength);
  if (o.website) v.http_url("website", *o.website);
  v.optional_text("description", o.description, kMaxDescriptionLength);
  if (o.email) v.email("email", *o.email);
  if (o.frontend_url && v.http_url("frontend_url", *o.frontend_url)) {
    const std::string& url = *o.frontend_url;
    v.check(url.size() <= kMaxFrontendUrlLength && url.find_first_of("?#") == std::string::npos && url.back() != '/',
            "frontend_url", FieldCode("not_base_url"), {{"max", std::to_string(kMaxFrontendUrlLength)}});
  }
  return v.take();
}

}  // namespace eventd::domain
