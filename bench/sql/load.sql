-- The benchmark's data set, generated in SQL (psql), deterministic: event number n always
-- becomes the same row, so the 1,000-event database of the list scenario holds exactly the
-- same rows for the lists it is asked for as the 100,000-event one.
--
--   psql -v events=100000 -v small=0 -f bench/sql/load.sql   -- the full set
--   psql -v events=100000 -v small=1 -f bench/sql/load.sql   -- ~1,000 of the same events
--
-- Shape: 100 organisations; 2,000 speakers; events n = 1..:events, each with 3 programme
-- items (sessions) and a speaker each; every fifth event has a partner organisation. Event n
-- belongs to organisation (n-1) % 100 + 1 and starts on day slot (n-1)/100: every
-- organisation has an event every ~3.65 days from January 2019 to late 2028 (about 100 a
-- year). 1 in 20 events is a draft, 1 in 50 cancelled, 1 in 10 an all-day study visit.
-- Ids are md5('bench-event-' || n)::uuid, so other scripts can compute them. Timestamps
-- (created_at, updated_at) come from n too, never from the clock.
--
-- The small set: every event of organisations 1-5 (as organiser or partner) that starts in
-- 2024 (what the list scenario asks for), plus events 1..400.
--
-- Registrations: bench/sql/registrations.sql, once their table exists.
--
-- Everything is written once, in bulk, with the per-row triggers switched off
-- (session_replication_role = replica; superuser only). The triggers that keep the events'
-- search document would refresh all events once per statement, through
-- `id = ANY (<100,000 ids>)`, which takes hours; instead this script writes what they would:
-- programme_text and speaker_names with the event, session_speakers.during from its
-- session, event_partners.during from its event. Foreign keys, programme items within their events and speakers in one session at
-- a time hold by construction; CHECK and exclusion constraints are still enforced.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET maintenance_work_mem = '256MB';

CREATE TEMPORARY TABLE bench_events AS
SELECT n,
       md5('bench-event-' || n)::uuid AS id,
       (n - 1) % 100 + 1 AS org,
       (n - 1) / 100 AS slot,
       DATE '2019-01-07' + ((n - 1) / 100) * 365 / 100 AS day,
       n % 10 = 4 AS all_day,
       (ARRAY['seminar', 'webinar', 'conference', 'workshop', 'meeting'])[n % 5 + 1] AS kind,
       CASE WHEN n % 10 = 4 THEN 'in_person'
            ELSE (ARRAY['in_person', 'online', 'hybrid'])[n % 3 + 1] END AS format,
       CASE WHEN n % 20 = 7 THEN 'draft' WHEN n % 50 = 3 THEN 'cancelled' ELSE 'published' END AS status
  FROM generate_series(1, :events) AS n
 WHERE :small = 0
    OR n <= 400
    OR (date_part('year', DATE '2019-01-07' + ((n - 1) / 100) * 365 / 100) = 2024
        AND ((n - 1) % 100 < 5 OR (n % 5 = 0 AND ((n - 1) % 100 + 37) % 100 < 5)));

CREATE FUNCTION pg_temp.speaker_name(k int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT (ARRAY['Anna', 'Erik', 'Maria', 'Johan', 'Fatima', 'Ali', 'Sara', 'Lars', 'Leila', 'Olof'])[k % 10 + 1]
         || ' ' || (ARRAY['Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson',
                          'Persson', 'Svensson', 'Gustafsson'])[(k / 10) % 10 + 1] || ' ' || k
$$;

-- Programme: three items a day, 09:15-10:30, 10:45-12:00, 13:00-15:30 local time (on the first
-- day of an all-day event). One speaker an item: events of one day slot run at the same time,
-- so within a slot each (organisation, item) has its own speaker, and neighbouring slots use
-- other speakers.
CREATE TEMPORARY TABLE bench_sessions AS
SELECT b.n, s,
       md5('bench-session-' || b.n || '-' || s)::uuid AS id,
       b.id AS event_id,
       (ARRAY['Inledning och välkomnande', 'Samtal: erfarenheter från kommunerna', 'Workshop och avslutning'])[s + 1]
         AS title,
       'Programpunkt ' || (s + 1) || ' av evenemang ' || b.n || '.' AS description,
       (ARRAY['talk', 'panel', 'workshop'])[s + 1] AS kind,
       (b.day + (ARRAY[TIME '09:15', TIME '10:45', TIME '13:00'])[s + 1]) AT TIME ZONE 'Europe/Stockholm' AS starts_at,
       (b.day + (ARRAY[TIME '10:30', TIME '12:00', TIME '15:30'])[s + 1]) AT TIME ZONE 'Europe/Stockholm' AS ends_at,
       (b.slot % 6) * 300 + (b.org - 1) * 3 + s + 1 AS speaker
  FROM bench_events b, generate_series(0, 2) AS s;

-- what events_refresh_search would write
CREATE TEMPORARY TABLE bench_programme AS
SELECT x.n,
       string_agg(x.title || ' ' || x.description, ' ' ORDER BY x.starts_at, x.id) AS programme_text,
       string_agg(DISTINCT pg_temp.speaker_name(x.speaker), ' ' ORDER BY pg_temp.speaker_name(x.speaker))
         AS speaker_names
  FROM bench_sessions x
 GROUP BY x.n;

SET session_replication_role = replica;

-- Organisations ---------------------------------------------------------------------------
INSERT INTO organisations (id, slug, name, kind, website, description, created_at, updated_at)
SELECT md5('bench-org-' || k)::uuid,
       'bench-org-' || lpad(k::text, 3, '0'),
       (ARRAY['Föreningen', 'Studieförbundet', 'Kommunen', 'Regionen', 'Nätverket'])[k % 5 + 1]
         || ' ' || (ARRAY['Norra', 'Södra', 'Östra', 'Västra', 'Mellersta'])[(k / 5) % 5 + 1]
         || ' ' || k,
       (ARRAY['civil_society', 'study_association', 'municipality', 'region', 'other'])[k % 5 + 1],
       'https://org' || k || '.example.org',
       'Organisation nummer ' || k || ' arrangerar seminarier, webbinarier och studieresor om integration.',
       TIMESTAMPTZ '2018-06-01 10:00:00+00', TIMESTAMPTZ '2018-06-01 10:00:00+00'
  FROM generate_series(1, 100) AS k;

-- Speakers --------------------------------------------------------------------------------
INSERT INTO speakers (id, slug, name, title, affiliation, organisation_id, bio, email, created_at, updated_at)
SELECT md5('bench-speaker-' || k)::uuid,
       'bench-speaker-' || lpad(k::text, 4, '0'),
       pg_temp.speaker_name(k),
       (ARRAY['forskare', 'utredare', 'projektledare', 'journalist', 'handläggare'])[k % 5 + 1],
       'Organisation ' || (k % 100 + 1),
       md5('bench-org-' || (k % 100 + 1))::uuid,
       'Talare nummer ' || k || ' arbetar med frågor om migration, arbetsmarknad och bosättning.',
       'talare' || k || '@example.org',
       TIMESTAMPTZ '2018-06-01 10:00:00+00', TIMESTAMPTZ '2018-06-01 10:00:00+00'
  FROM generate_series(1, 2000) AS k;

-- Events ----------------------------------------------------------------------------------
INSERT INTO events (id, slug, title, summary, description, language, kind, format, status, timezone,
                    all_day, starts_at, ends_at, starts_on, ends_on,
                    venue_name, venue_street, venue_postal_code, venue_city, venue_country,
                    venue_latitude, venue_longitude,
                    online_platform, online_stream_url, online_access,
                    organiser_id, series, audience, tags, capacity, waitlist,
                    registration_opens_at, registration_closes_at, contacts, media_policy,
                    programme_text, speaker_names, created_at, updated_at)
SELECT b.id,
       'bench-event-' || b.n,
       CASE b.kind WHEN 'seminar' THEN 'Seminarium' WHEN 'webinar' THEN 'Webbinarium'
                   WHEN 'conference' THEN 'Konferens' WHEN 'workshop' THEN 'Workshop' ELSE 'Nätverksträff' END
         || ' ' || b.n || ': '
         || (ARRAY['Integration på arbetsmarknaden', 'Bosättning och mottagande', 'Språk och utbildning',
                   'Civilsamhällets roll', 'Hälsa och etablering', 'Föreningsliv och delaktighet'])[b.n % 6 + 1],
       'Om ' || (ARRAY['arbetsmarknad', 'bosättning', 'språk', 'civilsamhälle', 'hälsa', 'föreningsliv'])[b.n % 6 + 1]
         || ' för nyanlända, med forskare, kommuner och föreningar.',
       'Välkommen till en dag om ' ||
         (ARRAY['arbetsmarknad', 'bosättning', 'språk', 'civilsamhälle', 'hälsa', 'föreningsliv'])[b.n % 6 + 1] ||
         '. Vi samlar kommuner, regioner, myndigheter och civilsamhällets organisationer för att dela '
         'erfarenheter och diskutera hur mottagandet av nyanlända kan bli bättre.' || E'\n\n' ||
         'Programmet blandar korta föredrag, samtal och frågor från publiken. Dagen riktar sig till alla '
         'som arbetar med eller är engagerade i frågor om migration och integration. Evenemang nummer ' ||
         b.n || ' i serien.',
       'sv', b.kind, b.format, b.status, 'Europe/Stockholm',
       b.all_day,
       CASE WHEN NOT b.all_day THEN (b.day + TIME '09:00') AT TIME ZONE 'Europe/Stockholm' END,
       CASE WHEN NOT b.all_day THEN (b.day + TIME '16:00') AT TIME ZONE 'Europe/Stockholm' END,
       CASE WHEN b.all_day THEN b.day END,
       CASE WHEN b.all_day THEN b.day + 1 END,
       CASE WHEN b.format <> 'online' THEN 'Folkets hus ' || b.org END,
       CASE WHEN b.format <> 'online' THEN 'Storgatan ' || (b.n % 90 + 1) END,
       CASE WHEN b.format <> 'online' THEN lpad(((b.n * 7) % 89999 + 10000)::text, 5, '0') END,
       CASE WHEN b.format <> 'online'
            THEN (ARRAY['Göteborg', 'Stockholm', 'Malmö', 'Östersund', 'Vänersborg', 'Umeå'])[b.org % 6 + 1] END,
       CASE WHEN b.format <> 'online' THEN 'SE' END,
       CASE WHEN b.format <> 'online' THEN 57.7 + (b.org % 10) * 0.1 END,
       CASE WHEN b.format <> 'online' THEN 11.9 + (b.org % 10) * 0.1 END,
       CASE WHEN b.format <> 'in_person' THEN 'Zoom' END,
       CASE WHEN b.format <> 'in_person' THEN 'https://stream.example.org/event/' || b.n END,
       CASE WHEN b.format <> 'in_person'
            THEN (ARRAY['public', 'registered', 'on_request'])[b.n % 3 + 1] END,
       md5('bench-org-' || b.org)::uuid,
       CASE WHEN b.n % 4 = 0 THEN 'bench-series-' || (b.org % 10) END,
       'Alla som arbetar med integration.',
       ARRAY['integration', (ARRAY['arbetsmarknad', 'bosättning', 'språk', 'civilsamhälle', 'hälsa',
                                   'föreningsliv'])[b.n % 6 + 1]],
       50 + (b.n % 10) * 50,
       b.n % 3 = 0,
       (b.day - 60 + TIME '08:00') AT TIME ZONE 'Europe/Stockholm',
       (b.day - 1 + TIME '23:59') AT TIME ZONE 'Europe/Stockholm',
       jsonb_build_array(jsonb_build_object('name', 'Kontakt ' || b.org, 'role', 'samordnare',
                                            'email', 'kontakt' || b.org || '@example.org')),
       (ARRAY['open', 'on_request', 'closed'])[b.n % 3 + 1],
       p.programme_text,
       p.speaker_names,
       (b.day - 90 + TIME '10:00') AT TIME ZONE 'Europe/Stockholm',
       (b.day - 90 + TIME '10:00') AT TIME ZONE 'Europe/Stockholm'
  FROM bench_events b JOIN bench_programme p ON p.n = b.n;

-- Partners: every fifth event, one organisation 37 places further on (so organisation 2
-- partners all events of organisation 65), which accepted (schema/022; the public sees only
-- accepted partners). `during` is what event_partners_fill_during() would copy.
INSERT INTO event_partners (event_id, organisation_id, position, during, status, decided_at)
SELECT b.id, md5('bench-org-' || ((b.org - 1 + 37) % 100 + 1))::uuid, 0, e.during, 'accepted', e.created_at
  FROM bench_events b JOIN events e ON e.id = b.id
 WHERE b.n % 5 = 0;

INSERT INTO sessions (id, event_id, title, description, kind, starts_at, ends_at, location, created_at, updated_at)
SELECT x.id, x.event_id, x.title, x.description, x.kind, x.starts_at, x.ends_at, 'Sal ' || (x.s + 1),
       x.starts_at - interval '60 days', x.starts_at - interval '60 days'
  FROM bench_sessions x;

INSERT INTO session_speakers (session_id, speaker_id, position, during)
SELECT x.id, md5('bench-speaker-' || x.speaker)::uuid, 0, tstzrange(x.starts_at, x.ends_at, '[)')
  FROM bench_sessions x;

SET session_replication_role = origin;

ANALYZE;

SELECT (SELECT count(*) FROM organisations) AS organisations,
       (SELECT count(*) FROM speakers) AS speakers,
       (SELECT count(*) FROM events) AS events,
       (SELECT count(*) FROM sessions) AS sessions,
       (SELECT count(*) FROM session_speakers) AS session_speakers;
