#include "db/idempotency_repository.hpp"

#include <soci/soci.h>

#include "db/statement.hpp"

namespace eventd::db {

std::optional<StoredAnswer> claim_idempotency_key(soci::session& session, const std::string& scope,
                                                  const std::string& key_hash, const std::string& request_hash) {
  Params p;
  const std::string s = p.add(scope), k = p.add(key_hash), r = p.add(request_hash);
  bool claimed = false;
  for_each_row(session,
               "INSERT INTO idempotency_keys (scope, key_hash, request_hash, status, response) VALUES (" + s +
                   ", decode(" + k + ", 'hex'), decode(" + r +
                   ", 'hex'), 0, ''::bytea) ON CONFLICT DO NOTHING RETURNING 1",
               p, [&](const soci::row&) { claimed = true; });
  if (claimed) return std::nullopt;
  Params q;
  StoredAnswer answer;
  for_each_row(
      session,
      "SELECT encode(request_hash, 'hex'), status, encode(response, 'hex') FROM idempotency_keys WHERE scope = " +
          q.add(scope) + " AND key_hash = decode(" + q.add(key_hash) + ", 'hex')",
      q, [&](const soci::row& row) {
        answer.request_hash = row.get<std::string>(0);
        answer.status = row.get<int>(1);
        answer.sealed = row.get<std::string>(2);
      });
  return answer;
}

void store_answer(soci::session& session, const std::string& scope, const std::string& key_hash, int status,
                  const std::string& sealed, const std::string& record_id) {
  Params p;
  execute(session,
          "UPDATE idempotency_keys SET status = CAST(" + p.add(std::to_string(status)) +
              " AS int), response = decode(" + p.add(sealed) + ", 'hex'), record_id = " + p.add_uuid(record_id) +
              " WHERE scope = " + p.add(scope) + " AND key_hash = decode(" + p.add(key_hash) + ", 'hex')",
          p);
}

void release_claim(soci::session& session, const std::string& scope, const std::string& key_hash) {
  Params p;
  execute(session,
          "DELETE FROM idempotency_keys WHERE status = 0 AND scope = " + p.add(scope) + " AND key_hash = decode(" +
              p.add(key_hash) + ", 'hex')",
          p);
}

void erase_answers_of(soci::session& session, const std::string& record_id, const std::string& legacy_scope_pattern) {
  // A tombstone, not a deletion: a late retry of the key must not register the person again.
  Params p;
  execute(session,
          "UPDATE idempotency_keys SET status = CAST(" + p.add(std::to_string(kTombstoneStatus)) +
              " AS int), response = ''::bytea, request_hash = ''::bytea WHERE record_id = " + p.add_uuid(record_id),
          p);
  // Committed answers from before schema/017 (a claim in flight has status 0 and is not
  // visible here anyway): they cannot be told apart, so all of this route's go.
  Params q;
  execute(session,
          "DELETE FROM idempotency_keys WHERE record_id IS NULL AND status <> 0 AND scope LIKE " +
              q.add(legacy_scope_pattern),
          q);
}

long long delete_idempotency_keys_before(soci::session& session, domain::Instant cutoff) {
  Params p;
  long long count = 0;
  for_each_row(session,
               "WITH gone AS (DELETE FROM idempotency_keys WHERE created_at < " + p.add_us(cutoff) +
                   " RETURNING 1) SELECT count(*) FROM gone",
               p, [&](const soci::row& row) { count = row.get<long long>(0); });
  return count;
}

}  // namespace eventd::db
