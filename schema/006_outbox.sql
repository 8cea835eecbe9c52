-- 006_outbox.sql — e-mail to participants, journalists and organisers, written in the same
-- transaction as the change that causes it and delivered later by the sender
-- (services/mail_outbox.hpp).
--
-- Nothing twice, with any number of eventd instances: a sender claims due messages with
-- FOR UPDATE SKIP LOCKED and a lease (claimed_until); another sender skips a claimed row
-- until the lease runs out, which is longer than one SMTP exchange may take. The result of
-- an attempt is written only by the claim's holder (claim_token). Each attempt is a row
-- in mail_attempts.

CREATE TABLE mail_outbox (
  id               uuid        NOT NULL DEFAULT gen_random_uuid(),
  seq              bigint      GENERATED ALWAYS AS IDENTITY,
  event_id         uuid,
  registration_id  uuid,
  media_request_id uuid,  -- media requests (005) set this; no foreign key across the two files
  kind             text        NOT NULL,
  language         text        NOT NULL,
  -- Personal data: the recipient and the message. The message (RFC 5322 text without From,
  -- which the sender adds) is dropped once delivered or given up: it may hold a manage token.
  recipient_name   text,
  recipient_email  text,
  subject          text        NOT NULL,
  message          text,
  state            text        NOT NULL DEFAULT 'pending',
  attempts         integer     NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  claimed_until    timestamptz,
  claim_token      uuid,
  last_error       text,
  sent_at          timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),

  CONSTRAINT mail_outbox_pkey PRIMARY KEY (id),
  CONSTRAINT mail_outbox_event_id_fkey FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE,
  CONSTRAINT mail_outbox_registration_id_fkey FOREIGN KEY (registration_id) REFERENCES registrations (id)
    ON DELETE CASCADE,
  CONSTRAINT mail_outbox_kind_check CHECK (kind IN (
    'registration_confirmed', 'registration_waitlisted', 'registration_promoted', 'registration_cancelled',
    'event_changed', 'event_cancelled',
    'media_request_received', 'media_request_approved', 'media_request_rejected')),
  CONSTRAINT mail_outbox_state_check CHECK (state IN ('pending', 'sent', 'failed', 'erased')),
  CONSTRAINT mail_outbox_pending_check CHECK (state <> 'pending' OR (message IS NOT NULL AND recipient_email IS NOT NULL))
);

-- The sender's query: due pending messages in order.
CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at, seq) WHERE state = 'pending';
-- Organisers' lists, newest last.
CREATE INDEX mail_outbox_event_seq_idx ON mail_outbox (event_id, seq);
CREATE INDEX mail_outbox_registration_idx ON mail_outbox (registration_id);

CREATE TABLE mail_attempts (
  message_id  uuid        NOT NULL,
  attempt     integer     NOT NULL,
  started_at  timestamptz NOT NULL,
  finished_at timestamptz NOT NULL DEFAULT now(),
  outcome     text        NOT NULL,
  error       text,

  CONSTRAINT mail_attempts_pkey PRIMARY KEY (message_id, attempt),
  CONSTRAINT mail_attempts_message_id_fkey FOREIGN KEY (message_id) REFERENCES mail_outbox (id) ON DELETE CASCADE,
  CONSTRAINT mail_attempts_outcome_check CHECK (outcome IN ('sent', 'failed'))
);
