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
  // The first answer's ETag, so a replay carries the tag of the body it replays. Empty for
  // answers stored before ETags were (a replay of one has none).
  std::string etag{};
};

struct IdempotencyRequest {
  std::string scope;         // method and path, e.g. "POST /v1/events/<id>/registrations"
  std::string key;           // the client's Idempotency-Key
  std::string request_body;  // as received
};

// The first answer to this key, when an earlier request with it committed (a 422 when its
// body differed; a 404 when the record it created was erased since); nullopt when this request claimed the key and must
// remember_answer. A concurrent first request with the same key makes this wait until it commits or rolls back.
std::optional<StoredResponse> replay_or_claim(soci::session& s, const IdempotencyRequest& request);

// Stores the answer for retries, in the transaction that claimed the key, linked to the
// record it created (`record_id`), so that erasing the record erases the answer too.
void remember_answer(soci::session& s, const IdempotencyRequest& request, const StoredResponse& answer,
                     const std::string& record_id);

// For a request that claimed the key and ends in an error after all, but commits what it did
// (a duplicate sign-up that sends the holder their link): the key is free again.
void release_claim(soci::session& s, const IdempotencyRequest& request);

// Erasure of a registration or media request (?erase=true): its stored answers, which hold its
// personal data and token, become tombstones, so a retry answers 404 instead of replaying them
// or creating the record again. `legacy_scope_pattern`: see db::erase_answers_of.
void erase_stored_answers(soci::session& s, const std::string& record_id, const std::string& legacy_scope_pattern);

}  // namespace eventd::services
