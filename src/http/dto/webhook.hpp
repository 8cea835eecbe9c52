#pragma once
// JSON ↔ webhooks (openapi.yaml: WebhookCreate, WebhookPatch, Webhook, WebhookDelivery,
// WebhookEventType).
#include <nlohmann/json.hpp>

#include "db/webhook_repository.hpp"
#include "domain/webhook.hpp"
#include "services/webhook_service.hpp"

namespace eventd::http::dto {

// Reads a create body, or a merged PATCH document; errors in `errors` (throws only when the
// body is not an object).
services::WebhookDraft read_webhook(const nlohmann::json& body);

// The writable members: the document a JSON Merge Patch is applied to.
nlohmann::json webhook_request_json(const domain::WebhookSubscription& s);

nlohmann::json webhook_json(const domain::WebhookSubscription& s);

// A delivery with its attempts (the delivery log).
nlohmann::json webhook_delivery_json(const db::WebhookDeliveryRow& d);

// GET /v1/webhook-event-types: every type with the schema of its `data`.
nlohmann::json webhook_event_types_json(std::string_view public_url);

}  // namespace eventd::http::dto
