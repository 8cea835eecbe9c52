#include "http/dto/webhook.hpp"

#include "domain/time.hpp"
#include "http/dto/reader.hpp"

namespace eventd::http::dto {

namespace {

nlohmann::json optional_json(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}
nlohmann::json optional_json(const std::optional<int>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}
nlohmann::json optional_instant(const std::optional<domain::Instant>& value) {
  return value ? nlohmann::json(domain::format_utc(*value)) : nlohmann::json(nullptr);
}

}  // namespace

services::WebhookDraft read_webhook(const nlohmann::json& body) {
  require_object(body);
  domain::Validator errors;
  ObjectReader r(body, errors);
  services::WebhookDraft draft;
  domain::WebhookSubscription& s = draft.subscription;
  r.required("url");
  if (auto url = r.string("url")) s.url = *url;
  if (auto types = r.strings("event_types", domain::kMaxWebhookEventTypes)) s.event_types = std::move(*types);
  s.description = r.string("description");
  if (auto enabled = r.boolean("enabled")) s.enabled = *enabled;
  draft.organisation_ref = r.string("organisation_id");
  r.reject_unknown();
  draft.errors = errors.take();
  return draft;
}

nlohmann::json webhook_request_json(const domain::WebhookSubscription& s) {
  return {
      {"url", s.url},
      {"event_types", s.event_types},
      {"description", optional_json(s.description)},
      {"enabled", s.enabled},
  };
}

nlohmann::json webhook_json(const domain::WebhookSubscription& s) {
  const auto reason = domain::to_string(s.disabled_reason);
  return {
      {"id", s.id},
      {"organisation_id", s.organisation_id},
      {"url", s.url},
      {"event_types", s.event_types},
      {"description", optional_json(s.description)},
      {"enabled", s.enabled},
      {"disabled_reason", reason ? nlohmann::json(*reason) : nlohmann::json(nullptr)},
      {"previous_secret_until", optional_instant(s.previous_secret_until)},
      {"created_at", domain::format_utc(s.created_at)},
      {"updated_at", domain::format_utc(s.updated_at)},
  };
}

nlohmann::json webhook_delivery_json(const db::WebhookDeliveryRow& d) {
  nlohmann::json attempts = nlohmann::json::array();
  for (const auto& a : d.attempt_log) {
    attempts.push_back({
        {"attempt", a.attempt},
        {"started_at", domain::format_utc(a.started_at)},
        {"outcome", a.outcome},
        {"status", optional_json(a.status)},
        {"latency_ms", a.latency_ms},
        {"response", optional_json(a.response_snippet)},
        {"error", optional_json(a.error)},
    });
  }
  return {
      {"id", d.id},
      {"message_id", d.message_id},
      {"sequence", d.sequence},
      {"type", d.type},
      {"resource", d.resource_key},
      {"state", d.state},
      {"attempts", attempts},
      {"next_attempt_at", optional_instant(d.next_attempt_at)},
      {"delivered_at", optional_instant(d.delivered_at)},
      {"replay_of", optional_json(d.replay_of)},
      {"created_at", domain::format_utc(d.created_at)},
  };
}

nlohmann::json webhook_event_types_json(std::string_view public_url) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& t : domain::webhook_event_types()) {
    items.push_back({
        {"type", t.name},
        {"description", t.description},
        // The payload's `data` is this schema of the contract.
        {"schema", std::string(public_url) + "/openapi.yaml#/components/schemas/" + std::string(t.resource)},
    });
  }
  return {{"items", items}, {"next_cursor", nullptr}};
}

}  // namespace eventd::http::dto
