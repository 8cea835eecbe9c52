-- 013_media_request_revoked_mail.sql — a journalist whose access an organiser revokes is told
-- by e-mail (media_request_revoked), as they were told of the approval.

ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_kind_check;
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_kind_check CHECK (kind IN (
  'registration_confirmed', 'registration_waitlisted', 'registration_promoted', 'registration_cancelled',
  'event_changed', 'event_cancelled',
  'media_request_received', 'media_request_approved', 'media_request_rejected', 'media_request_revoked'));
