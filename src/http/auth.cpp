#include "http/auth.hpp"

#include "domain/error.hpp"
#include "http/backend.hpp"
#include "http/context.hpp"
#include "services/auth.hpp"

namespace eventd::http {

std::optional<std::string> bearer_token(const Request& request) {
  auto header = request.headers.get("Authorization");
  if (!header) return std::nullopt;
  constexpr std::string_view scheme = "Bearer ";
  if (header->size() <= scheme.size() || !iequals(header->substr(0, scheme.size()), scheme)) {
    throw domain::Error(domain::Problem::unauthorized, domain::detail("use_bearer"));
  }
  auto token = header->substr(scheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  if (token.empty() || token.size() > 512) {
    throw domain::Error(domain::Problem::unauthorized, domain::detail("use_bearer"));
  }
  return std::string(token);
}

boost::asio::awaitable<domain::Caller> authenticate(RequestContext& context) {
  auto token = bearer_token(context.request);
  if (!token) co_return domain::Caller::anonymous();
  context.caller_note.credential = "rejected";  // until the key is found
  domain::Caller caller = co_await context.backend.auth.authenticate(context.backend.db, token);
  if (caller.key_id() == services::kEnvironmentAdminKeyId) {
    context.caller_note.credential = "admin_key_env";
  } else {
    context.caller_note.credential = "api_key";
    context.caller_note.key_id = caller.key_id();
  }
  co_return caller;
}

void require_authenticated(const domain::Caller& caller) {
  if (caller.is_anonymous()) throw domain::Error(domain::Problem::unauthorized, domain::detail("needs_api_key"));
}

void require_admin(const domain::Caller& caller) {
  require_authenticated(caller);
  if (!caller.is_admin()) throw domain::Error(domain::Problem::forbidden, domain::detail("needs_admin_key"));
}

void require_manager_of(const domain::Caller& caller, std::string_view organisation_id) {
  require_authenticated(caller);
  if (!caller.can_manage(organisation_id)) {
    throw domain::Error(domain::Problem::forbidden, domain::detail("key_not_for_organisation"));
  }
}

}  // namespace eventd::http
