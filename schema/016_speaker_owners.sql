-- 016_speaker_owners.sql — a speaker record belongs to one organisation, whose organisers
-- manage it and see its private fields (e-mail, phone). organisation_id stays what it was:
-- the organisation the speaker comes from, which need not be the one managing the record.
-- Also: a public photo URL, and speaker clashes counted only in events that are not cancelled.
--
-- Existing rows: a speaker is given the organisation of the events it speaks at. A speaker
-- who speaks at events of several organisations becomes one record per organisation: the
-- original stays with the organisation it comes from when that is one of them (else with the
-- organisation of its earliest event), every other organisation gets a copy (slug
-- "<slug>-<organisation slug>") and its sessions are moved to the copy. A speaker in no
-- session is given the organisation it comes from; without one it has no owner, and only
-- admins manage it until an admin gives it one (no record of the key that created it was kept).

ALTER TABLE speakers ADD COLUMN owner_organisation_id uuid;
ALTER TABLE speakers ADD COLUMN photo_url text;
ALTER TABLE speakers ADD CONSTRAINT speakers_owner_organisation_id_fkey FOREIGN KEY (owner_organisation_id)
  REFERENCES organisations (id) ON DELETE CASCADE;
ALTER TABLE speakers ADD CONSTRAINT speakers_photo_url_check
  CHECK (photo_url ~* '^https?://[^[:space:]]+$' AND char_length(photo_url) <= 2000);
CREATE INDEX speakers_owner_idx ON speakers (owner_organisation_id, name, id);

DO $$
DECLARE
  sp record;
  org record;
  kept boolean;
  org_slug text;
  base text;
  candidate text;
  n integer;
  copy_id uuid;
BEGIN
  FOR sp IN SELECT s.id, s.slug, s.organisation_id FROM speakers s ORDER BY s.created_at, s.id LOOP
    kept := false;
    FOR org IN
      SELECT e.organiser_id AS id, min(e.created_at) AS since
        FROM session_speakers ss JOIN sessions x ON x.id = ss.session_id JOIN events e ON e.id = x.event_id
       WHERE ss.speaker_id = sp.id
       GROUP BY e.organiser_id
       ORDER BY (e.organiser_id IS NOT DISTINCT FROM sp.organisation_id) DESC, since, e.organiser_id
    LOOP
      IF NOT kept THEN
        UPDATE speakers SET owner_organisation_id = org.id WHERE id = sp.id;
        kept := true;
        CONTINUE;
      END IF;
      SELECT o.slug INTO org_slug FROM organisations o WHERE o.id = org.id;
      base := rtrim(left(sp.slug || '-' || org_slug, 96), '-');
      candidate := base;
      n := 1;
      WHILE EXISTS (SELECT 1 FROM speakers WHERE slug = candidate) LOOP
        n := n + 1;
        candidate := base || '-' || n;
      END LOOP;
      INSERT INTO speakers (slug, name, title, affiliation, organisation_id, bio, email, phone,
                            owner_organisation_id, created_at, updated_at)
        SELECT candidate, s.name, s.title, s.affiliation, s.organisation_id, s.bio, s.email, s.phone,
               org.id, s.created_at, now()
          FROM speakers s WHERE s.id = sp.id
        RETURNING id INTO copy_id;
      UPDATE session_speakers SET speaker_id = copy_id
       WHERE speaker_id = sp.id
         AND session_id IN (SELECT x.id FROM sessions x JOIN events e ON e.id = x.event_id
                             WHERE e.organiser_id = org.id);
    END LOOP;
    IF NOT kept THEN
      UPDATE speakers SET owner_organisation_id = sp.organisation_id WHERE id = sp.id;
    END IF;
  END LOOP;
END
$$;

-- A session's speakers are speakers of the organisation that organises its event: one
-- organisation's sessions can never name, and a clash can never reveal, another's records.
CREATE FUNCTION session_speakers_check_owner() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM sessions x JOIN events e ON e.id = x.event_id
                   JOIN speakers sp ON sp.id = NEW.speaker_id
                  WHERE x.id = NEW.session_id AND sp.owner_organisation_id = e.organiser_id) THEN
    -- (the constraint's name in the message too: that is where the service reads it from)
    RAISE EXCEPTION 'new row violates constraint "session_speakers_owner_check": speaker % is not one of the organising organisation''s', NEW.speaker_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'session_speakers_owner_check',
            TABLE = 'session_speakers';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER session_speakers_owner BEFORE INSERT OR UPDATE OF session_id, speaker_id
  ON session_speakers FOR EACH ROW EXECUTE FUNCTION session_speakers_check_owner();

-- The same rule seen from the other two sides: a speaker in sessions keeps its owner, and an
-- event whose programme has speakers keeps its organiser.
CREATE FUNCTION speakers_check_owner_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM session_speakers ss WHERE ss.speaker_id = NEW.id) THEN
    RAISE EXCEPTION 'update violates constraint "speakers_owner_in_sessions_check": speaker % speaks in sessions of its owner', NEW.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'speakers_owner_in_sessions_check',
            TABLE = 'speakers';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER speakers_owner_change BEFORE UPDATE OF owner_organisation_id ON speakers
  FOR EACH ROW WHEN (OLD.owner_organisation_id IS DISTINCT FROM NEW.owner_organisation_id)
  EXECUTE FUNCTION speakers_check_owner_change();

CREATE FUNCTION events_check_organiser_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM sessions x JOIN session_speakers ss ON ss.session_id = x.id
              WHERE x.event_id = NEW.id) THEN
    RAISE EXCEPTION 'update violates constraint "events_speakers_owner_check": event % has speakers of its organiser in its programme', NEW.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'events_speakers_owner_check',
            TABLE = 'events';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER events_organiser_change BEFORE UPDATE OF organiser_id ON events
  FOR EACH ROW WHEN (OLD.organiser_id IS DISTINCT FROM NEW.organiser_id)
  EXECUTE FUNCTION events_check_organiser_change();

-- A cancelled event's sessions no longer hold their speakers' time: `active` follows the
-- event's status, and the exclusion constraint counts active rows only.
ALTER TABLE session_speakers ADD COLUMN active boolean NOT NULL DEFAULT true;
UPDATE session_speakers ss SET active = false
  FROM sessions x JOIN events e ON e.id = x.event_id
 WHERE x.id = ss.session_id AND e.status = 'cancelled';
ALTER TABLE session_speakers DROP CONSTRAINT session_speakers_no_overlap;
ALTER TABLE session_speakers ADD CONSTRAINT session_speakers_no_overlap
  EXCLUDE USING gist (speaker_id WITH =, during WITH &&) WHERE (active);
-- "sessions of speaker X" (feeds, event speakers) used the exclusion constraint's index,
-- which is now partial.
CREATE INDEX session_speakers_speaker_idx ON session_speakers (speaker_id);

CREATE OR REPLACE FUNCTION session_speakers_fill_during() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  SELECT x.during, e.status <> 'cancelled' INTO NEW.during, NEW.active
    FROM sessions x JOIN events e ON e.id = x.event_id WHERE x.id = NEW.session_id;
  NEW.active := coalesce(NEW.active, true);
  RETURN NEW;   -- a missing session leaves NULL; the FK / NOT NULL then reject the row
END
$$;

CREATE FUNCTION events_sync_speaker_active() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- may raise 23P01 session_speakers_no_overlap: an event taken back from cancelled whose
  -- speakers have been booked elsewhere in the meantime
  UPDATE session_speakers ss SET active = (NEW.status <> 'cancelled')
    FROM sessions x WHERE x.id = ss.session_id AND x.event_id = NEW.id;
  RETURN NULL;
END
$$;

CREATE TRIGGER events_speaker_active AFTER UPDATE OF status ON events
  FOR EACH ROW WHEN ((OLD.status = 'cancelled') IS DISTINCT FROM (NEW.status = 'cancelled'))
  EXECUTE FUNCTION events_sync_speaker_active();
