-- 028_registration_batches.sql — what a batch of sign-ups writes, written for less.
--
-- 1. New registrations are counted once per statement. A batch of sign-ups now inserts its registrations in one statement
-- (db::insert_registrations). Counted row by row (004, 026), each row updated the event's
-- counts row again: 64 updates of one row for one statement. This trigger counts the
-- statement's new rows per event and updates each event's counts once, with the same check
-- against the event's capacity (026). Changes of status and deletions stay counted row by row.

CREATE FUNCTION registrations_count_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  added record;
  now_confirmed integer;
BEGIN
  -- In the order of the events' ids, so two statements that add to the same events take
  -- their counts rows' locks in the same order.
  FOR added IN
    SELECT n.event_id,
           count(*) FILTER (WHERE n.status = 'confirmed')::int AS confirmed,
           count(*) FILTER (WHERE n.status = 'waitlisted')::int AS waitlisted,
           e.capacity
      FROM new_rows n JOIN events e ON e.id = n.event_id
     GROUP BY n.event_id, e.capacity
     ORDER BY n.event_id
  LOOP
    -- Only additions here: the proposed row of ON CONFLICT never has a negative count.
    INSERT INTO event_registration_counts AS c (event_id, confirmed, waitlisted, version, changed_at)
    VALUES (added.event_id, added.confirmed, added.waitlisted, 1, now())
    ON CONFLICT (event_id) DO UPDATE
      SET confirmed = c.confirmed + added.confirmed,
          waitlisted = c.waitlisted + added.waitlisted,
          version = c.version + 1,
          changed_at = now()
    RETURNING confirmed INTO now_confirmed;
    IF added.confirmed > 0 AND added.capacity IS NOT NULL AND now_confirmed > added.capacity THEN
      RAISE EXCEPTION 'event % would have % confirmed registrations for % seats',
        added.event_id, now_confirmed, added.capacity
        USING ERRCODE = 'check_violation', CONSTRAINT = 'event_registration_counts_capacity_check';
    END IF;
  END LOOP;
  RETURN NULL;
END
$$;

DROP TRIGGER registrations_count ON registrations;
CREATE TRIGGER registrations_count AFTER DELETE OR UPDATE OF status ON registrations
  FOR EACH ROW EXECUTE FUNCTION registrations_count();
CREATE TRIGGER registrations_count_inserted AFTER INSERT ON registrations
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION registrations_count_inserted();

-- 2. Messages are compressed with LZ4 instead of pglz: each sign-up writes a message of a few
-- kilobytes (text, HTML and the invitation) in the batch's transaction, while its event's
-- lock is held, and pglz took half of that insert's time. Where the server was built without
-- LZ4 the column keeps pglz.
DO $$
BEGIN
  ALTER TABLE mail_outbox ALTER COLUMN message SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE 'mail_outbox.message stays compressed with pglz: %', SQLERRM;
END
$$;
