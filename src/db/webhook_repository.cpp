#include "db/webhook_repository.hpp"

#include <soci/soci.h>

#include <map>

#include "db/statement.hpp"
#include "db/support.hpp"

namespace eventd::db {

namespace {

// Column order is relied on by subscription_from_row; the sealed secrets follow at 11, 12.
constexpr const char* subscription_columns =
    "w.id::text, w.organisation_id::text, w.url, array_to_string(w.event_types, chr(31)), w.description, "
    "CASE WHEN w.enabled THEN 1 ELSE 0 END, w.disabled_reason, eventd_us(w.previous_secret_until), w.version, "
    "eventd_us(w.created_at), eventd_us(w.updated_at), w.secret_sealed, w.previous_secret_sealed";

std::optional<std::string> reason_text(domain::WebhookDisabledReason reason) {
  auto name = domain::to_string(reason);
  return name ? std::optional<std::string>(*name) : std::nullopt;
}

domain::WebhookSubscription subscription_from_row(const soci::row& row) {
  domain::WebhookSubscription s;
  s.id = row.get<std::string>(0);
  s.organisation_id = row.get<std::string>(1);
  s.url = row.get<std::string>(2);
  s.event_types = split_list(row.get<std::string>(3));
  s.description = opt_text(row, 4);
  s.enabled = row.get<int>(5) != 0;
  s.disabled_reason = domain::parse_webhook_disabled_reason(opt_text(row, 6).value_or(""));
  s.previous_secret_until = opt_instant(row, 7);
  s.version = row.get<long long>(8);
  s.created_at = from_us(row.get<long long>(9));
  s.updated_at = from_us(row.get<long long>(10));
  return s;
}

std::optional<int> opt_int(const soci::row& row, std::size_t i) {
  if (row.get_indicator(i) == soci::i_null) return std::nullopt;
  return row.get<int>(i);
}

void throw_if_webhook_constraint(const std::exception& e) {
  using domain::FieldCode;
  throw_if_constraint(
      e, {
             {"webhook_subscriptions_url_check", "url", FieldCode("length_between"), {{"min", "8"}, {"max", "2000"}}},
             {"webhook_subscriptions_description_check", "description", FieldCode("too_long"), {{"max", "500"}}},
         });
}

// A subscription (its alias) that wants changes of `type` (a column or a placeholder).
std::string wanted_by(const std::string& subscription, const std::string& type) {
  // sql-safe: an alias and a column or placeholder, never a value
  return subscription + ".enabled AND (cardinality(" + subscription + ".event_types) = 0 OR " + type + " = ANY(" +
         subscription + ".event_types))";
}

}  // namespace

void insert_webhook_subscription(soci::session& session, const domain::WebhookSubscription& s,
                                 const std::string& secret_sealed) {
  Params p;
  try {
    execute(session,
            "INSERT INTO webhook_subscriptions (id, organisation_id, url, event_types, description, enabled, "
            "secret_sealed) VALUES (" +
                p.add_uuid(s.id) + ", " + p.add_uuid(s.organisation_id) + ", " + p.add(s.url) + ", string_to_array(" +
                p.add(join_list(s.event_types)) + ", chr(31)), " + p.add(s.description) + ", " +
                (s.enabled ? "true" : "false") + ", " + p.add(secret_sealed) + ")",
            p);
  } catch (const std::exception& e) {
    throw_if_webhook_constraint(e);
    throw;
  }
}

std::optional<WebhookSubscriptionRecord> find_webhook_subscription(soci::session& session, const std::string& id,
                                                                   bool lock) {
  if (!is_uuid(id)) return std::nullopt;
  Params p;
  std::optional<WebhookSubscriptionRecord> found;
  for_each_row(
      session,
      std::string("SELECT ") + subscription_columns + " FROM webhook_subscriptions w WHERE w.id = " + p.add_uuid(id) +
          (lock ? " FOR UPDATE" : ""),
      p, [&](const soci::row& row) {
        found = WebhookSubscriptionRecord{subscription_from_row(row), row.get<std::string>(11), opt_text(row, 12)};
      });
  return found;
}

std::vector<domain::WebhookSubscription> list_webhook_subscriptions(soci::session& session,
                                                                    const std::optional<std::string>& organisation_id) {
  Params p;
  std::string sql = std::string("SELECT ") + subscription_columns + " FROM webhook_subscriptions w";
  if (organisation_id) sql += " WHERE w.organisation_id = " + p.add_uuid(*organisation_id);
  sql += " ORDER BY w.created_at, w.id";
  std::vector<domain::WebhookSubscription> out;
  for_each_row(session, sql, p, [&](const soci::row& row) { out.push_back(subscription_from_row(row)); });
  return out;
}

std::size_t count_webhook_subscriptions(soci::session& session, const std::string& organisation_id) {
  Params p;
  std::size_t n = 0;
  for_each_row(session,
               "SELECT count(*) FROM webhook_subscriptions WHERE organisation_id = " + p.add_uuid(organisation_id), p,
               [&](const soci::row& row) { n = static_cast<std::size_t>(row.get<long long>(0)); });
  return n;
}

void update_webhook_subscription(soci::session& session, const domain::WebhookSubscription& s) {
  Params p;
  try {
    execute(session,
            "UPDATE webhook_subscriptions SET url = " + p.add(s.url) + ", event_types = string_to_array(" +
                p.add(join_list(s.event_types)) + ", chr(31)), description = " + p.add(s.description) + ", enabled = " +
                (s.enabled ? "true" : "false") + ", disabled_reason = " + p.add(reason_text(s.disabled_reason)) +
                ", updated_at = now() WHERE id = " + p.add_uuid(s.id),
            p);
  } catch (const std::exception& e) {
    throw_if_webhook_constraint(e);
    throw;
  }
}

void rotate_webhook_secret(soci::session& session, const std::string& id, const std::string& secret_sealed,
                           const std::string& previous_sealed, std::chrono::seconds overlap) {
  Params p;
  execute(session,
          "UPDATE webhook_subscriptions SET secret_sealed = " + p.add(secret_sealed) +
              ", previous_secret_sealed = " + p.add(previous_sealed) +
              ", previous_secret_until = now() + make_interval(secs => CAST(" + p.add(std::to_string(overlap.count())) +
              " AS double precision)), updated_at = now() WHERE id = " + p.add_uuid(id),
          p);
}

void delete_webhook_subscription(soci::session& session, const std::string& id) {
  Params p;
  execute(session, "DELETE FROM webhook_subscriptions WHERE id = " + p.add_uuid(id), p);
}

void disable_webhook_subscription(soci::session& session, const std::string& id, domain::WebhookDisabledReason reason) {
  Params p;
  execute(session,
          "UPDATE webhook_subscriptions SET enabled = false, disabled_reason = " + p.add(reason_text(reason)) +
              ", updated_at = now() WHERE id = " + p.add_uuid(id) + " AND enabled",
          p);
}

bool has_webhook_subscriptions(soci::session& session, const std::string& organisation_id) {
  Params p;
  bool found = false;
  for_each_row(session,
               "SELECT 1 FROM webhook_subscriptions WHERE organisation_id = " + p.add_uuid(organisation_id) +
                   " AND enabled LIMIT 1",
               p, [&](const soci::row&) { found = true; });
  return found;
}

void insert_webhook_messages(soci::session& session, const std::vector<WebhookChange>& changes) {
  for (const auto& c : changes) {
    Params p;
    const std::string organisation = p.add_uuid(c.organisation_id);
    const std::string type = p.add(c.type);
    const std::string sql =
        // sql-safe: `organisation` and `type` are placeholders of `p`
        "WITH m AS (INSERT INTO webhook_messages (organisation_id, type, resource_key, data) SELECT " + organisation +
        ", " + type + ", " + p.add(c.resource_key) + ", " + p.add(c.data) +
        " WHERE EXISTS (SELECT 1 FROM webhook_subscriptions s WHERE s.organisation_id = " +
        p.add_uuid(c.organisation_id) + " AND " + wanted_by("s", p.add(c.type)) +
        ") RETURNING id, organisation_id, type, resource_key) "
        "INSERT INTO webhook_deliveries (message_id, subscription_id, resource_key) "
        "SELECT m.id, s.id, m.resource_key FROM m JOIN webhook_subscriptions s ON s.organisation_id = "
        "m.organisation_id AND " +
        wanted_by("s", "m.type") + " ORDER BY s.created_at, s.id";
    execute(session, sql, p);
  }
}

void erase_webhook_data(soci::session& session, const std::string& resource_key) {
  Params p;
  execute(session,
          "WITH m AS (UPDATE webhook_messages SET data = NULL WHERE resource_key = " + p.add(resource_key) +
              " AND data IS NOT NULL RETURNING id) "
              "UPDATE webhook_deliveries SET state = 'discarded', claimed_until = NULL, claim_token = NULL "
              "WHERE state = 'pending' AND message_id IN (SELECT id FROM m)",
          p);
}

std::vector<ClaimedDelivery> claim_due_deliveries(soci::session& session, std::size_t limit,
                                                  std::chrono::milliseconds lease) {
  Params p;
  const std::string sql =
      "WITH c AS (UPDATE webhook_deliveries d SET claimed_until = clock_timestamp() + CAST(" +
      p.add(std::to_string(lease.count())) +
      " AS bigint) * interval '1 millisecond', claim_token = gen_random_uuid(), attempts = attempts + 1 "
      "WHERE d.id IN (SELECT d2.id FROM webhook_deliveries d2 "
      "JOIN webhook_subscriptions s ON s.id = d2.subscription_id AND s.enabled "
      "WHERE d2.state = 'pending' AND d2.next_attempt_at <= now() "
      "AND (d2.claimed_until IS NULL OR d2.claimed_until <= clock_timestamp()) "
      // the order of one resource's changes: nothing while an earlier one waits
      "AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.subscription_id = d2.subscription_id "
      "AND e.resource_key = d2.resource_key AND e.state = 'pending' AND e.seq < d2.seq) "
      "ORDER BY d2.next_attempt_at, d2.seq LIMIT CAST(" +
      p.add(std::to_string(limit)) +
      " AS int) FOR UPDATE OF d2 SKIP LOCKED) "
      "RETURNING d.id, d.claim_token, d.attempts, d.message_id, d.subscription_id, d.seq) "
      "SELECT c.id::text, c.claim_token::text, c.attempts, eventd_us(clock_timestamp()), m.id::text, m.seq, m.type, "
      "eventd_us(m.created_at), m.data, s.id::text, s.url, s.secret_sealed, "
      "CASE WHEN s.previous_secret_until > now() THEN s.previous_secret_sealed END "
      "FROM c JOIN webhook_messages m ON m.id = c.message_id JOIN webhook_subscriptions s ON s.id = c.subscription_id "
      "ORDER BY c.seq";
  std::vector<ClaimedDelivery> out;
  for_each_row(session, sql, p, [&](const soci::row& row) {
    ClaimedDelivery d;
    d.id = row.get<std::string>(0);
    d.claim_token = row.get<std::string>(1);
    d.attempt = row.get<int>(2);
    d.claimed_at_us = row.get<long long>(3);
    d.message_id = row.get<std::string>(4);
    d.sequence = row.get<long long>(5);
    d.type = row.get<std::string>(6);
    d.created_at_us = row.get<long long>(7);
    d.data = opt_text(row, 8);
    d.subscription_id = row.get<std::string>(9);
    d.url = row.get<std::string>(10);
    d.secret_sealed = row.get<std::string>(11);
    d.previous_secret_sealed = opt_text(row, 12);
    out.push_back(std::move(d));
  });
  return out;
}

bool finish_delivery(soci::session& session, const ClaimedDelivery& claim, const DeliveryOutcome& outcome) {
  const bool delivered = outcome.outcome == "delivered";
  const std::string state = delivered ? "delivered" : outcome.give_up ? "failed" : "pending";
  const auto status_text = [](const std::optional<int>& s) {
    return s ? std::optional<std::string>(std::to_string(*s)) : std::nullopt;
  };
  Params p;
  const std::string sql =
      "UPDATE webhook_deliveries SET state = " + p.add(state) +
      ", claimed_until = NULL, claim_token = NULL, last_status = CAST(" + p.add(status_text(outcome.status)) +
      " AS int), last_error = " + p.add(outcome.error) + (delivered ? ", delivered_at = now()" : "") +
      ", next_attempt_at = clock_timestamp() + CAST(" + p.add(std::to_string(outcome.retry_after.count())) +
      " AS bigint) * interval '1 millisecond' WHERE id = " + p.add_uuid(claim.id) +
      " AND claim_token = " + p.add_uuid(claim.claim_token) + " RETURNING id::text";
  bool matched = false;
  for_each_row(session, sql, p, [&](const soci::row&) { matched = true; });
  if (!matched) return false;
  Params a;
  execute(session,
          "INSERT INTO webhook_attempts (delivery_id, attempt, started_at, outcome, status, latency_ms, "
          "response_snippet, error) VALUES (" +
              a.add_uuid(claim.id) + ", CAST(" + a.add(std::to_string(claim.attempt)) + " AS int), eventd_ts(CAST(" +
              a.add(std::to_string(claim.claimed_at_us)) + " AS bigint)), " + a.add(outcome.outcome) + ", CAST(" +
              a.add(status_text(outcome.status)) + " AS int), CAST(" + a.add(std::to_string(outcome.latency_ms)) +
              " AS int), " + a.add(outcome.response_snippet) + ", " + a.add(outcome.error) + ")",
          a);
  return true;
}

namespace {

constexpr const char* delivery_columns =
    "d.id::text, d.seq, m.id::text, m.seq, m.type, d.resource_key, d.state, d.attempts, d.last_status, d.last_error, "
    "CASE WHEN d.state = 'pending' THEN eventd_us(d.next_attempt_at) END, eventd_us(d.delivered_at), "
    "d.replay_of::text, eventd_us(d.created_at)";

WebhookDeliveryRow delivery_from_row(const soci::row& row) {
  WebhookDeliveryRow d;
  d.id = row.get<std::string>(0);
  d.seq = row.get<long long>(1);
  d.message_id = row.get<std::string>(2);
  d.sequence = row.get<long long>(3);
  d.type = row.get<std::string>(4);
  d.resource_key = row.get<std::string>(5);
  d.state = row.get<std::string>(6);
  d.attempts = row.get<int>(7);
  d.last_status = opt_int(row, 8);
  d.last_error = opt_text(row, 9);
  d.next_attempt_at = opt_instant(row, 10);
  d.delivered_at = opt_instant(row, 11);
  d.replay_of = opt_text(row, 12);
  d.created_at = from_us(row.get<long long>(13));
  return d;
}

// The attempts of these deliveries, each in its delivery's log, in order.
void add_attempts(soci::session& session, std::vector<WebhookDeliveryRow>& deliveries) {
  if (deliveries.empty()) return;
  std::vector<std::string> ids;
  std::map<std::string, WebhookDeliveryRow*> by_id;
  for (auto& d : deliveries) {
    ids.push_back(d.id);
    by_id[d.id] = &d;
  }
  Params p;
  for_each_row(session,
               "SELECT delivery_id::text, attempt, eventd_us(started_at), outcome, status, latency_ms, "
               "response_snippet, error FROM webhook_attempts WHERE delivery_id = ANY(CAST(string_to_array(" +
                   p.add(join_list(ids)) + ", chr(31)) AS uuid[])) ORDER BY delivery_id, attempt",
               p, [&](const soci::row& row) {
                 WebhookAttemptRow a;
                 a.attempt = row.get<int>(1);
                 a.started_at = from_us(row.get<long long>(2));
                 a.outcome = row.get<std::string>(3);
                 a.status = opt_int(row, 4);
                 a.latency_ms = row.get<int>(5);
                 a.response_snippet = opt_text(row, 6);
                 a.error = opt_text(row, 7);
                 by_id.at(row.get<std::string>(0))->attempt_log.push_back(std::move(a));
               });
}

}  // namespace

std::vector<WebhookDeliveryRow> list_webhook_deliveries(soci::session& session, const DeliveryFilter& f) {
  Params p;
  std::string sql = std::string("SELECT ") + delivery_columns +
                    " FROM webhook_deliveries d JOIN webhook_messages m ON m.id = d.message_id "
                    "WHERE d.subscription_id = " +
                    p.add_uuid(f.subscription_id);
  if (f.state) sql += " AND d.state = " + p.add(*f.state);
  if (f.before_seq) sql += " AND d.seq < CAST(" + p.add(std::to_string(*f.before_seq)) + " AS bigint)";
  sql += " ORDER BY d.seq DESC LIMIT CAST(" + p.add(std::to_string(f.limit)) + " AS int)";
  std::vector<WebhookDeliveryRow> out;
  for_each_row(session, sql, p, [&](const soci::row& row) { out.push_back(delivery_from_row(row)); });
  add_attempts(session, out);
  return out;
}

std::optional<WebhookDeliveryRow> find_webhook_delivery(soci::session& session, const std::string& subscription_id,
                                                        const std::string& delivery_id) {
  if (!is_uuid(delivery_id)) return std::nullopt;
  Params p;
  std::vector<WebhookDeliveryRow> found;
  for_each_row(session,
               std::string("SELECT ") + delivery_columns +
                   " FROM webhook_deliveries d JOIN webhook_messages m ON m.id = d.message_id WHERE d.id = " +
                   p.add_uuid(delivery_id) + " AND d.subscription_id = " + p.add_uuid(subscription_id),
               p, [&](const soci::row& row) { found.push_back(delivery_from_row(row)); });
  add_attempts(session, found);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::optional<std::string> replay_webhook_delivery(soci::session& session, const std::string& subscription_id,
                                                   const std::string& delivery_id) {
  Params p;
  std::optional<std::string> id;
  for_each_row(session,
               "INSERT INTO webhook_deliveries (message_id, subscription_id, resource_key, replay_of) "
               "SELECT d.message_id, d.subscription_id, d.resource_key, d.id FROM webhook_deliveries d "
               "JOIN webhook_messages m ON m.id = d.message_id WHERE d.id = " +
                   p.add_uuid(delivery_id) + " AND d.subscription_id = " + p.add_uuid(subscription_id) +
                   " AND m.data IS NOT NULL RETURNING id::text",
               p, [&](const soci::row& row) { id = row.get<std::string>(0); });
  return id;
}

std::size_t replay_webhook_since(soci::session& session, const std::string& subscription_id, domain::Instant since) {
  Params p;
  std::size_t n = 0;
  // Once per message (a replayed one has several deliveries), oldest first, so their new
  // deliveries keep the order of the changes.
  for_each_row(session,
               "WITH i AS (INSERT INTO webhook_deliveries (message_id, subscription_id, resource_key, replay_of) "
               "SELECT message_id, subscription_id, resource_key, id FROM ("
               "SELECT DISTINCT ON (m.seq) m.seq, d.message_id, d.subscription_id, d.resource_key, d.id "
               "FROM webhook_deliveries d JOIN webhook_messages m ON m.id = d.message_id WHERE d.subscription_id = " +
                   p.add_uuid(subscription_id) + " AND m.created_at >= " + p.add_us(since) +
                   " AND m.data IS NOT NULL ORDER BY m.seq, d.seq LIMIT 10000) x ORDER BY seq RETURNING 1) "
                   "SELECT count(*) FROM i",
               p, [&](const soci::row& row) { n = static_cast<std::size_t>(row.get<long long>(0)); });
  return n;
}

WebhookBacklog webhook_backlog(soci::session& session) {
  Params p;
  WebhookBacklog out;
  for_each_row(session,
               "SELECT count(*), COALESCE(CAST(EXTRACT(EPOCH FROM now() - min(next_attempt_at) FILTER ("
               "WHERE next_attempt_at <= now())) AS double precision), 0) FROM webhook_deliveries "
               "WHERE state = 'pending'",
               p, [&](const soci::row& row) {
                 out.pending = static_cast<std::size_t>(row.get<long long>(0));
                 out.oldest_pending_seconds = row.get<double>(1);
               });
  return out;
}

}  // namespace eventd::db
