#pragma once
// `eventd demo`: the seed events of api/examples, loaded through the API's own handlers
// (so they pass the same validation as any client's), idempotently.
#include <string>
#include <vector>

namespace eventd::app {

struct DemoReport {
  int created = 0;
  int existing = 0;
  std::vector<std::string> failures;  // "POST /v1/events: 422 ..." — empty when all went in
};

}  // namespace eventd::app
