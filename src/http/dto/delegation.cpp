#include "http/dto/delegation.hpp"

#include "domain/time.hpp"
#include "http/dto/reader.hpp"

namespace eventd::http::dto {

namespace {

nlohmann::json optional_json(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json contact_json(const domain::DelegationContact& c) {
  return {{"name", optional_json(c.name)}, {"email", optional_json(c.email)}, {"phone", optional_json(c.phone)}};
}

}  // namespace

services::DelegationDraft read_delegation(const nlohmann::json& body) {
  require_object(body);
  domain::Validator errors;
  ObjectReader r(body, errors);
  services::DelegationDraft draft;
  domain::Delegation& d = draft.delegation;
  r.required("name");
  if (auto name = r.string("name")) d.name = *name;
  d.country = r.string("country");
  r.object("contact", [&](ObjectReader& c) {
    d.contact.name = c.string("name");
    d.contact.email = c.string("email");
    d.contact.phone = c.string("phone");
  });
  if (auto quota = r.integer("quota")) d.quota = static_cast<int>(*quota);
  r.reject_unknown();
  draft.errors = errors.take();
  return draft;
}

nlohmann::json delegation_request_json(const domain::Delegation& d) {
  return {
      {"name", d.name},
      {"country", optional_json(d.country)},
      {"contact", contact_json(d.contact)},
      {"quota", d.quota ? nlohmann::json(*d.quota) : nlohmann::json(nullptr)},
  };
}

nlohmann::json delegation_json(const domain::Delegation& d) {
  return {
      {"id", d.id},
      {"event_id", d.event_id},
      {"name", d.name},
      {"country", optional_json(d.country)},
      {"contact", contact_json(d.contact)},
      {"quota", d.quota ? nlohmann::json(*d.quota) : nlohmann::json(nullptr)},
      {"counts", {{"confirmed", d.confirmed}, {"waitlisted", d.waitlisted}}},
      {"has_leader_token", d.has_leader_token},
      {"created_at", domain::format_utc(d.created_at)},
      {"updated_at", domain::format_utc(d.updated_at)},
  };
}

}  // namespace eventd::http::dto
