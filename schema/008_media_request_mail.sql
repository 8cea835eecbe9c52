-- 008_media_request_mail.sql — media requests send e-mail (services/mail_outbox.hpp).
--
-- The approval e-mail carries the journalist's personal feed link. The feed token the
-- requester is shown is derived from the status token, which the service knows in clear only
-- while the request is being created; an organiser approving later does not have it. So the
-- first organiser's approval makes a second feed token for the e-mail, kept, like every
-- token, only as its hash: either token opens the same feed. It is bookkeeping, not a
-- visible change of the request: it does not move `version`.

ALTER TABLE media_requests ADD COLUMN mail_feed_token_hash bytea;
ALTER TABLE media_requests ADD CONSTRAINT media_requests_mail_feed_token_hash_key UNIQUE (mail_feed_token_hash);

DROP TRIGGER media_requests_version ON media_requests;
CREATE TRIGGER media_requests_version BEFORE UPDATE ON media_requests
  FOR EACH ROW EXECUTE FUNCTION eventd_bump_version('mail_feed_token_hash');

-- A media request's messages, for erasing them with the request's personal data.
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_media_request_id_fkey FOREIGN KEY (media_request_id)
  REFERENCES media_requests (id) ON DELETE CASCADE;
CREATE INDEX mail_outbox_media_request_idx ON mail_outbox (media_request_id);
