#include "http/dto/organisation.hpp"

#include <set>

#include "domain/validation.hpp"
#include "http/dto/reader.hpp"

namespace eventd::http::dto {

namespace {

std::string allowed_kinds() {
  std::string names;
  for (const auto& [kind, name] : domain::kOrganisationKindNames) {
    if (!names.empty()) names += ", ";
    names += name;
  }
  return names;
}

}  // namespace

domain::Organisation read_organisation(const nlohmann::json& body, bool make_slug,
                                       std::vector<domain::FieldError> reported) {
  require_object(body);
  domain::Validator errors;
  errors.append(std::move(reported));
  ObjectReader reader(body, errors);
  domain::Organisation organisation;

  auto slug = reader.string("slug");
  reader.required("name");
  auto name = reader.string("name");
  reader.required("kind");
  auto kind = reader.enumeration("kind", domain::parse_organisation_kind, allowed_kinds());
  organisation.website = reader.string("website");
  organisation.description = reader.string("description");
  organisation.email = reader.string("email");
  organisation.frontend_url = reader.string("frontend_url");
  reader.reject_unknown();

  if (name) organisation.name = *name;
  if (kind) organisation.kind = *kind;

  // Fields the domain check below must not report again (or cannot judge).
  std::set<std::string> skip;
  bool slug_absent = !body.contains("slug") || body["slug"].is_null();
  if (slug) {
    organisation.slug = *slug;
  } else if (slug_absent) {
    if (!make_slug) {
      errors.add("slug", domain::FieldCode("required"));  // a patch may change the slug, not remove it
    } else if (name) {
      organisation.slug = domain::slugify(*name);
      if (organisation.slug.empty()) errors.add("slug", domain::FieldCode("no_usable_slug"), {{"source", "name"}});
    } else {
      skip.insert("slug");  // it would be made from the name, which is already reported
    }
  }

  // The domain rules, for the fields that were read well: one report per field.
  for (const auto& e : errors.errors()) skip.insert(e.field);
  for (auto& e : domain::check_organisation(organisation)) {
    if (!skip.contains(e.field)) errors.add(std::move(e.field), e.code, std::move(e.params));
  }
  errors.throw_if_any();
  return organisation;
}

nlohmann::json organisation_request_json(const domain::Organisation& organisation) {
  nlohmann::json json = {
      {"slug", organisation.slug},
      {"name", organisation.name},
      {"kind", domain::to_string(organisation.kind)},
  };
  if (organisation.website) json["website"] = *organisation.website;
  if (organisation.description) json["description"] = *organisation.description;
  if (organisation.email) json["email"] = *organisation.email;
  if (organisation.frontend_url) json["frontend_url"] = *organisation.frontend_url;
  return json;
}

nlohmann::json organisation_json(const domain::Organisation& organisation) {
  return {
      {"id", organisation.id},
      {"slug", organisation.slug},
      {"name", organisation.name},
      {"kind", domain::to_string(organisation.kind)},
      {"website", organisation.website ? nlohmann::json(*organisation.website) : nlohmann::json(nullptr)},
      {"description", organisation.description ? nlohmann::json(*organisation.description) : nlohmann::json(nullptr)},
      {"email", organisation.email ? nlohmann::json(*organisation.email) : nlohmann::json(nullptr)},
      {"frontend_url",
       organisation.frontend_url ? nlohmann::json(*organisation.frontend_url) : nlohmann::json(nullptr)},
      {"created_at", domain::format_utc(organisation.created_at)},
      {"updated_at", domain::format_utc(organisation.updated_at)},
  };
}

}  // namespace eventd::http::dto
