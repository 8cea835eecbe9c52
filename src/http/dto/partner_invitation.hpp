#pragma once
// JSON ↔ partner invitations (openapi: PartnerInvitation, PartnerAnswer).
#include <nlohmann/json.hpp>

#include "domain/partner_invitation.hpp"

namespace eventd::http::dto {

// {"status": "accepted" | "declined"}; every fault in one domain::validation.
domain::PartnerStatus read_partner_answer(const nlohmann::json& body);

nlohmann::json partner_invitation_json(const domain::PartnerInvitation& invitation);

}  // namespace eventd::http::dto
