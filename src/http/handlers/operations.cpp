#include "http/handlers/operations.hpp"

#include "domain/error.hpp"
#include "http/backend.hpp"
#include "http/context.hpp"
#include "http/json.hpp"
#include "http/metrics.hpp"
#include "http/problem.hpp"
#include "services/database.hpp"
#include "services/health.hpp"

namespace eventd::http::handlers {

boost::asio::awaitable<Response> healthz(RequestContext&) { co_return json_response(200, {{"status", "ok"}}); }

boost::asio::awaitable<Response> readyz(RequestContext& context) {
  bool migrated = false;
  try {
    migrated = co_await services::database_ready(context.backend.db, context.backend.migrations);
  } catch (const domain::Error& error) {
    co_return problem(503, "Not ready: " + error.detail());
  }
  if (!migrated) co_return problem(503, "Not ready: the database has pending migrations.");
  co_return json_response(200, {{"status", "ready"}});
}

boost::asio::awaitable<Response> metrics(RequestContext& context) {
  auto& backend = context.backend;
  Response response;
  response.headers.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  response.body = backend.metrics.render(
      {backend.db.pool_size(), backend.db.connections_in_use(), backend.db.waiting(), backend.open_connections()});
  co_return response;
}

boost::asio::awaitable<Response> openapi(RequestContext& context) {
  Response response;
  response.headers.set("Content-Type", "application/yaml; charset=utf-8");
  response.headers.set("Cache-Control", "public, max-age=300");
  response.body = std::string(context.backend.openapi_yaml);
  co_return response;
}

boost::asio::awaitable<Response> docs(RequestContext& context) {
  Response response;
  response.headers.set("Content-Type", "text/html; charset=utf-8");
  response.headers.set("Cache-Control", "public, max-age=300");
  // Only this origin: the browser itself refuses anything a CDN could serve. Redoc styles
  // with inline <style> elements and draws its logo-less icons as data: images.
  response.headers.set("Content-Security-Policy",
                       "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                       "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
  response.body = std::string(context.backend.reference_page);
  co_return response;
}

boost::asio::awaitable<Response> docs_script(RequestContext& context) {
  Response response;
  response.headers.set("Content-Type", "text/javascript; charset=utf-8");
  response.headers.set("Cache-Control", "public, max-age=86400");
  response.body = std::string(context.backend.reference_script);
  co_return response;
}

}  // namespace eventd::http::handlers
