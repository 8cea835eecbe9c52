-- When a speaker's programme last changed: a session added to or removed from the speaker
-- (also by deleting the session). A speaker feed's Last-Modified must move when a session
-- leaves it, and the sessions still in it cannot say so. Kept apart from `speakers` so that
-- this bookkeeping neither bumps the speaker's version nor announces '*' to every feed cache
-- (the session_speakers triggers of 010 announce the events concerned).
CREATE TABLE speaker_programme_changes (
  speaker_id uuid        NOT NULL,
  changed_at timestamptz NOT NULL,
  CONSTRAINT speaker_programme_changes_pkey PRIMARY KEY (speaker_id),
  CONSTRAINT speaker_programme_changes_speaker_id_fkey FOREIGN KEY (speaker_id)
    REFERENCES speakers (id) ON DELETE CASCADE
);

CREATE FUNCTION speaker_programme_note_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- a speaker with sessions cannot be deleted (RESTRICT), so every id still exists
  INSERT INTO speaker_programme_changes (speaker_id, changed_at)
    SELECT DISTINCT speaker_id, now() FROM changed_rows
  ON CONFLICT (speaker_id) DO UPDATE SET changed_at = EXCLUDED.changed_at;
  RETURN NULL;
END
$$;

CREATE TRIGGER session_speakers_programme_ins AFTER INSERT ON session_speakers
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION speaker_programme_note_change();
CREATE TRIGGER session_speakers_programme_del AFTER DELETE ON session_speakers
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION speaker_programme_note_change();
