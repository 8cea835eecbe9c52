#pragma once
// JSON <-> domain::Organisation (openapi: OrganisationCreate, OrganisationPatch, Organisation).
#include <nlohmann/json.hpp>

#include <vector>

#include "domain/error.hpp"
#include "domain/organisation.hpp"

namespace eventd::http::dto {

// Reads a create body (or a merged patch) into an Organisation: every wrong type, unknown
// member, missing or invalid field is collected and thrown as one domain::validation.
// Without a slug, one is made from the name (when `make_slug`; a merged patch always has
// one unless the patch removed it, which is then "is required").
// `reported`: errors found before reading (a PATCH's read-only members), in the same 422.
domain::Organisation read_organisation(const nlohmann::json& body, bool make_slug,
                                       std::vector<domain::FieldError> reported = {});

// The request form of a stored organisation (slug, name, kind, website, description):
// what a merge patch is applied to.
nlohmann::json organisation_request_json(const domain::Organisation& organisation);

// The representation: every member, null for an absent website or description.
nlohmann::json organisation_json(const domain::Organisation& organisation);

}  // namespace eventd::http::dto
