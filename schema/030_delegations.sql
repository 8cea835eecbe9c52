-- 030_delegations.sql — the delegations of a study trip (issue 21).
--
-- A delegation travels together (the Cyprus and Austria delegations of the Östersund visit):
-- a name, a country, a contact person and a seat quota inside the event's capacity. A
-- registration may belong to one delegation of its event. Seats are decided under the event
-- row's lock as before (004): a delegation's quota is one more count read under that lock,
-- and the trigger below holds it in the database as 026 holds the capacity, whoever writes.

CREATE TABLE delegations (
  id                uuid        NOT NULL DEFAULT gen_random_uuid(),
  event_id          uuid        NOT NULL,
  name              text        NOT NULL,
  country           text,
  contact_name      text,
  contact_email     text,
  contact_phone     text,
  quota             integer,          -- NULL: no limit of its own, only the event's capacity
  -- The delegation leader's token (evd_), stored as SHA-256; NULL until one is issued.
  leader_token_hash bytea,
  version           bigint      NOT NULL DEFAULT 1,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT delegations_pkey PRIMARY KEY (id),
  -- what registrations and programme items refer to, so a delegation is always of their event
  CONSTRAINT delegations_id_event_key UNIQUE (id, event_id),
  CONSTRAINT delegations_event_id_fkey FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE,
  CONSTRAINT delegations_name_check CHECK (btrim(name) <> '' AND char_length(name) <= 200),
  CONSTRAINT delegations_country_check CHECK (country ~ '^[A-Z]{2}$'),
  CONSTRAINT delegations_contact_check CHECK (
        char_length(contact_name) <= 200 AND char_length(contact_email) BETWEEN 3 AND 254
    AND char_length(contact_phone) <= 50),
  CONSTRAINT delegations_quota_check CHECK (quota >= 0),
  CONSTRAINT delegations_leader_token_hash_key UNIQUE (leader_token_hash)
);

-- Two delegations of one event are told apart by their names.
CREATE UNIQUE INDEX delegations_name_key ON delegations (event_id, lower(name));

CREATE TRIGGER delegations_version BEFORE UPDATE ON delegations
  FOR EACH ROW EXECUTE FUNCTION eventd_bump_version();

ALTER TABLE registrations ADD COLUMN delegation_id uuid;
-- MATCH SIMPLE: a registration without a delegation is not checked. A delegation with
-- registrations is not deleted under them (409); NO ACTION rather than RESTRICT, checked at the
-- end of the statement, so deleting a whole event (its delegations and registrations go
-- together by their cascades) is no violation.
ALTER TABLE registrations ADD CONSTRAINT registrations_delegation_fkey
  FOREIGN KEY (delegation_id, event_id) REFERENCES delegations (id, event_id) ON DELETE NO ACTION;
-- A delegation's seats, its waitlist in order, and the organiser's list of its registrations.
CREATE INDEX registrations_delegation_idx ON registrations (delegation_id, seq) WHERE delegation_id IS NOT NULL;

-- More confirmed registrations than a delegation's quota are refused, whoever writes; the
-- delegation row is locked so two writers of one delegation count one after the other.
CREATE FUNCTION registrations_check_delegation_quota() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  seats integer;
  taken integer;
BEGIN
  SELECT quota INTO seats FROM delegations WHERE id = NEW.delegation_id FOR NO KEY UPDATE;
  IF seats IS NULL THEN
    RETURN NULL;
  END IF;
  SELECT count(*) INTO taken FROM registrations
   WHERE delegation_id = NEW.delegation_id AND status = 'confirmed';
  IF taken > seats THEN
    RAISE EXCEPTION 'delegation % would have % confirmed registrations for a quota of %',
      NEW.delegation_id, taken, seats
      USING ERRCODE = 'check_violation', CONSTRAINT = 'delegations_quota_held_check';
  END IF;
  RETURN NULL;
END
$$;

-- Only rows that take a delegation's seat: a sign-up without a delegation costs nothing here.
CREATE TRIGGER registrations_delegation_quota AFTER INSERT OR UPDATE OF status, delegation_id ON registrations
  FOR EACH ROW WHEN (NEW.delegation_id IS NOT NULL AND NEW.status = 'confirmed')
  EXECUTE FUNCTION registrations_check_delegation_quota();

-- A quota lowered below the delegation's confirmed registrations is refused the same way.
CREATE FUNCTION delegations_check_quota() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.quota IS NOT NULL AND NEW.quota < (SELECT count(*) FROM registrations
                                             WHERE delegation_id = NEW.id AND status = 'confirmed') THEN
    RAISE EXCEPTION 'delegation % has more confirmed registrations than a quota of %', NEW.id, NEW.quota
      USING ERRCODE = 'check_violation', CONSTRAINT = 'delegations_quota_held_check';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER delegations_quota BEFORE UPDATE OF quota ON delegations
  FOR EACH ROW EXECUTE FUNCTION delegations_check_quota();
