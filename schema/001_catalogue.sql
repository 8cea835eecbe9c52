-- 001_catalogue.sql — the catalogue: organisations, API keys, events, partners,
-- sessions (programme items), speakers and who speaks in which session.
--
-- Forward-only. The migration runner wraps this file in one transaction and records it in
-- its own schema_migrations table; nothing here may COMMIT or create that table.
-- Target: PostgreSQL 15. pg_trgm and btree_gist are "trusted" extensions, so a database
-- owner without superuser may create them.
--
-- Conventions the application relies on
-- * Every constraint has a name. db/ maps SQLSTATE + constraint name to a domain error:
--     23505 unique_violation     *_key              → 409 (e.g. events_slug_key)
--     23P01 exclusion_violation  session_speakers_no_overlap → 409 "speaker clash"
--     23503 foreign_key_violation *_fkey            → 409 on DELETE of a referenced row,
--                                                     422 on INSERT/UPDATE of a bad reference
--     23514 check_violation      *_check            → 422 on the field the name points at
--   Triggers that reject a row raise 23514 with USING CONSTRAINT = '<name>' so the same
--   mapping works (events_timezone_check, sessions_within_event_check).
-- * Enumerations are text + CHECK, not PG enums, so a value can be added by replacing one
--   constraint in a later migration.
-- * `version` (bigint) on every mutable resource is bumped by a trigger whenever a column
--   the API shows changes; it is the ETag ("W/\"<version>\"" or "\"<version>\"") and the
--   If-Match check is `UPDATE ... WHERE id = $1 AND version = $2` (0 rows → 412 if the row
--   exists, else 404). The app must not write `version`.
-- * `updated_at` and events.`sequence` (iCalendar SEQUENCE) are written by the app.
-- * Generated columns (events.during, events.search_vector, events.search_text,
--   sessions.during) must never be written: PostgreSQL rejects an explicit value.
-- * events.programme_text, events.speaker_names and session_speakers.during are maintained
--   by triggers; the app leaves them out of its INSERTs and UPDATEs.

CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- ---------------------------------------------------------------------------------------
-- Shared trigger: bump `version` when anything but bookkeeping columns changed.
-- TG_ARGV lists extra columns to ignore (derived/search columns).
-- ---------------------------------------------------------------------------------------
CREATE FUNCTION eventd_bump_version() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  ignored text[] := ARRAY['version', 'updated_at'] || TG_ARGV::text[];
BEGIN
  IF (to_jsonb(NEW) - ignored) IS DISTINCT FROM (to_jsonb(OLD) - ignored) THEN
    NEW.version := OLD.version + 1;
  ELSE
    NEW.version := OLD.version;
  END IF;
  RETURN NEW;
END
$$;

-- ---------------------------------------------------------------------------------------
-- Organisations
-- ---------------------------------------------------------------------------------------
CREATE TABLE organisations (
  id          uuid        NOT NULL DEFAULT gen_random_uuid(),
  slug        text        NOT NULL,
  name        text        NOT NULL,
  kind        text        NOT NULL,
  website     text,
  description text,
  version     bigint      NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT organisations_pkey PRIMARY KEY (id),
  CONSTRAINT organisations_slug_key UNIQUE (slug),
  CONSTRAINT organisations_slug_check
    CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND char_length(slug) <= 100),
  CONSTRAINT organisations_name_check
    CHECK (btrim(name) <> '' AND char_length(name) <= 300),
  CONSTRAINT organisations_kind_check
    CHECK (kind IN ('civil_society', 'public_agency', 'municipality', 'region',
                    'study_association', 'faith_community', 'other')),
  CONSTRAINT organisations_website_check
    CHECK (website ~ '^https?://[^[:space:]]+$' AND char_length(website) <= 2000),
  CONSTRAINT organisations_description_check
    CHECK (char_length(description) <= 20000)
);

CREATE INDEX organisations_name_idx ON organisations (name, id);

CREATE TRIGGER organisations_version BEFORE UPDATE ON organisations
  FOR EACH ROW EXECUTE FUNCTION eventd_bump_version();

-- ---------------------------------------------------------------------------------------
-- API keys: only a hash of the key is stored (e.g. SHA-256 of the whole key string; the key
-- is high-entropy, so no slow hash is needed). key_prefix = first characters, for display.
-- Lookup: SELECT ... FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL.
-- ---------------------------------------------------------------------------------------
CREATE TABLE api_keys (
  id              uuid        NOT NULL DEFAULT gen_random_uuid(),
  name            text        NOT NULL DEFAULT '',
  key_hash        bytea       NOT NULL,
  key_prefix      text        NOT NULL,
  role            text        NOT NULL,
  organisation_id uuid,
  created_at      timestamptz NOT NULL DEFAULT now(),
  last_used_at    timestamptz,
  revoked_at      timestamptz,
  CONSTRAINT api_keys_pkey PRIMARY KEY (id),
  CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash),
  CONSTRAINT api_keys_key_hash_check CHECK (octet_length(key_hash) BETWEEN 16 AND 64),
  CONSTRAINT api_keys_key_prefix_check CHECK (char_length(key_prefix) BETWEEN 1 AND 32),
  CONSTRAINT api_keys_name_check CHECK (char_length(name) <= 200),
  CONSTRAINT api_keys_role_check CHECK (role IN ('admin', 'organiser')),
  -- an organiser key is scoped to exactly one organisation; an admin key to none
  CONSTRAINT api_keys_organisation_check
    CHECK ((role = 'organiser') = (organisation_id IS NOT NULL)),
  CONSTRAINT api_keys_revoked_check CHECK (revoked_at IS NULL OR revoked_at >= created_at),
  -- deleting an organisation deletes its keys (they could not act on anything any more)
  CONSTRAINT api_keys_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES organisations (id) ON DELETE CASCADE
);

CREATE INDEX api_keys_organisation_idx ON api_keys (organisation_id);

-- ---------------------------------------------------------------------------------------
-- Speakers
-- ---------------------------------------------------------------------------------------
CREATE TABLE speakers (
  id              uuid        NOT NULL DEFAULT gen_random_uuid(),
  slug            text        NOT NULL,
  name            text        NOT NULL,
  title           text,          -- e.g. 'utrikeskorrespondent'
  affiliation     text,          -- free text, e.g. 'Sveriges Radio'
  organisation_id uuid,
  bio             text,
  email           text,          -- private: organisers only
  phone           text,          -- private: organisers only, E.164-ish '+46 70 996 54 25'
  version         bigint      NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT speakers_pkey PRIMARY KEY (id),
  CONSTRAINT speakers_slug_key UNIQUE (slug),
  CONSTRAINT speakers_slug_check
    CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND char_length(slug) <= 100),
  CONSTRAINT speakers_name_check CHECK (btrim(name) <> '' AND char_length(name) <= 300),
  CONSTRAINT speakers_title_check CHECK (char_length(title) <= 300),
  CONSTRAINT speakers_affiliation_check CHECK (char_length(affiliation) <= 300),
  CONSTRAINT speakers_bio_check CHECK (char_length(bio) <= 20000),
  CONSTRAINT speakers_email_check
    CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$' AND char_length(email) <= 320),
  CONSTRAINT speakers_phone_check CHECK (phone ~ '^\+?[0-9][0-9 ()-]{3,30}$'),
  CONSTRAINT speakers_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES organisations (id) ON DELETE SET NULL
);

-- GET /v1/speakers: ordered by (name, id), keyset cursor; filter organisation; q by name
CREATE INDEX speakers_name_idx ON speakers (name, id);
CREATE INDEX speakers_organisation_idx ON speakers (organisation_id, name, id);
CREATE INDEX speakers_name_trgm_idx ON speakers USING gin (name gin_trgm_ops);

CREATE TRIGGER speakers_version BEFORE UPDATE ON speakers
  FOR EACH ROW EXECUTE FUNCTION eventd_bump_version();

-- ---------------------------------------------------------------------------------------
-- Events
-- ---------------------------------------------------------------------------------------
CREATE TABLE events (
  id                     uuid        NOT NULL DEFAULT gen_random_uuid(),
  slug                   text        NOT NULL,
  title                  text        NOT NULL,
  summary                text,
  description            text,
  language               text        NOT NULL DEFAULT 'sv',
  kind                   text        NOT NULL,
  format                 text        NOT NULL,
  status                 text        NOT NULL DEFAULT 'draft',
  timezone               text        NOT NULL,

  -- time: either all_day with starts_on..ends_on (inclusive dates in `timezone`),
  -- or starts_at/ends_at instants
  all_day                boolean     NOT NULL DEFAULT false,
  starts_at              timestamptz,
  ends_at                timestamptz,
  starts_on              date,
  ends_on                date,
  -- the instants the event covers, half-open [start, end). For all-day events: from
  -- midnight of starts_on to midnight after ends_on in the event's own zone. NULL only
  -- when the time columns are inconsistent, which events_time_check then rejects.
  during                 tstzrange GENERATED ALWAYS AS (
    CASE
      WHEN all_day THEN
        CASE WHEN ends_on >= starts_on THEN
          tstzrange(starts_on::timestamp AT TIME ZONE timezone,
                    (ends_on + 1)::timestamp AT TIME ZONE timezone, '[)')
        END
      ELSE
        CASE WHEN ends_at > starts_at THEN tstzrange(starts_at, ends_at, '[)') END
    END) STORED,

  -- venue (required unless format = 'online')
  venue_name             text,
  venue_street           text,
  venue_postal_code      text,
  venue_city             text,
  venue_region           text,
  venue_country          text,      -- ISO 3166-1 alpha-2
  venue_latitude         double precision,
  venue_longitude        double precision,

  -- online
  online_platform        text,
  online_stream_url      text,      -- shown only to callers entitled to it
  online_access          text,

  organiser_id           uuid        NOT NULL,
  series                 text,
  project_name           text,
  project_funder         text,
  audience               text,
  tags                   text[]      NOT NULL DEFAULT '{}',
  capacity               integer,   -- NULL = unlimited
  waitlist               boolean     NOT NULL DEFAULT false,
  registration_opens_at  timestamptz,
  registration_closes_at timestamptz,
  contacts               jsonb       NOT NULL DEFAULT '[]',  -- [{name, role, email, phone}]
  media_policy           text        NOT NULL DEFAULT 'open',

  sequence               integer     NOT NULL DEFAULT 0,  -- iCalendar SEQUENCE, app-managed
  version                bigint      NOT NULL DEFAULT 1,  -- ETag, trigger-managed
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),

  -- search document. programme_text (the sessions' titles and descriptions) and
  -- speaker_names (the names of the sessions' speakers) are kept up to date by the triggers
  -- further down; search_vector / search_text follow as generated columns.
  -- Weights: title A > summary B > description and programme C > speaker names D.
  programme_text         text        NOT NULL DEFAULT '',
  speaker_names          text        NOT NULL DEFAULT '',
  search_vector          tsvector GENERATED ALWAYS AS (
       setweight(to_tsvector('swedish'::regconfig, coalesce(title, '')), 'A')
    || setweight(to_tsvector('swedish'::regconfig, coalesce(summary, '')), 'B')
    || setweight(to_tsvector('swedish'::regconfig, coalesce(description, '')), 'C')
    || setweight(to_tsvector('swedish'::regconfig, programme_text), 'C')
    || setweight(to_tsvector('swedish'::regconfig, speaker_names), 'D')) STORED,
  search_text            text GENERATED ALWAYS AS (
    coalesce(title, '') || ' ' || coalesce(summary, '') || ' ' || coalesce(description, '')
    || ' ' || programme_text || ' ' || speaker_names) STORED,

  CONSTRAINT events_pkey PRIMARY KEY (id),
  CONSTRAINT events_slug_key UNIQUE (slug),
  CONSTRAINT events_slug_check
    CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND char_length(slug) <= 100),
  CONSTRAINT events_title_check CHECK (btrim(title) <> '' AND char_length(title) <= 300),
  CONSTRAINT events_summary_check CHECK (char_length(summary) <= 2000),
  CONSTRAINT events_description_check CHECK (char_length(description) <= 50000),
  CONSTRAINT events_language_check
    CHECK (language ~ '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$' AND char_length(language) <= 35),
  CONSTRAINT events_kind_check
    CHECK (kind IN ('seminar', 'webinar', 'conference', 'study_visit', 'workshop', 'meeting')),
  CONSTRAINT events_format_check CHECK (format IN ('in_person', 'online', 'hybrid')),
  CONSTRAINT events_status_check
    CHECK (status IN ('draft', 'published', 'cancelled', 'postponed')),
  -- shape only; events_timezone trigger below rejects names PostgreSQL does not know
  CONSTRAINT events_timezone_check
    CHECK (timezone ~ '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$'
           AND char_length(timezone) <= 64),
  -- which time columns are set depends on all_day
  CONSTRAINT events_all_day_check CHECK (
    CASE WHEN all_day
      THEN starts_on IS NOT NULL AND ends_on IS NOT NULL AND starts_at IS NULL AND ends_at IS NULL
      ELSE starts_at IS NOT NULL AND ends_at IS NOT NULL AND starts_on IS NULL AND ends_on IS NULL
    END),
  -- end after start (ends_on may equal starts_on: inclusive)
  CONSTRAINT events_time_check CHECK (during IS NOT NULL AND NOT isempty(during)),
  CONSTRAINT events_venue_check
    CHECK (format = 'online' OR venue_name IS NOT NULL OR venue_city IS NOT NULL),
  CONSTRAINT events_venue_country_check CHECK (venue_country ~ '^[A-Z]{2}$'),
  CONSTRAINT events_venue_latitude_check CHECK (venue_latitude BETWEEN -90 AND 90),
  CONSTRAINT events_venue_longitude_check CHECK (venue_longitude BETWEEN -180 AND 180),
  CONSTRAINT events_venue_text_check CHECK (
        char_length(venue_name) <= 300 AND char_length(venue_street) <= 300
    AND char_length(venue_postal_code) <= 20 AND char_length(venue_city) <= 200
    AND char_length(venue_region) <= 200),
  CONSTRAINT events_online_access_check
    CHECK (online_access IN ('public', 'registered', 'on_request')),
  CONSTRAINT events_online_stream_url_check
    CHECK (online_stream_url ~ '^https?://[^[:space:]]+$' AND char_length(online_stream_url) <= 2000),
  CONSTRAINT events_online_platform_check CHECK (char_length(online_platform) <= 200),
  CONSTRAINT events_series_check
    CHECK (series ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND char_length(series) <= 100),
  CONSTRAINT events_project_check
    CHECK ((project_funder IS NULL OR project_name IS NOT NULL)
           AND char_length(project_name) <= 300 AND char_length(project_funder) <= 300),
  CONSTRAINT events_audience_check CHECK (char_length(audience) <= 2000),
  CONSTRAINT events_tags_check
    CHECK (array_position(tags, NULL) IS NULL AND cardinality(tags) <= 50
           AND coalesce(array_ndims(tags), 1) = 1),
  CONSTRAINT events_capacity_check CHECK (capacity >= 0),
  CONSTRAINT events_registration_window_check
    CHECK (registration_closes_at > registration_opens_at),
  CONSTRAINT events_contacts_check CHECK (jsonb_typeof(contacts) = 'array'),
  CONSTRAINT events_media_policy_check CHECK (media_policy IN ('open', 'on_request', 'closed')),
  CONSTRAINT events_sequence_check CHECK (sequence >= 0),
  CONSTRAINT events_organiser_id_fkey FOREIGN KEY (organiser_id)
    REFERENCES organisations (id) ON DELETE RESTRICT
);

-- List order and keyset cursor: ORDER BY lower(during), id
CREATE INDEX events_start_idx ON events ((lower(during)), id);
-- the public list (published, cancelled, postponed) is the common case
CREATE INDEX events_public_start_idx ON events ((lower(during)), id) WHERE status <> 'draft';
-- from/to: events overlapping an interval
CREATE INDEX events_during_idx ON events USING gist (during);
-- equality filters, each ending in the list order so LIMIT stops early
CREATE INDEX events_organiser_idx ON events (organiser_id, (lower(during)), id);
CREATE INDEX events_series_idx ON events (series, (lower(during)), id) WHERE series IS NOT NULL;
CREATE INDEX events_kind_idx ON events (kind, (lower(during)), id);
CREATE INDEX events_format_idx ON events (format, (lower(during)), id);
CREATE INDEX events_status_idx ON events (status, (lower(during)), id);
-- tag: tags @> ARRAY[$1]
CREATE INDEX events_tags_idx ON events USING gin (tags);
-- q: Swedish full text with prefix matching, plus trigram word similarity
CREATE INDEX events_search_vector_idx ON events USING gin (search_vector);
CREATE INDEX events_search_text_trgm_idx ON events USING gin (search_text gin_trgm_ops);

-- Reject time zones PostgreSQL does not know (it ships the IANA database), with a
-- constraint name the app can map. Runs before the generated `during` is computed.
CREATE FUNCTION events_check_timezone() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  BEGIN
    PERFORM now() AT TIME ZONE NEW.timezone;
  EXCEPTION WHEN invalid_parameter_value THEN
    RAISE EXCEPTION 'unknown time zone "%"', NEW.timezone
      USING ERRCODE = 'check_violation', CONSTRAINT = 'events_timezone_check',
            TABLE = 'events', COLUMN = 'timezone';
  END;
  RETURN NEW;
END
$$;

CREATE TRIGGER events_timezone BEFORE INSERT OR UPDATE OF timezone ON events
  FOR EACH ROW EXECUTE FUNCTION events_check_timezone();

CREATE TRIGGER events_version BEFORE UPDATE ON events
  FOR EACH ROW EXECUTE FUNCTION eventd_bump_version('programme_text', 'speaker_names', 'search_vector', 'search_text', 'during');

-- ---------------------------------------------------------------------------------------
-- Partners (co-hosts; no rights)
-- ---------------------------------------------------------------------------------------
CREATE TABLE event_partners (
  event_id        uuid    NOT NULL,
  organisation_id uuid    NOT NULL,
  position        integer NOT NULL DEFAULT 0,   -- display order, as given in partner_ids
  CONSTRAINT event_partners_pkey PRIMARY KEY (event_id, organisation_id),
  CONSTRAINT event_partners_event_id_fkey FOREIGN KEY (event_id)
    REFERENCES events (id) ON DELETE CASCADE,
  CONSTRAINT event_partners_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES organisations (id) ON DELETE RESTRICT
);

-- organiser filter "as organiser or partner", and /v1/organisations/{id}/calendar.ics
CREATE INDEX event_partners_organisation_idx ON event_partners (organisation_id, event_id);

-- ---------------------------------------------------------------------------------------
-- Sessions (programme items)
-- ---------------------------------------------------------------------------------------
CREATE TABLE sessions (
  id          uuid        NOT NULL DEFAULT gen_random_uuid(),
  event_id    uuid        NOT NULL,
  title       text        NOT NULL,
  description text,
  kind        text        NOT NULL DEFAULT 'talk',
  starts_at   timestamptz NOT NULL,
  ends_at     timestamptz NOT NULL,
  during      tstzrange GENERATED ALWAYS AS (
    CASE WHEN ends_at > starts_at THEN tstzrange(starts_at, ends_at, '[)') END) STORED,
  location    text,
  sequence    integer     NOT NULL DEFAULT 0,   -- app-managed, for per-session VEVENTs
  version     bigint      NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT sessions_pkey PRIMARY KEY (id),
  CONSTRAINT sessions_title_check CHECK (btrim(title) <> '' AND char_length(title) <= 300),
  CONSTRAINT sessions_description_check CHECK (char_length(description) <= 20000),
  CONSTRAINT sessions_kind_check
    CHECK (kind IN ('talk', 'panel', 'workshop', 'site_visit', 'break', 'other')),
  CONSTRAINT sessions_time_check CHECK (ends_at > starts_at),
  CONSTRAINT sessions_location_check CHECK (char_length(location) <= 300),
  CONSTRAINT sessions_sequence_check CHECK (sequence >= 0),
  CONSTRAINT sessions_event_id_fkey FOREIGN KEY (event_id)
    REFERENCES events (id) ON DELETE CASCADE
);

-- GET /v1/events/{id}/sessions in time order
CREATE INDEX sessions_event_idx ON sessions (event_id, starts_at, id);

CREATE TRIGGER sessions_version BEFORE UPDATE ON sessions
  FOR EACH ROW EXECUTE FUNCTION eventd_bump_version('during');

-- A session lies within its event. Checked when a session is written; when an event's
-- times change, the app checks its sessions (or moves them) in the same transaction.
CREATE FUNCTION sessions_check_within_event() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  ev tstzrange;
BEGIN
  SELECT e.during INTO ev FROM events e WHERE e.id = NEW.event_id;
  IF FOUND AND NEW.ends_at > NEW.starts_at
     AND NOT tstzrange(NEW.starts_at, NEW.ends_at, '[)') <@ ev THEN
    RAISE EXCEPTION 'session % – % lies outside its event %', NEW.starts_at, NEW.ends_at, ev
      USING ERRCODE = 'check_violation', CONSTRAINT = 'sessions_within_event_check',
            TABLE = 'sessions';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER sessions_within_event BEFORE INSERT OR UPDATE OF starts_at, ends_at, event_id
  ON sessions FOR EACH ROW EXECUTE FUNCTION sessions_check_within_event();

-- ---------------------------------------------------------------------------------------
-- Who speaks in which session. `during` is a copy of the session's [starts_at, ends_at),
-- filled on insert and kept in sync when the session moves (triggers below), so that the
-- exclusion constraint can forbid one speaker in two overlapping sessions — even across
-- events and under concurrent requests. Half-open ranges: back-to-back sessions are fine.
-- ---------------------------------------------------------------------------------------
CREATE TABLE session_speakers (
  session_id uuid      NOT NULL,
  speaker_id uuid      NOT NULL,
  position   integer   NOT NULL DEFAULT 0,     -- display order, as given in speaker_ids
  during     tstzrange NOT NULL,
  CONSTRAINT session_speakers_pkey PRIMARY KEY (session_id, speaker_id),
  CONSTRAINT session_speakers_session_id_fkey FOREIGN KEY (session_id)
    REFERENCES sessions (id) ON DELETE CASCADE,
  CONSTRAINT session_speakers_speaker_id_fkey FOREIGN KEY (speaker_id)
    REFERENCES speakers (id) ON DELETE RESTRICT,
  CONSTRAINT session_speakers_no_overlap
    EXCLUDE USING gist (speaker_id WITH =, during WITH &&)
);
-- (the exclusion constraint's GiST index also serves "sessions of speaker X", e.g. the
-- speaker's calendar feed and GET /v1/events/{id}/speakers joins)

CREATE FUNCTION session_speakers_fill_during() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  SELECT s.during INTO NEW.during FROM sessions s WHERE s.id = NEW.session_id;
  RETURN NEW;   -- a missing session leaves NULL; the FK / NOT NULL then reject the row
END
$$;

CREATE TRIGGER session_speakers_during BEFORE INSERT OR UPDATE OF session_id, during
  ON session_speakers FOR EACH ROW EXECUTE FUNCTION session_speakers_fill_during();

CREATE FUNCTION sessions_sync_speaker_during() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- may raise 23P01 session_speakers_no_overlap: moving a session onto a speaker's other one
  UPDATE session_speakers SET during = NEW.during WHERE session_id = NEW.id;
  RETURN NULL;
END
$$;

CREATE TRIGGER sessions_speaker_during AFTER UPDATE OF starts_at, ends_at ON sessions
  FOR EACH ROW WHEN (OLD.during IS DISTINCT FROM NEW.during)
  EXECUTE FUNCTION sessions_sync_speaker_during();

-- ---------------------------------------------------------------------------------------
-- Search document maintenance: events.programme_text = the titles and descriptions of the
-- event's sessions; events.speaker_names = the distinct names of their speakers. Refreshed
-- when sessions come, go, are retitled or move to another event, when session_speakers
-- rows come and go (including cascades from deleted sessions), and when a speaker is
-- renamed. These UPDATEs do not bump events.version (the API representation is unchanged).
-- ---------------------------------------------------------------------------------------
CREATE FUNCTION events_refresh_search(event_ids uuid[]) RETURNS void
LANGUAGE sql AS $$
  UPDATE events e
     SET programme_text = coalesce((
           SELECT string_agg(s.title || coalesce(' ' || s.description, ''), ' '
                             ORDER BY s.starts_at, s.id)
             FROM sessions s
            WHERE s.event_id = e.id), ''),
         speaker_names = coalesce((
           SELECT string_agg(DISTINCT sp.name, ' ' ORDER BY sp.name)
             FROM sessions s
             JOIN session_speakers ss ON ss.session_id = s.id
             JOIN speakers sp ON sp.id = ss.speaker_id
            WHERE s.event_id = e.id), '')
   WHERE e.id = ANY (event_ids);
$$;

-- statement-level with transition tables: one refresh per statement, not per row

CREATE FUNCTION sessions_refresh_search_stmt() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM events_refresh_search(ARRAY(SELECT DISTINCT event_id FROM changed_rows));
  RETURN NULL;
END
$$;

CREATE TRIGGER sessions_search_ins AFTER INSERT ON sessions
  REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sessions_refresh_search_stmt();
CREATE TRIGGER sessions_search_del AFTER DELETE ON sessions
  REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sessions_refresh_search_stmt();

CREATE FUNCTION sessions_refresh_search_row() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM events_refresh_search(ARRAY[OLD.event_id, NEW.event_id]);
  RETURN NULL;
END
$$;

CREATE TRIGGER sessions_search_upd AFTER UPDATE OF event_id, title, description, starts_at ON sessions
  FOR EACH ROW WHEN (OLD.event_id IS DISTINCT FROM NEW.event_id
                     OR OLD.title IS DISTINCT FROM NEW.title
                     OR OLD.description IS DISTINCT FROM NEW.description
                     OR OLD.starts_at IS DISTINCT FROM NEW.starts_at)
  EXECUTE FUNCTION sessions_refresh_search_row();

CREATE FUNCTION session_speakers_refresh_search() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM events_refresh_search(ARRAY(
    SELECT DISTINCT s.event_id FROM sessions s
     WHERE s.id IN (SELECT session_id FROM changed_rows)));
  RETURN NULL;
END
$$;

CREATE TRIGGER session_speakers_search_ins AFTER INSERT ON session_speakers
  REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION session_speakers_refresh_search();
CREATE TRIGGER session_speakers_search_del AFTER DELETE ON session_speakers
  REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION session_speakers_refresh_search();

CREATE FUNCTION session_speakers_refresh_search_row() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM events_refresh_search(ARRAY(
    SELECT DISTINCT s.event_id FROM sessions s WHERE s.id IN (OLD.session_id, NEW.session_id)));
  RETURN NULL;
END
$$;

-- (updates of `during` or `position` change nothing searchable)
CREATE TRIGGER session_speakers_search_upd AFTER UPDATE OF session_id, speaker_id
  ON session_speakers FOR EACH ROW
  WHEN (OLD.session_id IS DISTINCT FROM NEW.session_id OR OLD.speaker_id IS DISTINCT FROM NEW.speaker_id)
  EXECUTE FUNCTION session_speakers_refresh_search_row();

CREATE FUNCTION speakers_refresh_search() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM events_refresh_search(ARRAY(
    SELECT DISTINCT s.event_id
      FROM session_speakers ss JOIN sessions s ON s.id = ss.session_id
     WHERE ss.speaker_id = NEW.id));
  RETURN NULL;
END
$$;

CREATE TRIGGER speakers_search AFTER UPDATE OF name ON speakers
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
  EXECUTE FUNCTION speakers_refresh_search();

-- ---------------------------------------------------------------------------------------
-- Search helpers for `q`.
--
-- eventd_search_tsquery(q): the words of q, stemmed with the Swedish snowball stemmer
-- (stop words dropped), AND-ed, each as a prefix when it is 3 characters or longer:
--   'partnerskap'       → 'partnerskap':*   (also matches 'partnerskapet', which the
--                                             stemmer leaves alone)
--   'civila samhället'  → 'civil':* & 'samhället':*
-- It builds the tsquery from lexemes, so no input can cause a tsquery syntax error.
-- NULL when q has no searchable word (empty, or only stop words such as 'om i det').
--
-- `$q <% e.search_text` (pg_trgm word similarity ≥ pg_trgm.word_similarity_threshold,
-- default 0.6) is the fallback for other inflections, compounds and typos:
-- 'partnerskapet' finds 'partnerskap', 'samhälle' finds 'civilsamhällets'.
--
-- THE PREDICATE THE APP ADDS FOR GET /v1/events?q=...   ($q = the raw parameter text):
--
--   AND eventd_search_tsquery($q) IS NOT NULL
--   AND (e.search_vector @@ eventd_search_tsquery($q) OR $q <% e.search_text)
--
-- Both arms are served by GIN indexes (BitmapOr of events_search_vector_idx and
-- events_search_text_trgm_idx). Results keep the list order (lower(during), id). If a
-- relevance order is ever wanted: ts_rank(e.search_vector, eventd_search_tsquery($q)).
-- ---------------------------------------------------------------------------------------
CREATE FUNCTION eventd_search_tsquery(q text) RETURNS tsquery
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT string_agg(
           '''' || replace(replace(lexeme, '\', '\\'), '''', '''''') || ''''
             || CASE WHEN char_length(lexeme) >= 3 THEN ':*' ELSE '' END,
           ' & ' ORDER BY lexeme)::tsquery
    FROM unnest(to_tsvector('swedish'::regconfig, left(q, 500)))
$$;

-- For LIKE patterns built from user input (speakers' q):
--   WHERE sp.name ILIKE '%' || eventd_like_escape($q) || '%' OR $q <% sp.name
-- (speakers_name_trgm_idx serves both)
CREATE FUNCTION eventd_like_escape(s text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT replace(replace(replace(s, '\', '\\'), '%', '\%'), '_', '\_')
$$;

-- ---------------------------------------------------------------------------------------
-- GET /v1/events — the list query the repository builds. Only the fragments for filters
-- that are present are appended (all parameterised); no "$n IS NULL OR ..." catch-alls,
-- which would defeat the indexes under a generic plan.
--
--   SELECT e.* FROM events e
--    WHERE <visibility>
--      [AND e.during && tstzrange($from, $to, '[)')]        -- from/to; either may be NULL
--                                                           --   (unbounded); events_during_idx
--      [AND e.kind = $kind]                                 -- events_kind_idx
--      [AND e.format = $format]                             -- events_format_idx
--      [AND e.status = $status]                             -- events_status_idx
--      [AND e.series = $series]                             -- events_series_idx
--      [AND e.tags @> ARRAY[$tag]::text[]]                  -- events_tags_idx
--      [AND e.id IN (SELECT x.id FROM events x WHERE x.organiser_id = $org
--                    UNION ALL
--                    SELECT p.event_id FROM event_partners p WHERE p.organisation_id = $org)]
--                                                           -- organiser or partner
--      [AND eventd_search_tsquery($q) IS NOT NULL
--       AND (e.search_vector @@ eventd_search_tsquery($q) OR $q <% e.search_text)]
--      [AND (lower(e.during), e.id) > ($cursor_start, $cursor_id)]   -- next page
--    ORDER BY lower(e.during), e.id
--    LIMIT $limit + 1                     -- one extra row tells whether there is a next page
--
--   <visibility>:  public caller          e.status <> 'draft'   (matches the partial index
--                                          events_public_start_idx; write it exactly so)
--                  organiser of $own_org  (e.status <> 'draft' OR e.organiser_id = $own_org)
--                  admin                  TRUE
--
-- The cursor is the last row's (lower(during), id), e.g. base64 of
-- "2020-11-26T08:00:00.000000Z|<uuid>" (keep microseconds). Keyset pagination is stable
-- under concurrent inserts: a new row lands before or after the cursor, never shifts pages.
-- Public reads of a single event: WHERE (e.id = $1 OR e.slug = $1) — the app decides
-- which by whether $1 parses as a UUID, and uses events_pkey or events_slug_key.
-- ---------------------------------------------------------------------------------------
