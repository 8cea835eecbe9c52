-- 015_media_request_withdrawn_mail.sql — the event's press contact hears when a journalist
-- withdraws a request (media_request_withdrawn), as they heard of the request itself.

ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_kind_check;
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_kind_check CHECK (kind IN (
  'registration_confirmed', 'registration_waitlisted', 'registration_promoted', 'registration_cancelled',
  'event_changed', 'event_cancelled',
  'media_request_received', 'media_request_approved', 'media_request_rejected', 'media_request_revoked',
  'media_request_withdrawn'));
