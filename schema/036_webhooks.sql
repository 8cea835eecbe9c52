-- 036_webhooks.sql — webhooks an integrator can trust (issue 22).
--
-- An organisation subscribes URLs to the changes of its records. Each change is a message
-- written in the transaction of the change (so a change that rolls back sends nothing and
-- one that commits is never lost), with one delivery per subscription it matches; a sender
-- that any number of instances share claims due deliveries as the mail outbox's does (006:
-- FOR UPDATE SKIP LOCKED, a lease, the attempt written only by the claim's holder), signs
-- them (Standard Webhooks) and records each attempt. Deliveries of one resource to one
-- subscription go out in the order of its changes: a later one waits while an earlier one
-- is pending.

CREATE TABLE webhook_subscriptions (
  id                     uuid        NOT NULL DEFAULT gen_random_uuid(),
  organisation_id        uuid        NOT NULL,
  url                    text        NOT NULL,
  event_types            text[]      NOT NULL DEFAULT '{}',  -- empty: every type
  description            text,
  enabled                boolean     NOT NULL DEFAULT true,
  -- Why the sender turned it off: 'gone' (the receiver answered 410), 'failing' (a delivery
  -- failed for good). NULL while enabled or when its organiser turned it off.
  disabled_reason        text,
  -- The signing secret (whsec_...), sealed under EVENTD_DATA_KEY bound to the subscription
  -- (services/secrets.hpp seal): it must be read back to sign, so it cannot be a hash.
  secret_sealed          text        NOT NULL,
  -- After a rotation the old secret signs beside the new one until this time.
  previous_secret_sealed text,
  previous_secret_until  timestamptz,
  version                bigint      NOT NULL DEFAULT 1,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT webhook_subscriptions_pkey PRIMARY KEY (id),
  CONSTRAINT webhook_subscriptions_organisation_fkey FOREIGN KEY (organisation_id)
    REFERENCES organisations (id) ON DELETE CASCADE,
  CONSTRAINT webhook_subscriptions_url_check CHECK (char_length(url) BETWEEN 8 AND 2000),
  CONSTRAINT webhook_subscriptions_description_check CHECK (char_length(description) <= 500),
  CONSTRAINT webhook_subscriptions_event_types_check CHECK (cardinality(event_types) <= 100),
  CONSTRAINT webhook_subscriptions_disabled_reason_check CHECK (disabled_reason IN ('gone', 'failing'))
);
CREATE INDEX webhook_subscriptions_organisation_idx ON webhook_subscriptions (organisation_id, created_at);
CREATE TRIGGER webhook_subscriptions_version BEFORE UPDATE ON webhook_subscriptions
  FOR EACH ROW EXECUTE FUNCTION eventd_bump_version();

-- One change of one resource. `data` is the resource as its route returns it to its
-- organiser (JSON text); the body sent is {"type", "timestamp", "sequence", "data"} composed
-- from these columns, so a retry or a replay sends the same bytes. `data` is dropped when the
-- personal data it holds is erased.
CREATE TABLE webhook_messages (
  id              uuid        NOT NULL DEFAULT gen_random_uuid(),
  seq             bigint      GENERATED ALWAYS AS IDENTITY,
  organisation_id uuid        NOT NULL,
  type            text        NOT NULL,
  resource_key    text        NOT NULL,  -- e.g. registration/<id>: the order is kept per resource
  data            text,
  created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  CONSTRAINT webhook_messages_pkey PRIMARY KEY (id),
  CONSTRAINT webhook_messages_seq_key UNIQUE (seq),
  CONSTRAINT webhook_messages_organisation_fkey FOREIGN KEY (organisation_id)
    REFERENCES organisations (id) ON DELETE CASCADE
);
CREATE INDEX webhook_messages_resource_idx ON webhook_messages (resource_key);
CREATE INDEX webhook_messages_created_idx ON webhook_messages (created_at);

CREATE TABLE webhook_deliveries (
  id              uuid        NOT NULL DEFAULT gen_random_uuid(),
  seq             bigint      GENERATED ALWAYS AS IDENTITY,
  message_id      uuid        NOT NULL,
  subscription_id uuid        NOT NULL,
  resource_key    text        NOT NULL,
  -- pending → delivered | failed (given up) | discarded (its data was erased first)
  state           text        NOT NULL DEFAULT 'pending',
  attempts        integer     NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  claimed_until   timestamptz,
  claim_token     uuid,
  last_status     integer,
  last_error      text,
  delivered_at    timestamptz,
  replay_of       uuid,  -- a delivery made again on request
  created_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT webhook_deliveries_pkey PRIMARY KEY (id),
  CONSTRAINT webhook_deliveries_seq_key UNIQUE (seq),
  CONSTRAINT webhook_deliveries_message_fkey FOREIGN KEY (message_id)
    REFERENCES webhook_messages (id) ON DELETE CASCADE,
  CONSTRAINT webhook_deliveries_subscription_fkey FOREIGN KEY (subscription_id)
    REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
  CONSTRAINT webhook_deliveries_state_check CHECK (state IN ('pending', 'delivered', 'failed', 'discarded'))
);
-- The sender's query, and what waits behind an earlier delivery of the same resource.
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at, seq) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_order_idx ON webhook_deliveries (subscription_id, resource_key, seq)
  WHERE state = 'pending';
-- A subscription's delivery log, newest first.
CREATE INDEX webhook_deliveries_subscription_idx ON webhook_deliveries (subscription_id, seq);
CREATE INDEX webhook_deliveries_message_idx ON webhook_deliveries (message_id);

CREATE TABLE webhook_attempts (
  delivery_id      uuid        NOT NULL,
  attempt          integer     NOT NULL,
  started_at       timestamptz NOT NULL,
  finished_at      timestamptz NOT NULL DEFAULT now(),
  outcome          text        NOT NULL,
  status           integer,
  latency_ms       integer     NOT NULL,
  response_snippet text,
  error            text,
  CONSTRAINT webhook_attempts_pkey PRIMARY KEY (delivery_id, attempt),
  CONSTRAINT webhook_attempts_delivery_fkey FOREIGN KEY (delivery_id)
    REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
  CONSTRAINT webhook_attempts_outcome_check CHECK (outcome IN ('delivered', 'failed', 'refused'))
);
