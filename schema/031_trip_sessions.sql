-- 031_trip_sessions.sql — programme items that are places and journeys (issue 21).
--
-- A study trip's programme is not a row of talks in one room: a flight from Larnaca runs on
-- Cyprus time, a visit to Hej Främling! in Östersund on Stockholm time, a dinner and a hotel
-- night have an address, and the Cyprus delegation's flight is not the Austrian's. So a
-- session gains its own zone, a place, the organisations it visits, the kinds of a trip, a
-- transport block for legs, and an audience of delegations (none: everyone).

-- ---------------------------------------------------------------------------------------
-- The session's own zone. NULL: the event's (what every session had before). Its times are
-- instants either way; the zone says how they are read when written without an offset and
-- how they are shown (the representation and the calendars).
-- ---------------------------------------------------------------------------------------
ALTER TABLE sessions ADD COLUMN timezone text;
-- shape only, as events_timezone_check; the trigger below refuses names PostgreSQL does not know
ALTER TABLE sessions ADD CONSTRAINT sessions_timezone_check
  CHECK (timezone ~ '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$' AND char_length(timezone) <= 64);

CREATE FUNCTION sessions_check_timezone() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.timezone IS NOT NULL THEN
    BEGIN
      PERFORM now() AT TIME ZONE NEW.timezone;
    EXCEPTION WHEN invalid_parameter_value THEN
      RAISE EXCEPTION 'unknown time zone "%"', NEW.timezone
        USING ERRCODE = 'check_violation', CONSTRAINT = 'sessions_timezone_check',
              TABLE = 'sessions', COLUMN = 'timezone';
    END;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER sessions_timezone BEFORE INSERT OR UPDATE OF timezone ON sessions
  FOR EACH ROW EXECUTE FUNCTION sessions_check_timezone();

-- ---------------------------------------------------------------------------------------
-- The place: where the item happens, with an address and a point (as an event's venue).
-- `location` stays: a room, or a place told in a few words.
-- ---------------------------------------------------------------------------------------
ALTER TABLE sessions
  ADD COLUMN place_name        text,
  ADD COLUMN place_street      text,
  ADD COLUMN place_postal_code text,
  ADD COLUMN place_city        text,
  ADD COLUMN place_country     text,             -- ISO 3166-1 alpha-2
  ADD COLUMN place_latitude    double precision,
  ADD COLUMN place_longitude   double precision;

ALTER TABLE sessions
  -- a place is found by its name or its city; the rest alone names nothing
  ADD CONSTRAINT sessions_place_check CHECK (
        place_name IS NOT NULL OR place_city IS NOT NULL
     OR num_nonnulls(place_street, place_postal_code, place_country, place_latitude, place_longitude) = 0),
  ADD CONSTRAINT sessions_place_country_check CHECK (place_country ~ '^[A-Z]{2}$'),
  ADD CONSTRAINT sessions_place_latitude_check CHECK (place_latitude BETWEEN -90 AND 90),
  ADD CONSTRAINT sessions_place_longitude_check CHECK (place_longitude BETWEEN -180 AND 180),
  ADD CONSTRAINT sessions_place_coordinates_check CHECK ((place_latitude IS NULL) = (place_longitude IS NULL)),
  ADD CONSTRAINT sessions_place_text_check CHECK (
        char_length(place_name) <= 300 AND char_length(place_street) <= 300
    AND char_length(place_postal_code) <= 20 AND char_length(place_city) <= 200);

-- ---------------------------------------------------------------------------------------
-- The kinds of a trip, beside the six of a conference.
-- ---------------------------------------------------------------------------------------
ALTER TABLE sessions DROP CONSTRAINT sessions_kind_check;
ALTER TABLE sessions ADD CONSTRAINT sessions_kind_check
  CHECK (kind IN ('talk', 'panel', 'workshop', 'site_visit', 'break', 'other',
                  'travel', 'visit', 'meal', 'accommodation', 'free'));

-- ---------------------------------------------------------------------------------------
-- Transport, for a leg (kind travel) only: how, from where to where, with whom, which
-- booking or flight number. Any of it needs the mode.
-- ---------------------------------------------------------------------------------------
ALTER TABLE sessions
  ADD COLUMN transport_mode      text,
  ADD COLUMN transport_from      text,
  ADD COLUMN transport_to        text,
  ADD COLUMN transport_carrier   text,
  ADD COLUMN transport_reference text;

ALTER TABLE sessions
  ADD CONSTRAINT sessions_transport_mode_check
    CHECK (transport_mode IN ('train', 'flight', 'bus', 'coach', 'car', 'ferry', 'walk', 'other')),
  ADD CONSTRAINT sessions_transport_check CHECK (
        num_nonnulls(transport_mode, transport_from, transport_to, transport_carrier, transport_reference) = 0
     OR (kind = 'travel' AND transport_mode IS NOT NULL)),
  ADD CONSTRAINT sessions_transport_text_check CHECK (
        char_length(transport_from) <= 200 AND char_length(transport_to) <= 200
    AND char_length(transport_carrier) <= 200 AND char_length(transport_reference) <= 100);

-- What session_audience refers to, so an audience's delegation is always of the session's event.
ALTER TABLE sessions ADD CONSTRAINT sessions_id_event_key UNIQUE (id, event_id);

-- ---------------------------------------------------------------------------------------
-- The organisations a visit meets (Hej Främling!, The Rocking Pots, the municipality), in
-- display order. An organisation named by a programme is not deleted under it.
-- ---------------------------------------------------------------------------------------
CREATE TABLE session_hosts (
  session_id      uuid    NOT NULL,
  organisation_id uuid    NOT NULL,
  position        integer NOT NULL DEFAULT 0,
  CONSTRAINT session_hosts_pkey PRIMARY KEY (session_id, organisation_id),
  CONSTRAINT session_hosts_session_id_fkey FOREIGN KEY (session_id)
    REFERENCES sessions (id) ON DELETE CASCADE,
  CONSTRAINT session_hosts_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES organisations (id) ON DELETE RESTRICT
);

CREATE INDEX session_hosts_organisation_idx ON session_hosts (organisation_id);

-- ---------------------------------------------------------------------------------------
-- Who an item is for: the delegations named here, or everyone when there is no row (the
-- Cyprus delegation's flight is theirs; the visits are everyone's).
-- ---------------------------------------------------------------------------------------
CREATE TABLE session_audience (
  session_id    uuid NOT NULL,
  event_id      uuid NOT NULL,
  delegation_id uuid NOT NULL,
  CONSTRAINT session_audience_pkey PRIMARY KEY (session_id, delegation_id),
  CONSTRAINT session_audience_session_fkey FOREIGN KEY (session_id, event_id)
    REFERENCES sessions (id, event_id) ON DELETE CASCADE ON UPDATE CASCADE,
  -- A delegation named by a leg cannot vanish and leave the leg for everyone. NO ACTION (not
  -- RESTRICT): it is checked at the end of the statement, so an event deleted with its
  -- delegations and sessions (both cascades of one statement) is not refused halfway.
  CONSTRAINT session_audience_delegation_fkey FOREIGN KEY (delegation_id, event_id)
    REFERENCES delegations (id, event_id) ON DELETE NO ACTION
);

CREATE INDEX session_audience_delegation_idx ON session_audience (delegation_id);

-- ---------------------------------------------------------------------------------------
-- A deleted leg's cancellation is shown only where the leg was shown: the tombstone keeps
-- its audience (and its zone, so the cancelled VEVENT shows the times it showed).
-- ---------------------------------------------------------------------------------------
ALTER TABLE session_tombstones
  ADD COLUMN audience uuid[] NOT NULL DEFAULT '{}',
  ADD COLUMN timezone text;

CREATE OR REPLACE FUNCTION sessions_leave_tombstone() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- Inside the cascade of an event's deletion the event row is already gone.
  IF EXISTS (SELECT 1 FROM events e WHERE e.id = OLD.event_id) THEN
    INSERT INTO session_tombstones
      (session_id, event_id, title, kind, starts_at, ends_at, location, sequence, speaker_ids, chosen_by,
       audience, timezone)
    VALUES
      (OLD.id, OLD.event_id, OLD.title, OLD.kind, OLD.starts_at, OLD.ends_at, OLD.location, OLD.sequence + 1,
       ARRAY(SELECT ss.speaker_id FROM session_speakers ss WHERE ss.session_id = OLD.id
             ORDER BY ss.position, ss.speaker_id),
       ARRAY(SELECT rs.registration_id FROM registration_sessions rs WHERE rs.session_id = OLD.id
             ORDER BY rs.registration_id),
       ARRAY(SELECT sa.delegation_id FROM session_audience sa WHERE sa.session_id = OLD.id
             ORDER BY sa.delegation_id),
       OLD.timezone)
    ON CONFLICT (session_id) DO NOTHING;
  END IF;
  RETURN OLD;
END
$$;

-- ---------------------------------------------------------------------------------------
-- Feeds show hosts (their names in DESCRIPTION) and depend on the audience: a change of
-- either is a change of the event's feeds (schema/010).
-- ---------------------------------------------------------------------------------------
CREATE TRIGGER session_hosts_feeds_ins AFTER INSERT ON session_hosts
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION session_speakers_notify_feeds();
CREATE TRIGGER session_hosts_feeds_upd AFTER UPDATE ON session_hosts
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION session_speakers_notify_feeds();
CREATE TRIGGER session_hosts_feeds_del AFTER DELETE ON session_hosts
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION session_speakers_notify_feeds();

CREATE TRIGGER session_audience_feeds_ins AFTER INSERT ON session_audience
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION event_children_notify_feeds();
CREATE TRIGGER session_audience_feeds_upd AFTER UPDATE ON session_audience
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION event_children_moved_notify_feeds();
CREATE TRIGGER session_audience_feeds_del AFTER DELETE ON session_audience
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION event_children_notify_feeds();
