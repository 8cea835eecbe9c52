#pragma once
// What a handler gets: the request, its path parameters and query, who is calling, and the
// backend it may use.
#include <string>

#include "http/message.hpp"
#include "http/query.hpp"
#include "http/router.hpp"

namespace eventd::http {

struct Backend;

// Who made a request, for the request log: the kind of credential and, for an API key, the
// key's id. Never the key or a token itself.
struct CallerNote {
  // none, api_key, admin_key_env (EVENTD_ADMIN_KEY: no id), manage_token, status_token,
  // feed_token (in the path), or rejected (an unknown or revoked key).
  std::string_view credential = "none";
  std::string key_id;  // the API key's id, for api_key
};

struct RequestContext {
  const Request& request;
  Backend& backend;
  std::string request_id;
  PathParams params;
  Query query;
  CallerNote& caller_note;  // filled in by authenticate() and the token checks

  const std::string& param(std::string_view name) const { return params.find(name)->second; }
};

}  // namespace eventd::http
