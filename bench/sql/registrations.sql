-- The benchmark's registrations (schema/004_registrations.sql), after bench/sql/load.sql:
-- every event that takes registrations (all but drafts) gets :base of them, or :base + 1
-- when (n * 7919) % :public < :extra; so :public events get :base * :public + :extra
-- registrations in all, about, and event n gets the same ones in any database. 1 in 20 is
-- cancelled. bench.py passes base, extra = divmod(1,000,000, public events).
--
--   psql -v base=10 -v extra=50000 -v public=95000 -f bench/sql/registrations.sql
--
-- Steady state: the registrations of events that ended more than 90 days before the load
-- are written as eventd's retention sweep (EVENTD_RETENTION_DAYS, 90 by default) would
-- have left them, personal data erased. (Otherwise every eventd the bench starts would
-- first try to anonymise three quarters of the registrations in one UPDATE, which runs
-- into the statement timeout, is rolled back, and leaves vacuum work behind.)
--
-- Written in bulk with the per-row triggers off (session_replication_role = replica), so
-- the per-event counts that registrations_count() would keep are written here, at the end.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET maintenance_work_mem = '256MB';

CREATE TEMPORARY TABLE bench_open_events AS
SELECT id, substr(slug, 13)::int AS n, upper(during) < now() - interval '90 days' AS erased,
       upper(during) + interval '90 days' AS erased_at
  FROM events
 WHERE slug LIKE 'bench-event-%' AND status <> 'draft';

SET session_replication_role = replica;

INSERT INTO registrations (event_id, status, name, email, organisation, country, consent_at,
                           manage_token_hash, feed_token_hash, confirmed_at, cancelled_at, created_at, updated_at,
                           erased_at, erased_reason)
SELECT e.id,
       CASE WHEN (e.n + i) % 20 = 0 THEN 'cancelled' ELSE 'confirmed' END,
       CASE WHEN NOT e.erased THEN
         (ARRAY['Amina', 'Björn', 'Cecilia', 'David', 'Elin', 'Farid', 'Greta', 'Hassan'])[(e.n + i) % 8 + 1]
           || ' Deltagare ' || e.n || '-' || i END,
       CASE WHEN NOT e.erased THEN 'deltagare' || i || '@event' || e.n || '.example.org' END,
       CASE WHEN NOT e.erased THEN (ARRAY['Kommunen', 'Föreningen', 'Regionen', NULL])[i % 4 + 1] END,
       CASE WHEN NOT e.erased THEN (ARRAY['SE', 'NO', 'FI', 'DK'])[i % 4 + 1] END,
       TIMESTAMPTZ '2018-12-01 12:00:00+00',
       decode(md5('manage-' || e.n || '-' || i) || md5('manage2-' || e.n || '-' || i), 'hex'),
       decode(md5('feed-' || e.n || '-' || i) || md5('feed2-' || e.n || '-' || i), 'hex'),
       TIMESTAMPTZ '2018-12-01 12:00:00+00',
       CASE WHEN (e.n + i) % 20 = 0 THEN TIMESTAMPTZ '2018-12-10 12:00:00+00' END,
       TIMESTAMPTZ '2018-12-01 12:00:00+00',
       TIMESTAMPTZ '2018-12-01 12:00:00+00',
       CASE WHEN e.erased THEN e.erased_at END,
       CASE WHEN e.erased THEN 'retention' END
  FROM bench_open_events e,
       generate_series(1, :base + CASE WHEN (e.n::bigint * 7919) % :public < :extra THEN 1 ELSE 0 END) AS i;

INSERT INTO event_registration_counts (event_id, confirmed, waitlisted, version, changed_at)
SELECT event_id,
       count(*) FILTER (WHERE status = 'confirmed'),
       count(*) FILTER (WHERE status = 'waitlisted'),
       count(*),
       max(updated_at)
  FROM registrations
 GROUP BY event_id;

SET session_replication_role = origin;

ANALYZE registrations;
ANALYZE event_registration_counts;

SELECT (SELECT count(*) FROM registrations) AS registrations;
