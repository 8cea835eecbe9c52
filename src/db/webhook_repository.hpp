#pragma once
// SQL for webhooks (schema/036_webhooks.sql): subscriptions, the messages written in the
// transactions of changes, their deliveries (claimed and finished as the mail outbox's are)
// and each delivery's attempts.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "domain/webhook.hpp"

namespace soci {
class session;
}

namespace eventd::db {

// A subscription with its sealed secrets (services/webhook_service.cpp opens them).
struct WebhookSubscriptionRecord {
  domain::WebhookSubscription subscription;
  std::string secret_sealed;
  std::optional<std::string> previous_secret_sealed;
};

// `s.id` is made by the caller (the seal is bound to it).
void insert_webhook_subscription(soci::session& session, const domain::WebhookSubscription& s,
                                 const std::string& secret_sealed);
std::optional<WebhookSubscriptionRecord> find_webhook_subscription(soci::session& session, const std::string& id,
                                                                   bool lock = false);
// An organisation's (none: every organisation's, for an admin), oldest first.
std::vector<domain::WebhookSubscription> list_webhook_subscriptions(soci::session& session,
                                                                    const std::optional<std::string>& organisation_id);
std::size_t count_webhook_subscriptions(soci::session& session, const std::string& organisation_id);
// URL, types, description, enabled; turning it on again clears the sender's reason.
void update_webhook_subscription(soci::session& session, const domain::WebhookSubscription& s);
void rotate_webhook_secret(soci::session& session, const std::string& id, const std::string& secret_sealed,
                           const std::string& previous_sealed, std::chrono::seconds overlap);
void delete_webhook_subscription(soci::session& session, const std::string& id);
// The sender's verdict (410, or failing for good): off, with the reason.
void disable_webhook_subscription(soci::session& session, const std::string& id, domain::WebhookDisabledReason reason);

// A change, for every enabled subscription of the organisation that wants its type: one
// message and a delivery per subscription, in the caller's transaction. Nothing is written
// when no subscription wants it. `data` is JSON text.
struct WebhookChange {
  std::string organisation_id;
  std::string type;
  std::string resource_key;  // "registration/<id>": deliveries keep its order
  std::string data;
};
void insert_webhook_messages(soci::session& session, const std::vector<WebhookChange>& changes);
// Whether any enabled subscription of the organisation exists (a batch asks once).
bool has_webhook_subscriptions(soci::session& session, const std::string& organisation_id);

// The data of a resource's messages is dropped (its personal data was erased); their pending
// deliveries are discarded.
void erase_webhook_data(soci::session& session, const std::string& resource_key);

// A delivery claimed for one attempt until the lease runs out. Only deliveries whose
// subscription is enabled, and never one while an earlier delivery of the same resource to
// the same subscription is pending.
struct ClaimedDelivery {
  std::string id;
  std::string claim_token;
  int attempt = 0;  // 1 for the first
  long long claimed_at_us = 0;
  std::string message_id;
  long long sequence = 0;
  std::string type;
  long long created_at_us = 0;
  std::optional<std::string> data;
  std::string subscription_id;
  std::string url;
  std::string secret_sealed;
  std::optional<std::string> previous_secret_sealed;  // while its overlap lasts
};
std::vector<ClaimedDelivery> claim_due_deliveries(soci::session& session, std::size_t limit,
                                                  std::chrono::milliseconds lease);

struct DeliveryOutcome {
  std::string outcome;  // delivered, failed, refused
  std::optional<int> status;
  int latency_ms = 0;
  std::optional<std::string> response_snippet;
  std::optional<std::string> error;
  bool give_up = false;                      // failed for good
  std::chrono::milliseconds retry_after{0};  // when pending still
};
// Records the attempt and the delivery's new state; false when the claim was lost.
bool finish_delivery(soci::session& session, const ClaimedDelivery& claim, const DeliveryOutcome& outcome);

// The delivery log.
struct WebhookAttemptRow {
  int attempt = 0;
  domain::Instant started_at{};
  std::string outcome;
  std::optional<int> status;
  int latency_ms = 0;
  std::optional<std::string> response_snippet;
  std::optional<std::string> error;
};
struct WebhookDeliveryRow {
  std::string id;
  long long seq = 0;
  std::string message_id;
  long long sequence = 0;
  std::string type;
  std::string resource_key;
  std::string state;
  int attempts = 0;
  std::optional<int> last_status;
  std::optional<std::string> last_error;
  std::optional<domain::Instant> next_attempt_at;  // while pending
  std::optional<domain::Instant> delivered_at;
  std::optional<std::string> replay_of;
  domain::Instant created_at{};
  std::vector<WebhookAttemptRow> attempt_log;
};
struct DeliveryFilter {
  std::string subscription_id;
  std::optional<std::string> state;
  std::optional<long long> before_seq;  // newest first: the next page is older
  std::size_t limit = 50;
};
std::vector<WebhookDeliveryRow> list_webhook_deliveries(soci::session& session, const DeliveryFilter& f);
std::optional<WebhookDeliveryRow> find_webhook_delivery(soci::session& session, const std::string& subscription_id,
                                                        const std::string& delivery_id);

// A delivery made again (a new delivery of the same message, due now); its id. nullopt when
// the message's data was erased.
std::optional<std::string> replay_webhook_delivery(soci::session& session, const std::string& subscription_id,
                                                   const std::string& delivery_id);
// Every message delivered (or meant) to the subscription since `since`, once each, in order;
// how many.
std::size_t replay_webhook_since(soci::session& session, const std::string& subscription_id, domain::Instant since);

// The backlog every instance shares (/metrics).
struct WebhookBacklog {
  std::size_t pending = 0;
  double oldest_pending_seconds = 0;  // how long the oldest due delivery has waited
};
WebhookBacklog webhook_backlog(soci::session& session);

}  // namespace eventd::db
