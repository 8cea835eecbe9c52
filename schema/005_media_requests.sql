-- 005_media_requests.sql — journalists' requests for access to an event's stream, and the
-- history of every decision on them.
--
-- The life of a request (domain/media_request.hpp has the rules, the service applies them):
--   pending  → approved | rejected (an organiser; `open` media policy: approved at once)
--   pending  → withdrawn           (the requester)
--   approved → revoked             (an organiser)
--   approved → withdrawn           (the requester)
--   rejected, revoked → approved   (an organiser who changes their mind)
--   withdrawn: final.
-- Only `approved` gives the requester the stream link and a personal feed carrying it.
--
-- Every status change, and the creation, is written to media_request_decisions by the same
-- statement that changes the status (db/media_request_repository.cpp), so the history
-- cannot miss one: who (the requester, an API key, or the event's media policy), when, from
-- which status to which, and the note to the requester.

CREATE TABLE media_requests (
  id                uuid        NOT NULL DEFAULT gen_random_uuid(),
  event_id          uuid        NOT NULL,
  status            text        NOT NULL,
  -- Arrival order, for lists and their cursors.
  seq               bigint      GENERATED ALWAYS AS IDENTITY,
  -- Personal data: NULL once erased (on request or by retention).
  name              text,
  email             text,
  outlet            text,       -- the newsroom, e.g. "Sveriges Radio Ekot"
  phone             text,
  message           text,
  -- The note of the latest decision, shown to the requester (the history keeps them all).
  note              text,
  -- Secrets are kept only as SHA-256 hashes. The feed token is derived from the status
  -- token (services/secrets.hpp derive_secret), so only the requester can be shown it.
  status_token_hash bytea       NOT NULL,
  feed_token_hash   bytea       NOT NULL,
  decided_at        timestamptz,  -- the latest status change after creation
  erased_at         timestamptz,
  erased_reason     text,
  version           bigint      NOT NULL DEFAULT 1,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),

  CONSTRAINT media_requests_pkey PRIMARY KEY (id),
  CONSTRAINT media_requests_event_id_fkey FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE,
  CONSTRAINT media_requests_status_check
    CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn', 'revoked')),
  CONSTRAINT media_requests_status_token_hash_key UNIQUE (status_token_hash),
  CONSTRAINT media_requests_feed_token_hash_key UNIQUE (feed_token_hash),
  CONSTRAINT media_requests_name_check CHECK (char_length(name) BETWEEN 1 AND 200),
  CONSTRAINT media_requests_email_check CHECK (char_length(email) BETWEEN 3 AND 254),
  CONSTRAINT media_requests_outlet_check CHECK (char_length(outlet) BETWEEN 1 AND 200),
  CONSTRAINT media_requests_phone_check CHECK (phone ~ '^\+?[0-9][0-9 ()-]{3,30}$'),
  CONSTRAINT media_requests_message_check CHECK (char_length(message) <= 2000),
  CONSTRAINT media_requests_note_check CHECK (char_length(note) <= 2000),
  CONSTRAINT media_requests_erased_check
    CHECK (erased_at IS NULL OR (name IS NULL AND email IS NULL AND outlet IS NULL AND phone IS NULL
                                 AND message IS NULL)),
  CONSTRAINT media_requests_erased_reason_check CHECK (erased_reason IN ('request', 'retention')),
  CONSTRAINT media_requests_personal_check
    CHECK (erased_at IS NOT NULL OR (name IS NOT NULL AND email IS NOT NULL AND outlet IS NOT NULL))
);

-- One open request (pending or approved) per e-mail address and event, whatever the letter
-- case. A rejected, revoked or withdrawn request frees the address for a new request.
CREATE UNIQUE INDEX media_requests_open_email_key ON media_requests (event_id, lower(email))
  WHERE status IN ('pending', 'approved') AND email IS NOT NULL;
-- An event's requests in arrival order (with a status filter), and an organisation's
-- requests across its events.
CREATE INDEX media_requests_event_seq_idx ON media_requests (event_id, seq);
CREATE INDEX media_requests_status_seq_idx ON media_requests (status, seq);
-- Organisers' export of everything held about one address.
CREATE INDEX media_requests_email_idx ON media_requests (lower(email)) WHERE email IS NOT NULL;

CREATE TRIGGER media_requests_version BEFORE UPDATE ON media_requests
  FOR EACH ROW EXECUTE FUNCTION eventd_bump_version();

-- ---------------------------------------------------------------------------------------
-- The decisions: one row per status change, and one for the creation (from_status NULL).
-- `actor` says who decided: the requester (with the status token), an organiser or admin
-- (api_key_id is then the key; NULL for an admin: the bootstrap key), or the event's media
-- policy (`open`: approved at once).
-- Keys are revoked, never deleted while an organisation has events, so the reference holds.
-- ---------------------------------------------------------------------------------------
CREATE TABLE media_request_decisions (
  id               bigint      GENERATED ALWAYS AS IDENTITY,
  media_request_id uuid        NOT NULL,
  from_status      text,
  to_status        text        NOT NULL,
  actor            text        NOT NULL,
  api_key_id       uuid,
  note             text,
  decided_at       timestamptz NOT NULL DEFAULT now(),

  CONSTRAINT media_request_decisions_pkey PRIMARY KEY (id),
  CONSTRAINT media_request_decisions_media_request_id_fkey FOREIGN KEY (media_request_id)
    REFERENCES media_requests (id) ON DELETE CASCADE,
  CONSTRAINT media_request_decisions_api_key_id_fkey FOREIGN KEY (api_key_id) REFERENCES api_keys (id),
  CONSTRAINT media_request_decisions_from_status_check
    CHECK (from_status IN ('pending', 'approved', 'rejected', 'withdrawn', 'revoked')),
  CONSTRAINT media_request_decisions_to_status_check
    CHECK (to_status IN ('pending', 'approved', 'rejected', 'withdrawn', 'revoked')),
  CONSTRAINT media_request_decisions_actor_check CHECK (actor IN ('requester', 'organiser', 'admin', 'policy')),
  -- An organiser decides with a key; an admin with a key, or with the bootstrap key from the
  -- environment (EVENTD_ADMIN_KEY, which has no row); the requester and the policy without.
  CONSTRAINT media_request_decisions_key_check
    CHECK (CASE actor WHEN 'organiser' THEN api_key_id IS NOT NULL
                      WHEN 'admin' THEN true
                      ELSE api_key_id IS NULL END),
  CONSTRAINT media_request_decisions_note_check CHECK (char_length(note) <= 2000)
);
CREATE INDEX media_request_decisions_request_idx ON media_request_decisions (media_request_id, id);
CREATE INDEX media_request_decisions_api_key_idx ON media_request_decisions (api_key_id) WHERE api_key_id IS NOT NULL;
