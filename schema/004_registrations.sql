-- 004_registrations.sql — participants' registrations, their counts per event, and the
-- answers kept for Idempotency-Key retries.
--
-- How capacity stays exact with any number of requests and eventd instances: every
-- transaction that may change who holds a seat (register, cancel, change capacity) first
-- locks the event row (SELECT ... FOR NO KEY UPDATE; a PATCH of the event takes FOR UPDATE).
-- Seat decisions are therefore serialised per event, and the counts below, which a trigger
-- keeps in step with every registration row change, are read under that lock.

CREATE TABLE registrations (
  id                uuid        NOT NULL DEFAULT gen_random_uuid(),
  event_id          uuid        NOT NULL,
  status            text        NOT NULL,
  -- Arrival order: taken under the event lock, so it grows with arrival within an event.
  -- The waitlist position is the number of waitlisted rows of the event with seq <= this.
  seq               bigint      GENERATED ALWAYS AS IDENTITY,
  -- Personal data: NULL once erased (on request or by retention).
  name              text,
  email             text,
  organisation      text,
  country           text,
  needs             text,
  consent_at        timestamptz NOT NULL,
  -- Secrets are kept only as SHA-256 hashes. The feed token is derived from the manage
  -- token and feed_generation (services/secrets.hpp), so rotating it needs no new secret.
  manage_token_hash bytea       NOT NULL,
  feed_token_hash   bytea       NOT NULL,
  feed_generation   integer     NOT NULL DEFAULT 0,
  confirmed_at      timestamptz,
  cancelled_at      timestamptz,
  erased_at         timestamptz,
  erased_reason     text,
  version           bigint      NOT NULL DEFAULT 1,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),

  CONSTRAINT registrations_pkey PRIMARY KEY (id),
  CONSTRAINT registrations_event_id_fkey FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE,
  CONSTRAINT registrations_status_check CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
  CONSTRAINT registrations_manage_token_hash_key UNIQUE (manage_token_hash),
  CONSTRAINT registrations_feed_token_hash_key UNIQUE (feed_token_hash),
  CONSTRAINT registrations_name_check CHECK (char_length(name) BETWEEN 1 AND 200),
  CONSTRAINT registrations_email_check CHECK (char_length(email) BETWEEN 3 AND 254),
  CONSTRAINT registrations_organisation_check CHECK (char_length(organisation) <= 200),
  CONSTRAINT registrations_country_check CHECK (country ~ '^[A-Z]{2}$'),
  CONSTRAINT registrations_needs_check CHECK (char_length(needs) <= 2000),
  CONSTRAINT registrations_erased_check
    CHECK (erased_at IS NULL OR (name IS NULL AND email IS NULL AND organisation IS NULL
                                 AND country IS NULL AND needs IS NULL)),
  CONSTRAINT registrations_erased_reason_check CHECK (erased_reason IN ('request', 'retention')),
  CONSTRAINT registrations_personal_check CHECK (erased_at IS NOT NULL OR (name IS NOT NULL AND email IS NOT NULL))
);

-- One live registration per e-mail address and event, whatever the letter case; a cancelled
-- registration frees the address so the person may register again.
CREATE UNIQUE INDEX registrations_email_key ON registrations (event_id, lower(email))
  WHERE status <> 'cancelled' AND email IS NOT NULL;
-- Lists (in arrival order), the waitlist, and promotions in order.
CREATE INDEX registrations_event_seq_idx ON registrations (event_id, seq);
CREATE INDEX registrations_waitlist_idx ON registrations (event_id, seq) WHERE status = 'waitlisted';
-- Organisers' export of everything held about one address.
CREATE INDEX registrations_email_idx ON registrations (lower(email)) WHERE email IS NOT NULL;
-- Organisers' q filter over name, e-mail and organisation.
CREATE INDEX registrations_search_trgm_idx ON registrations
  USING gin ((coalesce(name, '') || ' ' || coalesce(email, '') || ' ' || coalesce(organisation, '')) gin_trgm_ops);

CREATE TRIGGER registrations_version BEFORE UPDATE ON registrations
  FOR EACH ROW EXECUTE FUNCTION eventd_bump_version();

-- Which programme items a participant chose (none chosen: the whole event).
CREATE TABLE registration_sessions (
  registration_id uuid NOT NULL,
  session_id      uuid NOT NULL,
  CONSTRAINT registration_sessions_pkey PRIMARY KEY (registration_id, session_id),
  CONSTRAINT registration_sessions_registration_id_fkey FOREIGN KEY (registration_id)
    REFERENCES registrations (id) ON DELETE CASCADE,
  CONSTRAINT registration_sessions_session_id_fkey FOREIGN KEY (session_id)
    REFERENCES sessions (id) ON DELETE CASCADE
);
CREATE INDEX registration_sessions_session_idx ON registration_sessions (session_id);

-- ---------------------------------------------------------------------------------------
-- Counts per event, kept by a trigger so that no code path can forget them. `changed_at`
-- and `version` move with every change, so the event's ETag and Last-Modified follow its
-- counts without touching the event row (whose version drives calendar SEQUENCE and feeds).
-- ---------------------------------------------------------------------------------------
CREATE TABLE event_registration_counts (
  event_id   uuid        NOT NULL,
  confirmed  integer     NOT NULL DEFAULT 0,
  waitlisted integer     NOT NULL DEFAULT 0,
  version    bigint      NOT NULL DEFAULT 0,
  changed_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT event_registration_counts_pkey PRIMARY KEY (event_id),
  CONSTRAINT event_registration_counts_event_id_fkey FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE,
  CONSTRAINT event_registration_counts_check CHECK (confirmed >= 0 AND waitlisted >= 0)
);

CREATE FUNCTION registrations_count() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  event uuid := COALESCE(NEW.event_id, OLD.event_id);
  d_confirmed integer := 0;
  d_waitlisted integer := 0;
BEGIN
  -- Deleting an event deletes its registrations (cascade) after the event row: nothing
  -- is left to count then.
  PERFORM 1 FROM events WHERE id = event;
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
   WHERE event_id = event;
  IF NOT FOUND THEN
    -- The event's first registration (an INSERT: non-negative deltas).
    INSERT INTO event_registration_counts AS c (event_id, confirmed, waitlisted, version, changed_at)
    VALUES (event, d_confirmed, d_waitlisted, 1, now())
    ON CONFLICT (event_id) DO UPDATE
      SET confirmed = c.confirmed + d_confirmed,
          waitlisted = c.waitlisted + d_waitlisted,
          version = c.version + 1,
          changed_at = now();
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER registrations_count AFTER INSERT OR DELETE OR UPDATE OF status ON registrations
  FOR EACH ROW EXECUTE FUNCTION registrations_count();

-- ---------------------------------------------------------------------------------------
-- Idempotency-Key: the first answer to a POST, returned to retries with the same key and
-- body. The answer contains the participant's token, so it is stored encrypted with a key
-- derived from the Idempotency-Key and the body (which only the client holds); the
-- database alone cannot read it. Kept for 24 hours.
-- ---------------------------------------------------------------------------------------
CREATE TABLE idempotency_keys (
  scope        text        NOT NULL,  -- method and path, e.g. "POST /v1/events/<uuid>/registrations"
  key_hash     bytea       NOT NULL,
  request_hash bytea       NOT NULL,
  status       integer     NOT NULL,
  response     bytea       NOT NULL,  -- nonce + secretbox ciphertext of the answer
  created_at   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT idempotency_keys_pkey PRIMARY KEY (scope, key_hash)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
