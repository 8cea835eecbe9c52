-- Lists by organisation and time window through indexes, not scans.
--
-- GET /v1/events?organiser=X&from=...&to=... (and the organisation's calendar feed) asks for
-- the events X organises or partners that overlap a window. Before, the organiser filter
-- fetched every event of X and then dropped those outside the window: the work grew with the
-- organisation's whole history (1,000 events at 100,000 events in all). Now each arm of the
-- filter finds only the window's events, through a GiST index on (organisation, during):
--
--   AND e.id IN (SELECT x.id FROM events x
--                 WHERE x.organiser_id = $org [AND x.during && tstzrange($from, $to, '[)')]
--                UNION ALL
--                SELECT pp.event_id FROM event_partners pp
--                 WHERE pp.organisation_id = $org [AND pp.during && tstzrange($from, $to, '[)')])
--
-- For the partner arm, event_partners keeps a copy of its event's `during` (as
-- session_speakers does of its session's), filled on insert and kept in step when the event
-- moves.

-- Building the indexes and copying the ranges of a big catalogue takes longer than the
-- service's statement_timeout allows a statement.
SET LOCAL statement_timeout = 0;

CREATE INDEX events_organiser_during_idx ON events USING gist (organiser_id, during);

-- A partner's copy of `during` is no change of the event's partners: only who partners, and
-- in which order, bumps the event's version (003_partner_changes_bump_event.sql).
DROP TRIGGER event_partners_bump_event ON event_partners;
CREATE TRIGGER event_partners_bump_event
  AFTER INSERT OR DELETE OR UPDATE OF event_id, organisation_id, position ON event_partners
  FOR EACH ROW EXECUTE FUNCTION event_partners_bump_event();

ALTER TABLE event_partners ADD COLUMN during tstzrange;

UPDATE event_partners p SET during = e.during FROM events e WHERE e.id = p.event_id;

CREATE FUNCTION event_partners_fill_during() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  SELECT e.during INTO NEW.during FROM events e WHERE e.id = NEW.event_id;
  RETURN NEW;
END
$$;

CREATE TRIGGER event_partners_during BEFORE INSERT OR UPDATE OF event_id ON event_partners
  FOR EACH ROW EXECUTE FUNCTION event_partners_fill_during();

CREATE FUNCTION events_sync_partner_during() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE event_partners SET during = NEW.during WHERE event_id = NEW.id;
  RETURN NULL;
END
$$;

CREATE TRIGGER events_partner_during AFTER UPDATE ON events
  FOR EACH ROW WHEN (OLD.during IS DISTINCT FROM NEW.during)
  EXECUTE FUNCTION events_sync_partner_during();

CREATE INDEX event_partners_organisation_during_idx ON event_partners USING gist (organisation_id, during);
