#pragma once
// Webhooks (issue 22): an organisation's subscriptions (/v1/webhooks), the changes written
// for them in the transactions of the changes (the outbox), and the sender that delivers
// them, signed per Standard Webhooks (webhook/signature.hpp), retried with backoff, in the
// order of each resource's changes, never to a refused address (webhook/address_policy.hpp).
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "db/webhook_repository.hpp"
#include "domain/api_key.hpp"
#include "domain/delegation.hpp"
#include "domain/event.hpp"
#include "domain/media_request.hpp"
#include "domain/registration.hpp"
#include "domain/session.hpp"
#include "domain/task.hpp"
#include "domain/webhook.hpp"
#include "webhook/delivery.hpp"

namespace soci {
class session;
}

namespace eventd::services {

class Database;

// What the instance knows of webhooks: the key that seals their secrets (EVENTD_DATA_KEY;
// none: no subscription can be made) and where they may go (EVENTD_WEBHOOK_ALLOWED_NETWORKS).
struct WebhookSettings {
  std::string data_key;
  webhook::AddressPolicy policy;
};

// What the client sent, read and type-checked (http/dto). An admin names the organisation
// (`organisation_ref`, an id or slug); an organiser's key says it.
struct WebhookDraft {
  domain::WebhookSubscription subscription;
  std::optional<std::string> organisation_ref;
  std::vector<domain::FieldError> errors;
};

// A subscription with its secret, shown this once.
struct WebhookWithSecret {
  domain::WebhookSubscription subscription;
  std::string secret;
};

// 422 for bad fields or a refused URL (an address of a refused range, plain http outside the
// allowed networks, a name that does not resolve); 409 without EVENTD_DATA_KEY or past
// domain::kMaxWebhooksPerOrganisation; 403 for anyone but an organiser or admin.
boost::asio::awaitable<WebhookWithSecret> create_webhook(Database& db, const domain::Caller& caller, WebhookDraft draft,
                                                         const WebhookSettings& settings);
// An organiser's own; an admin's: all, or one organisation's (`organisation_ref`).
boost::asio::awaitable<std::vector<domain::WebhookSubscription>> list_webhooks(
    Database& db, const domain::Caller& caller, std::optional<std::string> organisation_ref);
// 404 for another organisation's.
boost::asio::awaitable<domain::WebhookSubscription> get_webhook(Database& db, const domain::Caller& caller,
                                                                std::string id);

using WebhookPatcher = std::function<WebhookDraft(const domain::WebhookSubscription& current)>;
boost::asio::awaitable<domain::WebhookSubscription> patch_webhook(Database& db, const domain::Caller& caller,
                                                                  std::string id, WebhookPatcher patch,
                                                                  const WebhookSettings& settings);
using WebhookPrecondition = std::function<void(const domain::WebhookSubscription& current)>;
boost::asio::awaitable<void> delete_webhook(Database& db, const domain::Caller& caller, std::string id,
                                            WebhookPrecondition precondition);
// A new secret; the old one keeps signing beside it for `overlap` (0: stops at once).
boost::asio::awaitable<WebhookWithSecret> rotate_webhook_secret(Database& db, const domain::Caller& caller,
                                                                std::string id, std::chrono::seconds overlap,
                                                                const WebhookSettings& settings);
inline constexpr std::chrono::seconds kMaxSecretOverlap{7 * 24 * 3600};

// The delivery log, newest first.
struct WebhookDeliveryQuery {
  std::optional<std::string> state;
  std::optional<long long> before_seq;
  std::size_t limit = 50;
};
struct WebhookDeliveryPage {
  std::vector<db::WebhookDeliveryRow> items;
  std::optional<long long> next_seq;
};
boost::asio::awaitable<WebhookDeliveryPage> list_webhook_deliveries(Database& db, const domain::Caller& caller,
                                                                    std::string id, WebhookDeliveryQuery query);
boost::asio::awaitable<db::WebhookDeliveryRow> get_webhook_delivery(Database& db, const domain::Caller& caller,
                                                                    std::string id, std::string delivery_id);
// The delivery again, as a new delivery due now (409 once its data was erased).
boost::asio::awaitable<db::WebhookDeliveryRow> replay_webhook_delivery(Database& db, const domain::Caller& caller,
                                                                       std::string id, std::string delivery_id);
// Every message of the subscription since `since` again (at most 10 000); how many.
boost::asio::awaitable<std::size_t> replay_webhooks_since(Database& db, const domain::Caller& caller, std::string id,
                                                          domain::Instant since);

// --- the outbox -------------------------------------------------------------------------
// Changes written in the caller's transaction, for the subscriptions that want them. The
// resource is shown as its route shows it to its organiser: the http layer, which owns that
// form, installs the renderers at start-up (http/webhook_payloads.cpp); until it does (a
// command-line tool), changes are recorded with their id only.
struct WebhookRenderers {
  std::function<std::string(const domain::Event&)> event;
  std::function<std::string(const domain::Registration&)> registration;
  std::function<std::string(const domain::Session&, const std::string& event_timezone)> session;
  std::function<std::string(const domain::MediaRequest&)> media_request;
  std::function<std::string(const domain::Delegation&)> delegation;
  std::function<std::string(const domain::Task&, const std::string& event_timezone)> task;
};
void install_webhook_renderers(WebhookRenderers renderers);

void record_event_change(soci::session& s, const domain::Event& event, std::string_view type);
// The registration as its organiser reads it; `organisation_id` is its event's organiser.
void record_registration_change(soci::session& s, const domain::Registration& r, const std::string& organisation_id,
                                std::string_view type);
// The same read by its id (a promotion names the registrations it confirmed).
void record_registration_change(soci::session& s, const std::string& registration_id, std::string_view type);
// Several registrations of one event at once (a batch of sign-ups): one look for subscriptions.
void record_registration_changes(soci::session& s, const std::vector<const domain::Registration*>& registrations,
                                 const std::string& organisation_id, std::string_view type);
// Before a registration's personal data is erased: the data of its earlier messages goes too.
void erase_registration_webhooks(soci::session& s, const std::string& registration_id);
// The records of an event, each as its organiser reads it.
void record_session_change(soci::session& s, const domain::Event& event, const domain::Session& session,
                           std::string_view type);
void record_media_request_change(soci::session& s, const domain::Event& event, const domain::MediaRequest& request,
                                 std::string_view type);
void erase_media_request_webhooks(soci::session& s, const std::string& media_request_id);
void record_delegation_change(soci::session& s, const domain::Event& event, const domain::Delegation& delegation,
                              std::string_view type);
void record_task_change(soci::session& s, const domain::Event& event, const domain::Task& task, std::string_view type);

// --- the sender -------------------------------------------------------------------------
struct WebhookSenderSettings {
  webhook::ClientSettings client;
  std::string data_key;
  // The schedule's unit: retries after 1, 60, 360, 1440, 3600, 7200, 10080, 14400, 17280
  // units (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h: about three days in all), each
  // with up to a tenth more at random; a Retry-After that asks for longer is honoured.
  std::chrono::milliseconds retry_unit{5000};
  std::size_t batch = 10;
};
struct WebhookSenderReport {
  std::size_t delivered = 0;
  std::size_t failed = 0;   // attempts that got no 2xx
  std::size_t refused = 0;  // stopped by the address policy
};
// One round; blocking (the sender's own thread).
WebhookSenderReport deliver_due_webhooks(Database& db, const WebhookSenderSettings& settings);

// This instance's totals since start, for /metrics.
struct WebhookSenderTotals {
  std::uint64_t delivered = 0;
  std::uint64_t failed = 0;
  std::uint64_t refused = 0;
  std::uint64_t disabled = 0;
};
WebhookSenderTotals webhook_sender_totals();
// The deliveries every instance shares: how many are pending, how long the oldest due one has
// waited.
boost::asio::awaitable<db::WebhookBacklog> webhook_backlog(Database& db);

// The delay before attempt `attempt` + 1 (attempt 1 was the first); nullopt: give up.
std::optional<std::chrono::milliseconds> webhook_retry_delay(std::chrono::milliseconds unit, int attempt,
                                                             std::optional<std::chrono::seconds> retry_after,
                                                             double jitter);

}  // namespace eventd::services
