-- 029_list_speed.sql — the time helpers of 002 inlined into the queries that use them.
--
-- PostgreSQL inlines a one-line SQL function into the calling query only when its body is
-- no more volatile than the function is declared. 002's bodies were not: extract(epoch FROM
-- timestamptz) and timestamptz + interval are STABLE (they may depend on the session's time
-- zone), so every call of the IMMUTABLE eventd_us/eventd_ts went through the SQL-function
-- executor, which parses and plans the body afresh in each statement that calls it. A list
-- of 50 events calls eventd_us 500 times: perf showed fmgr_sql (with base_yyparse and the
-- planner under it) at 30 % of PostgreSQL's time for GET /v1/events.
--
-- The same values, from IMMUTABLE operations only:
--  - eventd_us: timestamptz - timestamptz is an interval of microseconds and whole days
--    (justify_hours), whose epoch is exact (numeric), as the timestamptz's own epoch was;
--  - eventd_ts: a timestamp without time zone plus the microseconds (a zero-day interval,
--    so no zone is asked), read as UTC.
-- Checked equal to 002's for every instant of the benchmark's data set and around the
-- ends of the supported range; an infinite timestamp is an error in both.

CREATE OR REPLACE FUNCTION eventd_us(t timestamptz) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT (extract(epoch FROM t - '1970-01-01 00:00:00+00'::timestamptz) * 1000000)::bigint $$;

CREATE OR REPLACE FUNCTION eventd_ts(us bigint) RETURNS timestamptz
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT ('1970-01-01 00:00:00'::timestamp + us * interval '1 microsecond') AT TIME ZONE 'UTC' $$;
