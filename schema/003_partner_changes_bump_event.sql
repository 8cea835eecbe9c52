-- An event's partners are part of its representation, so changing them must change the
-- event's ETag (version). The version trigger now also honours an explicit bump.
CREATE OR REPLACE FUNCTION eventd_bump_version() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  ignored text[] := ARRAY['version', 'updated_at'] || TG_ARGV::text[];
BEGIN
  IF NEW.version > OLD.version
     OR (to_jsonb(NEW) - ignored) IS DISTINCT FROM (to_jsonb(OLD) - ignored) THEN
    NEW.version := OLD.version + 1;
  ELSE
    NEW.version := OLD.version;
  END IF;
  RETURN NEW;
END
$$;

CREATE FUNCTION event_partners_bump_event() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- AFTER and per statement-row: when the event itself is being deleted this finds no row.
  UPDATE events SET version = version + 1
   WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.event_id ELSE NEW.event_id END;
  RETURN NULL;
END
$$;

CREATE TRIGGER event_partners_bump_event AFTER INSERT OR UPDATE OR DELETE ON event_partners
  FOR EACH ROW EXECUTE FUNCTION event_partners_bump_event();
