-- 024_people.sql — links a person can open (issue 18): every link a person receives leads
-- to a page (the frontend's or eventd's own), and one person is reached across events by
-- their e-mail address.
--
-- A person is an e-mail address (eventd_address: ASCII lower-cased), nothing more: eventd keeps no account. Who
-- controls the mailbox reaches every registration and media request made with it.
--   person_codes     single-use codes in links (e-mail links, sign-in links), as hashes;
--                    exchanged once for a person session. A code made for a link to an
--                    organisation's own website (organisations.frontend_url) reaches only
--                    that organisation's records (`organisation_id`), so one organisation's
--                    site is never handed a key to the person's records elsewhere.
--   person_sessions  what a code is exchanged for: a bearer token (frontend) or a cookie
--                    (eventd's pages), as a hash, with the same scope.
--   person_feeds     the person's one calendar of everything (token hash); its token in
--                    clear is kept only sealed under the session that made it.
-- DELETE /v1/me removes all three with the records.

-- One canonical address for a person: ASCII letters lower-cased, nothing else. lower()
-- under a Unicode collation folds more (the Kelvin sign to "k"), so another mailbox could be
-- sent a code bound to someone else's address; eventd compares addresses the same way in C++.
CREATE FUNCTION eventd_address(address text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN lower(address COLLATE "C");

CREATE INDEX registrations_address_idx ON registrations (eventd_address(email)) WHERE email IS NOT NULL;
CREATE INDEX media_requests_address_idx ON media_requests (eventd_address(email)) WHERE email IS NOT NULL;

ALTER TABLE organisations ADD COLUMN frontend_url text;
ALTER TABLE organisations ADD CONSTRAINT organisations_frontend_url_check
  CHECK (frontend_url ~ '^https?://[^/?#[:space:]]+(/[^?#[:space:]]*)?$' AND right(frontend_url, 1) <> '/'
         AND char_length(frontend_url) <= 500);

CREATE TABLE person_codes (
  code_hash       bytea       NOT NULL,
  email           text        NOT NULL,
  organisation_id uuid,
  purpose         text        NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL,
  used_at         timestamptz,

  CONSTRAINT person_codes_pkey PRIMARY KEY (code_hash),
  CONSTRAINT person_codes_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES organisations (id) ON DELETE CASCADE,
  CONSTRAINT person_codes_email_check CHECK (email = eventd_address(email) AND char_length(email) BETWEEN 3 AND 254),
  CONSTRAINT person_codes_purpose_check CHECK (purpose IN ('sign_in', 'mail_link'))
);
CREATE INDEX person_codes_email_idx ON person_codes (email, created_at);
CREATE INDEX person_codes_expires_idx ON person_codes (expires_at);

CREATE TABLE person_sessions (
  token_hash        bytea       NOT NULL,
  email             text        NOT NULL,
  organisation_id   uuid,
  created_at        timestamptz NOT NULL DEFAULT now(),
  expires_at        timestamptz NOT NULL,
  -- The person feed's token in clear, sealed under this session's token (services/secrets.hpp):
  -- only the session that made (or renewed) the feed link can show it again.
  sealed_feed_token text,

  CONSTRAINT person_sessions_pkey PRIMARY KEY (token_hash),
  CONSTRAINT person_sessions_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES organisations (id) ON DELETE CASCADE,
  CONSTRAINT person_sessions_email_check CHECK (email = eventd_address(email))
);
CREATE INDEX person_sessions_email_idx ON person_sessions (email);
CREATE INDEX person_sessions_expires_idx ON person_sessions (expires_at);

CREATE TABLE person_feeds (
  email           text        NOT NULL,
  feed_token_hash bytea       NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),

  CONSTRAINT person_feeds_pkey PRIMARY KEY (email),
  CONSTRAINT person_feeds_feed_token_hash_key UNIQUE (feed_token_hash),
  CONSTRAINT person_feeds_email_check CHECK (email = eventd_address(email))
);

ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_kind_check;
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_kind_check CHECK (kind IN (
  'registration_confirmed', 'registration_waitlisted', 'registration_promoted', 'registration_cancelled',
  'registration_link_resent',
  'event_changed', 'event_cancelled',
  'media_request_received', 'media_request_approved', 'media_request_rejected', 'media_request_revoked',
  'media_request_withdrawn',
  'person_sign_in'));
