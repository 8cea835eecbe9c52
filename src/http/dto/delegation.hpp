#pragma once
// JSON ↔ domain::Delegation (openapi.yaml: DelegationCreate, DelegationPatch, Delegation).
#include <nlohmann/json.hpp>

#include "domain/delegation.hpp"
#include "services/delegation_service.hpp"

namespace eventd::http::dto {

// Reads a create body, or a merged PATCH document. Type errors and unknown members are
// returned in `errors`, for the service's one 422. (Throws only when the body is not an object.)
services::DelegationDraft read_delegation(const nlohmann::json& body);

// The writable members of `d`: the document a JSON Merge Patch is applied to.
nlohmann::json delegation_request_json(const domain::Delegation& d);

// The representation (openapi `Delegation`), with its counts.
nlohmann::json delegation_json(const domain::Delegation& d);

}  // namespace eventd::http::dto
