#include "http/dto/travel_document.hpp"

#include "http/dto/reader.hpp"

namespace eventd::http::dto {

namespace {

nlohmann::json optional_json(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}
nlohmann::json optional_date(const std::optional<domain::Date>& value) {
  return value ? nlohmann::json(domain::format_date(*value)) : nlohmann::json(nullptr);
}

}  // namespace

services::TravelDocumentDraft read_travel_document(const nlohmann::json& body) {
  require_object(body);
  domain::Validator errors;
  ObjectReader r(body, errors);
  services::TravelDocumentDraft draft;
  domain::TravelDocument& d = draft.document;
  d.passport_number = r.string("passport_number");
  d.issuing_country = r.string("issuing_country");
  d.passport_expires_on = r.date("passport_expires_on");
  d.date_of_birth = r.date("date_of_birth");
  d.nationality = r.string("nationality");
  r.reject_unknown();
  draft.errors = errors.take();
  return draft;
}

nlohmann::json travel_document_json(const services::StoredTravelDocument& stored) {
  const domain::TravelDocument& d = stored.document;
  return {
      {"passport_number", optional_json(d.passport_number)},
      {"issuing_country", optional_json(d.issuing_country)},
      {"passport_expires_on", optional_date(d.passport_expires_on)},
      {"date_of_birth", optional_date(d.date_of_birth)},
      {"nationality", optional_json(d.nationality)},
      {"updated_at", domain::format_utc(stored.updated_at)},
  };
}

}  // namespace eventd::http::dto
