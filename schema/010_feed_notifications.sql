-- Rendered calendar feeds are cached in every eventd instance (services/feed_cache.hpp).
-- Any change that can alter a feed is announced on the channel `eventd_feeds`, from triggers,
-- so that changes made through any instance — or by hand in psql — reach every cache.
-- NOTIFY is transactional: listeners hear of a change only once it is committed, and
-- identical payloads of one transaction arrive once.
--
-- Payloads:
--   <event uuid>  that event's feed, and every list feed (public, organisation, speaker), may
--                 have changed: an event, its sessions, their speakers or its partners
--   *             anything may have changed: an organisation or speaker was edited (their
--                 names appear in many feeds), or one statement touched many events
--
-- The session that makes the change also gets the payload at once, as a NOTICE with
-- SQLSTATE EVF01 and the payload as its DETAIL (sent while the statement runs, whatever the
-- session listens to): eventd invalidates its own cache with it right after the COMMIT, so
-- an instance never answers from its cache what it has itself just changed. (Its NOTIFY
-- would reach the instance's listener only moments later.) Sessions with client_min_messages
-- above notice never see these.
--
-- The triggers are per statement, with transition tables, so a bulk load sends one '*'
-- instead of a notification per row.

CREATE FUNCTION eventd_announce_feed_change(payload text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('eventd_feeds', payload);
  RAISE NOTICE USING MESSAGE = 'calendar feeds changed', DETAIL = payload, ERRCODE = 'EVF01';
END
$$;

CREATE FUNCTION eventd_notify_feeds(event_ids uuid[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  event_id uuid;
BEGIN
  IF cardinality(event_ids) = 0 THEN
    RETURN;
  END IF;
  -- many ids are cheaper as one "everything" (and a payload is at most 8000 bytes)
  IF cardinality(event_ids) > 32 THEN
    PERFORM eventd_announce_feed_change('*');
    RETURN;
  END IF;
  FOREACH event_id IN ARRAY event_ids LOOP
    PERFORM eventd_announce_feed_change(event_id::text);
  END LOOP;
END
$$;

-- events: the changed rows' own ids
CREATE FUNCTION events_notify_feeds() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM eventd_notify_feeds(ARRAY(SELECT DISTINCT id FROM changed_rows));
  RETURN NULL;
END
$$;

CREATE TRIGGER events_feeds_ins AFTER INSERT ON events
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION events_notify_feeds();
CREATE TRIGGER events_feeds_upd AFTER UPDATE ON events
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION events_notify_feeds();
CREATE TRIGGER events_feeds_del AFTER DELETE ON events
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION events_notify_feeds();

-- sessions and event_partners: the event they belong to (an UPDATE that moves a session to
-- another event is seen through both tables)
CREATE FUNCTION event_children_notify_feeds() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM eventd_notify_feeds(ARRAY(SELECT DISTINCT event_id FROM changed_rows));
  RETURN NULL;
END
$$;

CREATE FUNCTION event_children_moved_notify_feeds() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM eventd_notify_feeds(ARRAY(SELECT event_id FROM old_rows UNION SELECT event_id FROM new_rows));
  RETURN NULL;
END
$$;

CREATE TRIGGER sessions_feeds_ins AFTER INSERT ON sessions
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION event_children_notify_feeds();
CREATE TRIGGER sessions_feeds_upd AFTER UPDATE ON sessions
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION event_children_moved_notify_feeds();
CREATE TRIGGER sessions_feeds_del AFTER DELETE ON sessions
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION event_children_notify_feeds();

CREATE TRIGGER event_partners_feeds_ins AFTER INSERT ON event_partners
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION event_children_notify_feeds();
CREATE TRIGGER event_partners_feeds_upd AFTER UPDATE ON event_partners
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION event_children_moved_notify_feeds();
CREATE TRIGGER event_partners_feeds_del AFTER DELETE ON event_partners
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION event_children_notify_feeds();

-- session_speakers: the events of the sessions (for a delete cascading from a deleted
-- session the session is gone, but its own trigger has announced the event already)
CREATE FUNCTION session_speakers_notify_feeds() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM eventd_notify_feeds(ARRAY(
    SELECT DISTINCT s.event_id FROM sessions s WHERE s.id IN (SELECT session_id FROM changed_rows)));
  RETURN NULL;
END
$$;

CREATE TRIGGER session_speakers_feeds_ins AFTER INSERT ON session_speakers
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION session_speakers_notify_feeds();
CREATE TRIGGER session_speakers_feeds_upd AFTER UPDATE ON session_speakers
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION session_speakers_notify_feeds();
CREATE TRIGGER session_speakers_feeds_del AFTER DELETE ON session_speakers
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION session_speakers_notify_feeds();

-- organisations and speakers: their names and details appear in many feeds. A new one is in
-- no feed yet, so only updates and deletes count.
CREATE FUNCTION eventd_notify_all_feeds() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM eventd_announce_feed_change('*');
  RETURN NULL;
END
$$;

CREATE TRIGGER organisations_feeds AFTER UPDATE OR DELETE ON organisations
  FOR EACH STATEMENT EXECUTE FUNCTION eventd_notify_all_feeds();
CREATE TRIGGER speakers_feeds AFTER UPDATE OR DELETE ON speakers
  FOR EACH STATEMENT EXECUTE FUNCTION eventd_notify_all_feeds();
