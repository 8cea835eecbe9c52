-- 026_capacity_in_database.sql — the database holds an event to its capacity.
--
-- eventd decides seats under the event's row lock (004), now for a batch of sign-ups at a
-- time (services/registration_desk.hpp). The count it decides on is its own arithmetic; this
-- makes the database refuse, whoever writes, a transaction that would leave more confirmed
-- registrations than seats: the counting trigger checks the new count against the event's
-- capacity, and a capacity below the confirmed count is refused when it is set. Both raise
-- check_violation naming event_registration_counts_capacity_check, which eventd reports
-- as a full event (or a capacity too low) and a test provokes with plain SQL.

CREATE OR REPLACE FUNCTION registrations_count() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  event uuid := COALESCE(NEW.event_id, OLD.event_id);
  seats integer;
  now_confirmed integer;
  d_confirmed integer := 0;
  d_waitlisted integer := 0;
BEGIN
  -- Deleting an event deletes its registrations (cascade) after the event row: nothing
  -- is left to count then.
  SELECT capacity INTO seats FROM events WHERE id = event;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    d_confirmed := d_confirmed - (OLD.status = 'confirmed')::int;
    d_waitlisted := d_waitlisted - (OLD.status = 'waitlisted')::int;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    d_confirmed := d_confirmed + (NEW.status = 'confirmed')::int;
    d_waitlisted := d_waitlisted + (NEW.status = 'waitlisted')::int;
  END IF;
  -- UPDATE first: an INSERT's proposed row is checked before ON CONFLICT, and a negative
  -- delta (a row leaving the waitlist) would fail the check there.
  UPDATE event_registration_counts
     SET confirmed = confirmed + d_confirmed,
         waitlisted = waitlisted + d_waitlisted,
         version = version + 1,
         changed_at = now()
   WHERE event_id = event
  RETURNING confirmed INTO now_confirmed;
  IF NOT FOUND THEN
    -- The event's first registration (an INSERT: non-negative deltas).
    INSERT INTO event_registration_counts AS c (event_id, confirmed, waitlisted, version, changed_at)
    VALUES (event, d_confirmed, d_waitlisted, 1, now())
    ON CONFLICT (event_id) DO UPDATE
      SET confirmed = c.confirmed + d_confirmed,
          waitlisted = c.waitlisted + d_waitlisted,
          version = c.version + 1,
          changed_at = now()
    RETURNING confirmed INTO now_confirmed;
  END IF;
  IF d_confirmed > 0 AND seats IS NOT NULL AND now_confirmed > seats THEN
    RAISE EXCEPTION 'event % would have % confirmed registrations for % seats', event, now_confirmed, seats
      USING ERRCODE = 'check_violation', CONSTRAINT = 'event_registration_counts_capacity_check';
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION events_capacity_holds() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  held integer;
BEGIN
  SELECT confirmed INTO held FROM event_registration_counts WHERE event_id = NEW.id;
  IF NEW.capacity IS NOT NULL AND COALESCE(held, 0) > NEW.capacity THEN
    RAISE EXCEPTION 'event % has % confirmed registrations, more than % seats', NEW.id, held, NEW.capacity
      USING ERRCODE = 'check_violation', CONSTRAINT = 'event_registration_counts_capacity_check';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER events_capacity_holds BEFORE UPDATE OF capacity ON events
  FOR EACH ROW WHEN (NEW.capacity IS DISTINCT FROM OLD.capacity AND NEW.capacity IS NOT NULL)
  EXECUTE FUNCTION events_capacity_holds();
