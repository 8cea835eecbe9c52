#pragma once
// SQL for the token buckets of public writes that every instance shares
// (schema/027_shared_rate_limit.sql, rate_limit_buckets).
#include <string>

namespace soci {
class session;
}

namespace eventd::db {

struct SharedTake {
  bool taken = false;  // the client's bucket had a token, and this request took it
  double tokens = 0;   // the bucket's level now, after the take if any (below 1 when refused)
};
// Takes one token from `client`'s bucket (refilled by `per_minute`, up to `burst`; a new
// client starts full), in one statement, atomic against every other instance's. Run it
// outside a transaction: it holds the row's lock until its transaction ends.
SharedTake take_shared_token(soci::session& session, const std::string& client, double per_minute, double burst);

// Deletes the buckets that have refilled (a full bucket is what no row means); their count.
long long delete_full_rate_buckets(soci::session& session);

}  // namespace eventd::db
