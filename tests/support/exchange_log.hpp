#pragma once
// Records every HTTP exchange of the API tests as one JSON line, when EVENTD_CONTRACT_LOG
// names a file, so tools/contract/check-exchanges.mjs can validate each response against
// openapi.yaml. The file starts with the service's route table, so the checker also sees
// routes that no test called.
#include <string>

#include "support/http_client.hpp"

namespace eventd::test {

// The doctest case the following exchanges belong to (set by a doctest listener).
void set_current_test_case(std::string name);

void record_exchange(const std::string& method, const std::string& target, const HeaderList& request_headers,
                     const std::string& request_body, const HttpResponse& response);

}  // namespace eventd::test
