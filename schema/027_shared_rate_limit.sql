-- 027_shared_rate_limit.sql — the per-address limit of public writes holds across instances.
--
-- Every instance keeps a token bucket per client address in memory (services/rate_limiter.hpp)
-- and refuses a client that has used it up by itself, asking nobody. A public write that its
-- own bucket lets through also takes a token from the client's bucket here, in one statement
-- (db/rate_limit_repository.cpp), so that N instances allow a client the limit once, not N
-- times. The refill is computed here, by elapsed time, with the instance's per_minute and
-- burst (stored with the row, so that the sweep needs no settings).
--
-- UNLOGGED: the buckets are nobody's records and nobody may lose them. Writing one writes no
-- WAL; in exchange a crash of PostgreSQL (or a failover: a standby has no copy) empties the
-- table, and every client starts again with a full burst, which is harmless.
--
-- The key is the client's address (personal data): a row lives only while its bucket is
-- not full. A full bucket is what no row means, so the retention sweep
-- (services::apply_retention) deletes every row that has refilled.

CREATE UNLOGGED TABLE rate_limit_buckets (
  client text PRIMARY KEY,           -- http::TrustedProxies::client_address
  tokens double precision NOT NULL,  -- the level at updated_at, after that request's take
  updated_at timestamptz NOT NULL,
  per_minute double precision NOT NULL CHECK (per_minute > 0),
  burst double precision NOT NULL CHECK (burst >= 1),
  taken boolean NOT NULL             -- whether the request at updated_at got its token
);

-- The level of a bucket that held `tokens` at `since`, at `moment`: refilled by `per_minute`
-- a minute, up to `burst`. A negative elapsed time (statements that began in one order and
-- took the row's lock in the other) refills nothing.
CREATE FUNCTION eventd_bucket_level(tokens double precision, since timestamptz, moment timestamptz,
                                    per_minute double precision, burst double precision)
  RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT least(burst, tokens + greatest(0, extract(epoch FROM moment - since)::double precision) * per_minute / 60) $$;
