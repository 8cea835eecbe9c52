-- 018_registration_link_resent.sql — a second sign-up with an address that is registered
-- already answers 409 with nothing of the registration, and the holder of the address is sent
-- their link again (registration_link_resent).
--
-- The manage token is kept only as its hash, so the e-mail carries a second manage token,
-- made for it and kept, like every token, only as its hash; each resend replaces the previous
-- one, and the first token keeps working. link_resent_at holds repeats back (one e-mail per
-- registration per 15 minutes), so the endpoint cannot flood someone's inbox. Both are
-- bookkeeping, not a visible change of the registration: they do not move `version`.

ALTER TABLE registrations ADD COLUMN resent_token_hash bytea;
ALTER TABLE registrations ADD COLUMN link_resent_at timestamptz;
ALTER TABLE registrations ADD CONSTRAINT registrations_resent_token_hash_key UNIQUE (resent_token_hash);

DROP TRIGGER registrations_version ON registrations;
CREATE TRIGGER registrations_version BEFORE UPDATE ON registrations
  FOR EACH ROW EXECUTE FUNCTION eventd_bump_version('resent_token_hash', 'link_resent_at');

ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_kind_check;
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_kind_check CHECK (kind IN (
  'registration_confirmed', 'registration_waitlisted', 'registration_promoted', 'registration_cancelled',
  'registration_link_resent',
  'event_changed', 'event_cancelled',
  'media_request_received', 'media_request_approved', 'media_request_rejected', 'media_request_revoked',
  'media_request_withdrawn'));
