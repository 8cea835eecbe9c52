-- 007_event_import.sql — events made from an uploaded calendar (POST /v1/events/import)
-- remember the UID they came from, so importing the same file again skips what is there
-- instead of making duplicates. Bookkeeping, not API: it does not move `version`.

ALTER TABLE events ADD COLUMN import_uid text;
ALTER TABLE events ADD CONSTRAINT events_import_uid_check CHECK (char_length(import_uid) BETWEEN 1 AND 1000);
CREATE UNIQUE INDEX events_import_uid_key ON events (organiser_id, import_uid) WHERE import_uid IS NOT NULL;

DROP TRIGGER events_version ON events;
CREATE TRIGGER events_version BEFORE UPDATE ON events
  FOR EACH ROW EXECUTE FUNCTION eventd_bump_version('programme_text', 'speaker_names', 'search_vector', 'search_text',
                                                    'during', 'import_uid');
