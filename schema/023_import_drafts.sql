-- 023_import_drafts.sql — imported events are drafts, and a draft may be incomplete; a file
-- imported again updates the drafts it made.
--
-- 1. A draft may lack its place: a plain Outlook or Google export often has no LOCATION,
--    and such a VEVENT becomes a draft instead of being skipped. What a public event needs
--    (domain::missing_for_publication) is checked when it leaves draft; the database keeps
--    the same rule for every other status. Existing rows all satisfy the old, stricter
--    check, so nothing changes for them.
ALTER TABLE events DROP CONSTRAINT events_venue_check;
ALTER TABLE events ADD CONSTRAINT events_venue_check
  CHECK (status = 'draft' OR format = 'online' OR venue_name IS NOT NULL OR venue_city IS NOT NULL);

-- 2. What an import knew of a VEVENT, per event it made (events.import_uid is the UID):
--    the file's SEQUENCE and LAST-MODIFIED, to tell a newer export from the same one, and
--    the event's `version` when the import last wrote it, to tell whether an organiser has
--    edited the draft since. Its own table, so that none of it moves the event's `version`
--    or needs the events_version trigger redefined. Bookkeeping, not API.
CREATE TABLE event_imports (
  event_id         uuid        NOT NULL,
  sequence         integer     NOT NULL DEFAULT 0,
  last_modified    timestamptz,
  imported_version bigint      NOT NULL,
  imported_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT event_imports_pkey PRIMARY KEY (event_id),
  CONSTRAINT event_imports_event_id_fkey FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE,
  CONSTRAINT event_imports_sequence_check CHECK (sequence >= 0)
);

-- Events imported before this migration: what their file said was not kept. Their creation
-- time stands in for LAST-MODIFIED (the file they came from was modified before it was
-- uploaded, so the same file again is not newer, a later export is), and version 1 is the
-- version an import leaves (its sessions do not move the event's version): a draft edited
-- since has a higher one and is reported as a conflict, never overwritten.
INSERT INTO event_imports (event_id, sequence, last_modified, imported_version, imported_at)
  SELECT id, 0, created_at, 1, created_at FROM events WHERE import_uid IS NOT NULL;
