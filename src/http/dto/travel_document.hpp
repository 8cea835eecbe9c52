#pragma once
// JSON ↔ domain::TravelDocument (openapi.yaml: TravelDocument, TravelDocumentPut).
#include <nlohmann/json.hpp>

#include "domain/travel_document.hpp"
#include "services/travel_document_service.hpp"

namespace eventd::http::dto {

// Reads a PUT body (the whole document). Type errors and unknown members are returned in
// `errors`. (Throws only when the body is not an object.)
services::TravelDocumentDraft read_travel_document(const nlohmann::json& body);

// The representation (openapi `TravelDocument`), for the event's organisers only.
nlohmann::json travel_document_json(const services::StoredTravelDocument& stored);

}  // namespace eventd::http::dto
