#pragma once
// SQL for the answers kept for Idempotency-Key retries (schema/004_registrations.sql,
// idempotency_keys): POST of registrations and of media requests.
#include <optional>
#include <string>

#include "domain/time.hpp"

namespace soci {
class session;
}

namespace eventd::db {

struct StoredAnswer {
  std::string request_hash;  // hex
  int status = 0;            // 0 while the first request is still in flight (not committed)
  std::string sealed;        // the encrypted answer (binary)
};
// Claims (scope, key) for this transaction. nullopt: claimed, go on and store_answer later.
// A value: an earlier request, committed, already answered. A concurrent first request
// makes this wait until it commits or rolls back (the primary key's insertion lock).
std::optional<StoredAnswer> claim_idempotency_key(soci::session& session, const std::string& scope,
                                                  const std::string& key_hash, const std::string& request_hash);
// `record_id`: the registration or media request the answer created (erasing it drops the answer).
void store_answer(soci::session& session, const std::string& scope, const std::string& key_hash, int status,
                  const std::string& sealed, const std::string& record_id);
// Gives up a claim of this transaction that will not be answered (a request that ends in an
// error but commits, e.g. a duplicate sign-up that sends the holder their link again).
void release_claim(soci::session& session, const std::string& scope, const std::string& key_hash);
// The stored answers of an erased record become tombstones (kTombstoneStatus, no answer, no
// request hash); answers stored before schema/017, which name no record, are deleted for every
// scope LIKE `legacy_scope_pattern` (e.g. "POST /v1/events/%/registrations").
inline constexpr int kTombstoneStatus = 410;
void erase_answers_of(soci::session& session, const std::string& record_id, const std::string& legacy_scope_pattern);
long long delete_idempotency_keys_before(soci::session& session, domain::Instant cutoff);

}  // namespace eventd::db
