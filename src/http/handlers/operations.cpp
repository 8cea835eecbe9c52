#include "http/handlers/operations.hpp"

#include "domain/error.hpp"
#include "http/backend.hpp"
#include "http/context.hpp"
#include "http/json.hpp"
#include "http/metrics.hpp"
#include "services/database.hpp"
#include "services/feed_cache.hpp"
#include "services/health.hpp"
#include "services/registration_desk.hpp"
#include "services/shared_rate_limiter.hpp"
#include "services/webhook_service.hpp"

namespace eventd::http::handlers {

boost::asio::awaitable<Response> healthz(RequestContext&) { co_return json_response(200, {{"status", "ok"}}); }

boost::asio::awaitable<Response> readyz(RequestContext& context) {
  bool migrated = false;
  try {
    migrated = co_await services::database_ready(context.backend.db, context.backend.migrations);
  } catch (const domain::Error&) {
    throw domain::Error(domain::Problem::not_ready, domain::detail("not_ready_database"));
  }
  if (!migrated) throw domain::Error(domain::Problem::not_ready, domain::detail("not_ready_migrations"));
  co_return json_response(200, {{"status", "ready"}});
}

namespace {

std::string feed_cache_metrics(const services::FeedCacheStats& stats) {
  std::string out;
  auto metric = [&out](const char* name, const char* type, const char* help, std::uint64_t value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " +
           std::to_string(value) + "\n";
  };
  metric("eventd_feed_cache_enabled", "gauge", "1 while changes are heard and rendered feeds are kept.",
         stats.enabled ? 1 : 0);
  metric("eventd_feed_cache_entries", "gauge", "Rendered feeds kept.", stats.entries);
  metric("eventd_feed_cache_bytes", "gauge", "Memory the kept feeds take (approximate).", stats.bytes);
  metric("eventd_feed_cache_hits_total", "counter", "Feed requests answered from the cache.", stats.hits);
  metric("eventd_feed_cache_misses_total", "counter", "Feed requests rendered while the cache was on.", stats.misses);
  return out;
}

// How the rush goes: sign-ups per batch is their ratio (services/registration_desk.hpp).
std::string registration_desk_metrics(const services::RegistrationDesk& desk) {
  return "# HELP eventd_registration_batches_total Transactions that decided sign-ups (one per batch).\n"
         "# TYPE eventd_registration_batches_total counter\n"
         "eventd_registration_batches_total " +
         std::to_string(desk.batches()) +
         "\n# HELP eventd_registration_signups_total Sign-ups decided in those transactions.\n"
         "# TYPE eventd_registration_signups_total counter\n"
         "eventd_registration_signups_total " +
         std::to_string(desk.signups()) +
         "\n# HELP eventd_registration_refused_total Sign-ups answered 503 because their event's line "
         "was full (EVENTD_SIGNUP_QUEUE).\n"
         "# TYPE eventd_registration_refused_total counter\n"
         "eventd_registration_refused_total " +
         std::to_string(desk.refused()) + "\n";
}

// The per-address limit of public writes (services/shared_rate_limiter.hpp): how often this
// instance asked the shared bucket, and how often it could answer a limited client alone.
std::string rate_limit_metrics(const services::SharedRateLimiter::Stats& stats) {
  std::string out;
  auto metric = [&out](const char* name, const char* help, std::uint64_t value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n" + name + " " +
           std::to_string(value) + "\n";
  };
  metric("eventd_rate_limit_local_refusals_total",
         "Public writes refused by this instance's own bucket, without asking the database.", stats.local_refusals);
  metric("eventd_rate_limit_shared_checks_total",
         "Public writes this instance's bucket let through, each then asked of the shared bucket (a statement).",
         stats.shared_checks);
  metric("eventd_rate_limit_shared_refusals_total", "Of those, refused by the shared bucket.", stats.shared_refusals);
  metric("eventd_rate_limit_shared_failures_total",
         "Of those, the database did not answer: this instance's bucket decided alone.", stats.shared_failures);
  return out;
}

}  // namespace

namespace {

std::string metric_line(const char* name, const char* type, const char* help, const std::string& value) {
  return std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " + value +
         "\n";
}

// This instance's webhook sender since it started (services/webhook_service.hpp).
std::string webhook_sender_metrics(const services::WebhookSenderTotals& t) {
  return metric_line("eventd_webhook_delivered_total", "counter", "Webhook deliveries answered 2xx by this instance.",
                     std::to_string(t.delivered)) +
         metric_line("eventd_webhook_failed_total", "counter",
                     "Webhook attempts of this instance that got no 2xx (each retry counts).",
                     std::to_string(t.failed)) +
         metric_line("eventd_webhook_refused_total", "counter",
                     "Webhook attempts this instance refused: the address connected to is in a refused range.",
                     std::to_string(t.refused)) +
         metric_line("eventd_webhook_subscriptions_disabled_total", "counter",
                     "Subscriptions this instance's sender turned off (410, or failing for days).",
                     std::to_string(t.disabled));
}

// Shared by every instance: what waits to be delivered.
std::string webhook_backlog_metrics(const db::WebhookBacklog& b) {
  return metric_line("eventd_webhook_pending", "gauge", "Webhook deliveries waiting for their first or next attempt.",
                     std::to_string(b.pending)) +
         metric_line("eventd_webhook_oldest_due_seconds", "gauge",
                     "How long the oldest due webhook delivery has waited (0: none is due).",
                     std::to_string(b.oldest_pending_seconds));
}

}  // namespace

boost::asio::awaitable<Response> metrics(RequestContext& context) {
  auto& backend = context.backend;
  Response response;
  response.headers.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  response.body = backend.metrics.render(
      {backend.db.pool_size(), backend.db.connections_in_use(), backend.db.waiting(), backend.open_connections()});
  response.body += feed_cache_metrics(backend.feeds.stats());
  response.body += registration_desk_metrics(backend.registrations);
  response.body += rate_limit_metrics(backend.public_writes.stats());
  response.body += webhook_sender_metrics(services::webhook_sender_totals());
  // The shared backlog needs the database; without it the rest still answers.
  try {
    response.body += webhook_backlog_metrics(co_await services::webhook_backlog(backend.db));
  } catch (const std::exception&) {
    response.body += "# eventd_webhook_backlog: the database did not answer\n";
  }
  co_return response;
}

namespace {
// A file compiled into the binary, cacheable by anyone.
Response embedded_file(std::string_view content, const char* content_type, const char* cache_control) {
  Response response;
  response.headers.set("Content-Type", content_type);
  response.headers.set("Cache-Control", cache_control);
  response.body = std::string(content);
  return response;
}
}  // namespace

boost::asio::awaitable<Response> openapi(RequestContext& context) {
  co_return embedded_file(context.backend.openapi_yaml, "application/yaml; charset=utf-8", "public, max-age=300");
}

boost::asio::awaitable<Response> docs(RequestContext& context) {
  Response response = embedded_file(context.backend.reference_page, "text/html; charset=utf-8", "public, max-age=300");
  // Only this origin: the browser itself refuses anything a CDN could serve. Redoc styles
  // with inline <style> elements, uses data: images and runs its search in a blob: worker.
  response.headers.set("Content-Security-Policy",
                       "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                       "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
  co_return response;
}

boost::asio::awaitable<Response> docs_script(RequestContext& context) {
  co_return embedded_file(context.backend.reference_script, "text/javascript; charset=utf-8", "public, max-age=86400");
}

}  // namespace eventd::http::handlers
