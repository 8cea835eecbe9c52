#pragma once
// JSON ↔ registrations (openapi.yaml: RegistrationCreate, RegistrationPatch, Registration,
// RegistrationCreated), and the CSV export.
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "domain/registration.hpp"
#include "services/registration_service.hpp"

namespace eventd::http::dto {

// A create body or a merged PATCH document; type errors and unknown members go to `errors`.
services::RegistrationDraft read_registration(const nlohmann::json& body);

// The writable members of `r` (consent true): the document a JSON Merge Patch is applied to.
nlohmann::json registration_request_json(const domain::Registration& r);

// Links a participant may be shown; empty members are left out.
struct RegistrationLinks {
  std::string self;          // /v1/registrations/{id}
  std::string invite;        // /v1/registrations/{id}/invite.ics
  std::string feed;          // /v1/feeds/{token}/calendar.ics (participant only)
  std::string webcal;        // the same as webcal://
  std::string page;          // the person's page of it, without a code (domain/links.hpp)
  std::string plain_invite;  // /v1/feeds/{token}/invite.ics: no header needed (participant only)
};

// `entitlement`: the holder's `access` block (absent for anyone else).
nlohmann::json registration_json(const domain::Registration& r, const RegistrationLinks& links,
                                 const std::optional<services::RegistrationEntitlement>& entitlement = std::nullopt);

// Spreadsheet-ready: UTF-8 with a byte-order mark (so Excel reads å, ä, ö right), CRLF, RFC
// 4180 quoting, `delimiter` ',' or ';' (Excel in Swedish and other locales that write decimal
// commas splits on ';'), and cells that a spreadsheet would run as a formula (= + - @)
// prefixed with an apostrophe.
// With `travel` (the export asked for with include=travel_documents), five more columns of
// each traveller's passport details.
std::string registrations_csv(const std::vector<domain::Registration>& items, char delimiter,
                              const std::map<std::string, domain::TravelDocument>* travel = nullptr);

}  // namespace eventd::http::dto
