#pragma once
// What a handler gets: the request, its path parameters and query, who is calling, and the
// backend it may use.
#include <string>

#include "http/message.hpp"
#include "http/query.hpp"
#include "http/router.hpp"

namespace eventd::http {

struct Backend;

struct RequestContext {
  const Request& request;
  Backend& backend;
  std::string request_id;
  PathParams params;
  Query query;

  const std::string& param(std::string_view name) const { return params.find(name)->second; }
};

}  // namespace eventd::http
