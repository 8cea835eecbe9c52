#pragma once
// Credentials on a request: `Authorization: Bearer <secret>`.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "domain/api_key.hpp"
#include "http/message.hpp"

namespace eventd::http {

struct RequestContext;

// The bearer secret, if any; a malformed Authorization header is a 401.
std::optional<std::string> bearer_token(const Request& request);

// The caller behind the request's API key (anonymous without one); 401 for an unknown or
// revoked key.
boost::asio::awaitable<domain::Caller> authenticate(RequestContext& context);

// 401 for anonymous callers, 403 for callers without the right.
void require_admin(const domain::Caller& caller);
void require_authenticated(const domain::Caller& caller);
void require_manager_of(const domain::Caller& caller, std::string_view organisation_id);

}  // namespace eventd::http
