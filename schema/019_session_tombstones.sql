-- 019_session_tombstones.sql — a deleted session stays in the calendars that already hold it.
--
-- A calendar that subscribed to a feed keeps every VEVENT it has seen until the feed says
-- otherwise: a session that simply vanishes from the feed stays in many clients forever. So
-- deleting a session leaves a tombstone with what its VEVENT needs (UID from session_id, the
-- times, title, kind, place, and a raised SEQUENCE), and the feeds render it as
-- STATUS:CANCELLED until its event is over (services/feed_service.cpp reads only the
-- tombstones of events that have not ended).
--
-- A table of its own rather than a status on sessions: the programme API, the speaker clash
-- constraint, the registration choices and the search triggers all read `sessions` and must
-- not see a deleted session as live; here nothing but the feeds reads the tombstones.
--
-- Filled by a trigger, so every way a session is deleted leaves one. A session deleted with
-- its event (the foreign key's cascade) leaves none: the event's own VEVENT is gone too.
-- Existing data: none; sessions deleted before this migration are gone as before.

CREATE TABLE session_tombstones (
  session_id  uuid        NOT NULL,
  event_id    uuid        NOT NULL,
  title       text        NOT NULL,
  kind        text        NOT NULL,
  starts_at   timestamptz NOT NULL,
  ends_at     timestamptz NOT NULL,
  location    text,
  -- the session's sequence + 1: calendars take the cancellation over the copy they hold
  sequence    integer     NOT NULL,
  -- who spoke in it (speaker feeds) and which registrations had chosen it (their personal
  -- feeds), as they were at the deletion; the rows behind them go with the session
  speaker_ids uuid[]      NOT NULL DEFAULT '{}',
  chosen_by   uuid[]      NOT NULL DEFAULT '{}',
  deleted_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT session_tombstones_pkey PRIMARY KEY (session_id),
  CONSTRAINT session_tombstones_sequence_check CHECK (sequence >= 1),
  CONSTRAINT session_tombstones_event_id_fkey FOREIGN KEY (event_id)
    REFERENCES events (id) ON DELETE CASCADE
);

CREATE INDEX session_tombstones_event_idx ON session_tombstones (event_id, starts_at, session_id);
CREATE INDEX session_tombstones_speakers_idx ON session_tombstones USING gin (speaker_ids);

-- BEFORE DELETE: the session's speakers and registration choices are still there (their
-- rows are removed by the foreign keys' cascades, which run after the row is gone).
CREATE FUNCTION sessions_leave_tombstone() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- Inside the cascade of an event's deletion the event row is already gone.
  IF EXISTS (SELECT 1 FROM events e WHERE e.id = OLD.event_id) THEN
    INSERT INTO session_tombstones
      (session_id, event_id, title, kind, starts_at, ends_at, location, sequence, speaker_ids, chosen_by)
    VALUES
      (OLD.id, OLD.event_id, OLD.title, OLD.kind, OLD.starts_at, OLD.ends_at, OLD.location, OLD.sequence + 1,
       ARRAY(SELECT ss.speaker_id FROM session_speakers ss WHERE ss.session_id = OLD.id
             ORDER BY ss.position, ss.speaker_id),
       ARRAY(SELECT rs.registration_id FROM registration_sessions rs WHERE rs.session_id = OLD.id
             ORDER BY rs.registration_id))
    ON CONFLICT (session_id) DO NOTHING;
  END IF;
  RETURN OLD;
END
$$;

CREATE TRIGGER sessions_tombstone BEFORE DELETE ON sessions
  FOR EACH ROW EXECUTE FUNCTION sessions_leave_tombstone();

-- The feeds show tombstones: a change to them is a change of their event's feeds
-- (schema/010). The deletion that writes one announces the event already; this covers
-- tombstones removed or written by hand.
CREATE TRIGGER session_tombstones_feeds_ins AFTER INSERT ON session_tombstones
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION event_children_notify_feeds();
CREATE TRIGGER session_tombstones_feeds_del AFTER DELETE ON session_tombstones
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION event_children_notify_feeds();
