#pragma once
// Idempotency-Key for public POSTs (api.md, "idempotency"): a retry with the same key and body
// gets the first answer, never a second record. Used inside the creating transaction:
//   if (auto earlier = replay_or_claim(s, request)) return *earlier;  // nothing created
//   ... create, render the answer ...
//   remember_answer(s, request, answer);  tx.commit();
// The answer holds the client's secret token, so it is stored sealed under a key derived
// from the Idempotency-Key and the body, which only the client holds.
#include <optional>
#include <string>

namespace soci {
class session;
}

namespace eventd::services {

// An HTTP answer as stored for Idempotency-Key retries.
struct StoredResponse {
  int status = 0;
  std::string location;
  std::string body;
};

struct IdempotencyRequest {
  std::string scope;         // method and path, e.g. "POST /v1/events/<id>/registrations"
  std::string key;           // the client's Idempotency-Key
  std::string request_body;  // as received
};

// The first answer to this key, when an earlier request with it committed (a 422 when its
// body differed); nullopt when this request claimed the key and must remember_answer. A
// concurrent first request with the same key makes this wait until it commits or rolls back.
std::optional<StoredResponse> replay_or_claim(soci::session& s, const IdempotencyRequest& request);

// Stores the answer for retries, in the transaction that claimed the key.
void remember_answer(soci::session& s, const IdempotencyRequest& request, const StoredResponse& answer);

}  // namespace eventd::services
