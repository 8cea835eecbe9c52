#include "services/webhook_service.hpp"

#include <soci/soci.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <mutex>
#include <random>

#include "common/log.hpp"
#include "db/organisation_repository.hpp"
#include "db/registration_repository.hpp"
#include "db/support.hpp"
#include "domain/validation.hpp"
#include "services/database.hpp"
#include "services/secrets.hpp"
#include "webhook/signature.hpp"

namespace eventd::services {

namespace {

using domain::detail;
using domain::Error;
using domain::Problem;

// A secret opens only for its own subscription.
std::string key_material(const std::string& data_key, const std::string& subscription_id) {
  return data_key + "\x1fwebhook-secret\x1f" + subscription_id;
}

void require_key(const std::string& data_key) {
  if (data_key.empty()) throw Error(Problem::conflict, detail("webhooks_need_key"));
}

void require_manager(const domain::Caller& caller) {
  if (caller.is_anonymous()) throw Error(Problem::unauthorized, detail("needs_api_key"));
}

// The organisation whose subscriptions the caller manages: an organiser's own, or the one an
// admin names (422 when an admin names none, 404 for one that does not exist).
std::string organisation_of(soci::session& s, const domain::Caller& caller, const std::optional<std::string>& ref) {
  if (caller.is_organiser()) return *caller.organisation_id();
  if (!ref) {
    throw domain::validation({{"organisation_id", domain::FieldCode("required")}});
  }
  auto organisation = db::find_organisation(s, *ref);
  if (!organisation) throw domain::not_found("organisation");
  return organisation->id;
}

// The caller's subscription, or 404 (another organisation's is as if there were none).
db::WebhookSubscriptionRecord reached(soci::session& s, const domain::Caller& caller, const std::string& id,
                                      bool lock = false) {
  require_manager(caller);
  auto found = db::find_webhook_subscription(s, id, lock);
  if (!found || !caller.can_manage(found->subscription.organisation_id)) throw domain::not_found("webhook");
  return std::move(*found);
}

// Every address `host` has, resolved the way curl will (asio's resolver runs getaddrinfo off
// the I/O threads).
boost::asio::awaitable<std::vector<std::string>> addresses_of(const std::string& host, int port) {
  boost::asio::ip::tcp::resolver resolver(co_await boost::asio::this_coro::executor);
  std::vector<std::string> out;
  try {
    auto results = co_await resolver.async_resolve(host, std::to_string(port), boost::asio::use_awaitable);
    for (const auto& entry : results) out.push_back(entry.endpoint().address().to_string());
  } catch (const boost::system::system_error&) {
    // nothing: the caller says so
  }
  co_return out;
}

// 422 on `url` when a webhook may not go there: not http(s), an address of a refused range,
// plain http outside the allowed networks, or a name with no address or a refused one.
boost::asio::awaitable<void> check_target(const std::string& url, const WebhookSettings& settings) {
  std::string why;
  auto target = webhook::parse_target(url, why);
  if (!target) {
    throw domain::validation({{"url", domain::FieldCode("webhook_url_refused"), {{"reason", why}}}});
  }
  std::vector<std::string> addresses;
  if (target->host_is_address) {
    addresses.push_back(target->host);
  } else {
    addresses = co_await addresses_of(target->host, target->port);
    if (addresses.empty()) {
      throw domain::validation({{"url",
                                 domain::FieldCode("webhook_url_refused"),
                                 {{"reason", "the name " + target->host + " has no address"}}}});
    }
  }
  for (const auto& address : addresses) {
    std::string refusal = settings.policy.refusal(address, target->https);
    if (!refusal.empty()) {
      throw domain::validation({{"url", domain::FieldCode("webhook_url_refused"), {{"reason", refusal}}}});
    }
  }
}

domain::WebhookSubscription validated(const domain::WebhookSubscription& base, const WebhookDraft& draft) {
  domain::WebhookSubscription s = draft.subscription;
  s.id = base.id;
  s.organisation_id = base.organisation_id;
  domain::Validator v;
  v.append(draft.errors);
  v.append_unreported(domain::check_webhook_subscription(s));
  v.throw_if_any();
  return s;
}

std::mutex renderers_mutex;
WebhookRenderers installed_renderers;

WebhookRenderers renderers() {
  std::lock_guard lock(renderers_mutex);
  return installed_renderers;
}

std::atomic<std::uint64_t> delivered_total{0}, failed_total{0}, refused_total{0}, disabled_total{0};

}  // namespace

boost::asio::awaitable<WebhookWithSecret> create_webhook(Database& db, const domain::Caller& caller, WebhookDraft draft,
                                                         const WebhookSettings& settings) {
  require_manager(caller);
  require_key(settings.data_key);
  domain::WebhookSubscription base;
  base.id = new_uuid();
  domain::WebhookSubscription s = validated(base, draft);
  co_await check_target(s.url, settings);
  WebhookWithSecret out{s, webhook::new_secret()};
  out.subscription = co_await db.run([&](soci::session& session) {
    soci::transaction tx(session);
    domain::WebhookSubscription created = s;
    created.organisation_id = organisation_of(session, caller, draft.organisation_ref);
    if (db::count_webhook_subscriptions(session, created.organisation_id) >= domain::kMaxWebhooksPerOrganisation) {
      throw Error(Problem::conflict,
                  detail("too_many_webhooks", {{"max", std::to_string(domain::kMaxWebhooksPerOrganisation)}}));
    }
    db::insert_webhook_subscription(session, created, seal(out.secret, key_material(settings.data_key, created.id)));
    auto stored = db::find_webhook_subscription(session, created.id);
    tx.commit();
    return stored->subscription;
  });
  co_return out;
}

boost::asio::awaitable<std::vector<domain::WebhookSubscription>> list_webhooks(
    Database& db, const domain::Caller& caller, std::optional<std::string> organisation_ref) {
  require_manager(caller);
  auto found = co_await db.run([&](soci::session& s) {
    std::optional<std::string> organisation;
    if (caller.is_organiser() || organisation_ref) organisation = organisation_of(s, caller, organisation_ref);
    return db::list_webhook_subscriptions(s, organisation);
  });
  co_return found;
}

boost::asio::awaitable<domain::WebhookSubscription> get_webhook(Database& db, const domain::Caller& caller,
                                                                std::string id) {
  auto found = co_await db.run([&](soci::session& s) { return reached(s, caller, id).subscription; });
  co_return found;
}

boost::asio::awaitable<domain::WebhookSubscription> patch_webhook(Database& db, const domain::Caller& caller,
                                                                  std::string id, WebhookPatcher patch,
                                                                  const WebhookSettings& settings) {
  // The URL is checked outside the transaction (a name lookup may take a while); the row is
  // changed only if it still has the version read then.
  auto current = co_await db.run([&](soci::session& s) { return reached(s, caller, id).subscription; });
  domain::WebhookSubscription changed = validated(current, patch(current));
  if (changed.url != current.url) co_await check_target(changed.url, settings);
  // Turned on again by its organiser: the sender's reason is history.
  changed.disabled_reason = changed.enabled ? domain::WebhookDisabledReason::none : current.disabled_reason;
  auto updated = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    auto now = reached(s, caller, id, true);
    if (now.subscription.version != current.version) {
      throw Error(Problem::concurrent_change, detail("webhook_changed_meanwhile"));
    }
    db::update_webhook_subscription(s, changed);
    auto stored = db::find_webhook_subscription(s, id);
    tx.commit();
    return stored->subscription;
  });
  co_return updated;
}

boost::asio::awaitable<void> delete_webhook(Database& db, const domain::Caller& caller, std::string id,
                                            WebhookPrecondition precondition) {
  co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    auto current = reached(s, caller, id, true);
    precondition(current.subscription);
    db::delete_webhook_subscription(s, current.subscription.id);
    tx.commit();
    return 0;
  });
}

boost::asio::awaitable<WebhookWithSecret> rotate_webhook_secret(Database& db, const domain::Caller& caller,
                                                                std::string id, std::chrono::seconds overlap,
                                                                const WebhookSettings& settings) {
  require_key(settings.data_key);
  if (overlap < std::chrono::seconds(0) || overlap > kMaxSecretOverlap) {
    throw domain::validation({{"overlap_seconds",
                               domain::FieldCode("out_of_range"),
                               {{"min", "0"}, {"max", std::to_string(kMaxSecretOverlap.count())}}}});
  }
  WebhookWithSecret out{{}, webhook::new_secret()};
  out.subscription = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    auto current = reached(s, caller, id, true);
    const std::string key = key_material(settings.data_key, current.subscription.id);
    if (!unseal(current.secret_sealed, key)) throw Error(Problem::conflict, detail("webhook_secret_other_key"));
    db::rotate_webhook_secret(s, current.subscription.id, seal(out.secret, key), current.secret_sealed, overlap);
    auto stored = db::find_webhook_subscription(s, current.subscription.id);
    tx.commit();
    return stored->subscription;
  });
  co_return out;
}

boost::asio::awaitable<WebhookDeliveryPage> list_webhook_deliveries(Database& db, const domain::Caller& caller,
                                                                    std::string id, WebhookDeliveryQuery query) {
  auto page = co_await db.run([&](soci::session& s) {
    auto subscription = reached(s, caller, id).subscription;
    db::DeliveryFilter f;
    f.subscription_id = subscription.id;
    f.state = query.state;
    f.before_seq = query.before_seq;
    f.limit = query.limit + 1;
    WebhookDeliveryPage out;
    out.items = db::list_webhook_deliveries(s, f);
    if (out.items.size() > query.limit) {
      out.items.resize(query.limit);
      out.next_seq = out.items.back().seq;
    }
    return out;
  });
  co_return page;
}

boost::asio::awaitable<db::WebhookDeliveryRow> get_webhook_delivery(Database& db, const domain::Caller& caller,
                                                                    std::string id, std::string delivery_id) {
  auto found = co_await db.run([&](soci::session& s) {
    auto subscription = reached(s, caller, id).subscription;
    auto delivery = db::find_webhook_delivery(s, subscription.id, delivery_id);
    if (!delivery) throw domain::not_found("webhook_delivery");
    return std::move(*delivery);
  });
  co_return found;
}

boost::asio::awaitable<db::WebhookDeliveryRow> replay_webhook_delivery(Database& db, const domain::Caller& caller,
                                                                       std::string id, std::string delivery_id) {
  auto replayed = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    auto subscription = reached(s, caller, id).subscription;
    if (!db::find_webhook_delivery(s, subscription.id, delivery_id)) throw domain::not_found("webhook_delivery");
    auto new_id = db::replay_webhook_delivery(s, subscription.id, delivery_id);
    if (!new_id) throw Error(Problem::data_erased, detail("webhook_data_erased"));
    auto delivery = db::find_webhook_delivery(s, subscription.id, *new_id);
    tx.commit();
    return std::move(*delivery);
  });
  co_return replayed;
}

boost::asio::awaitable<std::size_t> replay_webhooks_since(Database& db, const domain::Caller& caller, std::string id,
                                                          domain::Instant since) {
  auto count = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    auto subscription = reached(s, caller, id).subscription;
    const std::size_t n = db::replay_webhook_since(s, subscription.id, since);
    tx.commit();
    return n;
  });
  co_return count;
}

// --- the outbox -------------------------------------------------------------------------

void install_webhook_renderers(WebhookRenderers r) {
  std::lock_guard lock(renderers_mutex);
  installed_renderers = std::move(r);
}

namespace {

std::string id_only(const std::string& id) { return "{\"id\":\"" + id + "\"}"; }

}  // namespace

// One change of one record of `organisation_id`, "kind/id"; `render` gives its data (empty:
// no renderer installed, the id alone).
void record(soci::session& s, const std::string& organisation_id, std::string_view type, const std::string& kind,
            const std::string& id, const std::function<std::string()>& render) {
  std::string data = render ? render() : std::string();
  db::insert_webhook_messages(
      s, {{organisation_id, std::string(type), kind + "/" + id, data.empty() ? id_only(id) : std::move(data)}});
}

void record_event_change(soci::session& s, const domain::Event& event, std::string_view type) {
  const auto render = renderers().event;
  record(s, event.organiser_id, type, "event", event.id,
         render ? std::function<std::string()>([&] { return render(event); }) : nullptr);
}

void record_session_change(soci::session& s, const domain::Event& event, const domain::Session& session,
                           std::string_view type) {
  const auto render = renderers().session;
  record(s, event.organiser_id, type, "session", session.id,
         render ? std::function<std::string()>([&] { return render(session, event.timezone); }) : nullptr);
}

void record_media_request_change(soci::session& s, const domain::Event& event, const domain::MediaRequest& request,
                                 std::string_view type) {
  const auto render = renderers().media_request;
  record(s, event.organiser_id, type, "media_request", request.id,
         render ? std::function<std::string()>([&] { return render(request); }) : nullptr);
}

void erase_media_request_webhooks(soci::session& s, const std::string& media_request_id) {
  db::erase_webhook_data(s, "media_request/" + media_request_id);
}

void record_delegation_change(soci::session& s, const domain::Event& event, const domain::Delegation& delegation,
                              std::string_view type) {
  const auto render = renderers().delegation;
  record(s, event.organiser_id, type, "delegation", delegation.id,
         render ? std::function<std::string()>([&] { return render(delegation); }) : nullptr);
}

void record_task_change(soci::session& s, const domain::Event& event, const domain::Task& task, std::string_view type) {
  const auto render = renderers().task;
  record(s, event.organiser_id, type, "task", task.id,
         render ? std::function<std::string()>([&] { return render(task, event.timezone); }) : nullptr);
}

void record_registration_change(soci::session& s, const domain::Registration& r, const std::string& organisation_id,
                                std::string_view type) {
  record_registration_changes(s, {&r}, organisation_id, type);
}

void record_registration_change(soci::session& s, const std::string& registration_id, std::string_view type) {
  auto record = db::find_registration(s, registration_id);
  if (record) record_registration_change(s, record->registration, record->organiser_id, type);
}

void record_registration_changes(soci::session& s, const std::vector<const domain::Registration*>& registrations,
                                 const std::string& organisation_id, std::string_view type) {
  if (registrations.empty() || !db::has_webhook_subscriptions(s, organisation_id)) return;
  const auto render = renderers().registration;
  std::vector<db::WebhookChange> changes;
  for (const auto* r : registrations) {
    changes.push_back(
        {organisation_id, std::string(type), "registration/" + r->id, render ? render(*r) : id_only(r->id)});
  }
  db::insert_webhook_messages(s, changes);
}

void erase_registration_webhooks(soci::session& s, const std::string& registration_id) {
  db::erase_webhook_data(s, "registration/" + registration_id);
}

// --- the sender -------------------------------------------------------------------------

std::optional<std::chrono::milliseconds> webhook_retry_delay(std::chrono::milliseconds unit, int attempt,
                                                             std::optional<std::chrono::seconds> retry_after,
                                                             double jitter) {
  static constexpr long kUnits[] = {1, 60, 360, 1440, 3600, 7200, 10080, 14400, 17280};
  if (attempt < 1 || attempt > static_cast<int>(std::size(kUnits))) return std::nullopt;
  auto delay = unit * kUnits[attempt - 1];
  delay += std::chrono::milliseconds(static_cast<long long>(static_cast<double>(delay.count()) * 0.1 * jitter));
  // A receiver that asks for longer gets it, up to a day (the longest step of the schedule).
  if (retry_after)
    delay = std::max<std::chrono::milliseconds>(
        delay, std::min<std::chrono::milliseconds>(*retry_after, std::chrono::hours(24)));
  return delay;
}

boost::asio::awaitable<db::WebhookBacklog> webhook_backlog(Database& db) {
  auto backlog = co_await db.run([](soci::session& s) { return db::webhook_backlog(s); });
  co_return backlog;
}

WebhookSenderTotals webhook_sender_totals() {
  return {delivered_total.load(), failed_total.load(), refused_total.load(), disabled_total.load()};
}

namespace {

// {"type", "timestamp", "sequence", "data"}: the same bytes for every attempt and replay.
std::string body_of(const db::ClaimedDelivery& d) {
  return "{\"type\":\"" + d.type + "\",\"timestamp\":\"" + domain::format_utc(db::from_us(d.created_at_us)) +
         "\",\"sequence\":" + std::to_string(d.sequence) + ",\"data\":" + d.data.value_or("null") + "}";
}

// What one attempt came to, and whether the subscription must be turned off.
struct Verdict {
  db::DeliveryOutcome outcome;
  domain::WebhookDisabledReason disable = domain::WebhookDisabledReason::none;
};

Verdict attempt(const WebhookSenderSettings& settings, const db::ClaimedDelivery& d, double jitter) {
  Verdict v;
  db::DeliveryOutcome& o = v.outcome;
  std::optional<std::chrono::seconds> retry_after;
  const auto secret = unseal(d.secret_sealed, key_material(settings.data_key, d.subscription_id));
  if (!d.data) {
    o.outcome = "failed";
    o.error = "its data was erased";
    o.give_up = true;
    return v;
  }
  if (!secret) {
    // Another instance's key, or none: it may still be sent by one that has the right key.
    o.outcome = "failed";
    o.error = "the secret does not open under this instance's EVENTD_DATA_KEY";
  } else {
    std::vector<std::string> secrets{*secret};
    if (d.previous_secret_sealed) {
      if (auto previous = unseal(*d.previous_secret_sealed, key_material(settings.data_key, d.subscription_id))) {
        secrets.push_back(*previous);
      }
    }
    const std::string body = body_of(d);
    const long long now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    webhook::Request request{d.url,
                             {{"webhook-id", d.message_id},
                              {"webhook-timestamp", std::to_string(now)},
                              {"webhook-signature", webhook::signature_header(secrets, d.message_id, now, body)}},
                             body};
    const webhook::Outcome result = webhook::post(settings.client, request);
    o.latency_ms = static_cast<int>(result.latency.count());
    if (result.status != 0) o.status = result.status;
    if (!result.response_snippet.empty()) o.response_snippet = result.response_snippet;
    if (!result.error.empty()) o.error = result.error;
    o.outcome = result.delivered() ? "delivered" : result.refused ? "refused" : "failed";
    if (result.delivered()) return v;
    if (result.status == 410) {
      // Gone: the receiver says it will never want these again.
      o.give_up = true;
      v.disable = domain::WebhookDisabledReason::gone;
      return v;
    }
    retry_after = result.retry_after;
  }
  if (auto delay = webhook_retry_delay(settings.retry_unit, d.attempt, retry_after, jitter)) {
    o.retry_after = *delay;
  } else {
    o.give_up = true;  // about three days of failures
    v.disable = domain::WebhookDisabledReason::failing;
  }
  return v;
}

}  // namespace

WebhookSenderReport deliver_due_webhooks(Database& db, const WebhookSenderSettings& settings) {
  // Longer than the batch's requests can take, so a claim outlives its sending.
  const auto lease = settings.client.timeout * static_cast<long>(settings.batch) + std::chrono::seconds(30);
  auto claimed = db.run_blocking([&](soci::session& s) { return db::claim_due_deliveries(s, settings.batch, lease); });
  thread_local std::mt19937 random(std::random_device{}());
  std::uniform_real_distribution<double> jitter(0.0, 1.0);
  WebhookSenderReport report;
  for (const auto& d : claimed) {
    const Verdict v = attempt(settings, d, jitter(random));
    bool recorded = false;
    try {
      recorded = db.run_blocking([&](soci::session& s) {
        soci::transaction tx(s);
        const bool matched = db::finish_delivery(s, d, v.outcome);
        if (matched && v.disable != domain::WebhookDisabledReason::none) {
          db::disable_webhook_subscription(s, d.subscription_id, v.disable);
        }
        tx.commit();
        return matched;
      });
    } catch (const std::exception& error) {
      log::warn("webhook attempt not recorded", {{"delivery", d.id}, {"reason", error.what()}});
    }
    if (!recorded) log::warn("webhook claim lost before its attempt was recorded", {{"delivery", d.id}});
    if (v.outcome.outcome == "delivered") {
      ++report.delivered;
      ++delivered_total;
    } else if (v.outcome.outcome == "refused") {
      ++report.refused;
      ++refused_total;
    } else {
      ++report.failed;
      ++failed_total;
    }
    if (recorded && v.disable != domain::WebhookDisabledReason::none) {
      ++disabled_total;
      log::warn(
          "webhook subscription turned off",
          {{"subscription", d.subscription_id}, {"reason", std::string(domain::to_string(v.disable).value_or(""))}});
    }
  }
  return report;
}

}  // namespace eventd::services
