#include "http/routes.hpp"

#include "http/handlers/operations.hpp"

namespace eventd::http {

Router make_router() {
  using enum Method;
  namespace h = handlers;
  Router router;
  // Operations
  router.add(get, "/healthz", h::healthz);
  router.add(get, "/readyz", h::readyz);
  router.add(get, "/metrics", h::metrics);
  router.add(get, "/openapi.yaml", h::openapi);
  return router;
}

}  // namespace eventd::http
