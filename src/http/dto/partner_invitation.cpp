#include "http/dto/partner_invitation.hpp"

#include "domain/error.hpp"
#include "http/dto/reader.hpp"

namespace eventd::http::dto {

domain::PartnerStatus read_partner_answer(const nlohmann::json& body) {
  require_object(body);
  domain::Validator errors;
  ObjectReader r(body, errors);
  r.required("status");
  auto status = r.enumeration("status", domain::parse_partner_status, "accepted, declined");
  r.reject_unknown();
  if (status == domain::PartnerStatus::pending) {
    errors.add("status", domain::FieldCode("not_one_of"), {{"allowed", "accepted, declined"}});
  }
  errors.throw_if_any();
  return *status;
}

nlohmann::json partner_invitation_json(const domain::PartnerInvitation& i) {
  return {
      {"event",
       {{"id", i.event_id},
        {"slug", i.event_slug},
        {"title", i.event_title},
        {"status", i.event_status},
        {"organiser_id", i.event_organiser_id}}},
      {"organisation_id", i.organisation_id},
      {"status", domain::to_string(i.status)},
      {"invited_at", domain::format_utc(i.invited_at)},
      {"decided_at", i.decided_at ? nlohmann::json(domain::format_utc(*i.decided_at)) : nlohmann::json(nullptr)},
  };
}

}  // namespace eventd::http::dto
