#include "db/rate_limit_repository.hpp"

#include <soci/soci.h>

#include "db/statement.hpp"

namespace eventd::db {

SharedTake take_shared_token(soci::session& session, const std::string& client, double per_minute, double burst) {
  // The refill is computed from the row as locked by ON CONFLICT (the latest committed
  // version, whatever the statement's snapshot), so concurrent takes from several instances
  // queue on the row and each sees the one before. RETURNING sees only the new row, so
  // whether this request took a token is written into it (`taken`).
  Params p;
  const std::string c = p.add(client);
  const std::string rate = "CAST(" + p.add(std::to_string(per_minute)) + " AS float8)";
  const std::string full = "CAST(" + p.add(std::to_string(burst)) + " AS float8)";
  // The old row's level refilled up to this statement's time, before the take.
  const std::string level =
      "eventd_bucket_level(b.tokens, b.updated_at, EXCLUDED.updated_at, EXCLUDED.per_minute, EXCLUDED.burst)";
  SharedTake take;
  for_each_row(session,
               "INSERT INTO rate_limit_buckets AS b (client, tokens, updated_at, per_minute, burst, taken) VALUES (" +
                   c + ", " + full + " - 1, statement_timestamp(), " + rate + ", " + full +
                   ", true) ON CONFLICT (client) DO UPDATE SET tokens = " + level + " - CASE WHEN " + level +
                   " >= 1 THEN 1 ELSE 0 END, taken = " + level +
                   " >= 1, updated_at = greatest(b.updated_at, EXCLUDED.updated_at), per_minute = "
                   "EXCLUDED.per_minute, burst = EXCLUDED.burst RETURNING taken, tokens",
               p, [&](const soci::row& row) {
                 take.taken = row.get<int>(0) != 0;
                 take.tokens = row.get<double>(1);
               });
  return take;
}

long long delete_full_rate_buckets(soci::session& session) {
  Params p;
  long long count = 0;
  for_each_row(session,
               "WITH gone AS (DELETE FROM rate_limit_buckets WHERE eventd_bucket_level(tokens, updated_at, "
               "statement_timestamp(), per_minute, burst) >= burst RETURNING 1) SELECT count(*) FROM gone",
               p, [&](const soci::row& row) { count = row.get<long long>(0); });
  return count;
}

}  // namespace eventd::db
