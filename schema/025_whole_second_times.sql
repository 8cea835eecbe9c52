-- 025_whole_second_times.sql — the times people type are kept to the second.
--
-- An event's times and registration window and a session's times are read to the second
-- (domain::read_event_time drops a fraction) and shown to the second. A value stored with a
-- fraction before that (`09:00:00.5`) is shown as 09:00:00, so the next PATCH that sends
-- the representation back would move it without anybody asking. Such values are truncated
-- here, as eventd now truncates what it reads.
--
-- Truncating keeps the order of instants, so a session stays within its event (the events
-- go first; nothing checks an event against its sessions) and sessions of one speaker that
-- did not overlap still do not. A pair that truncating would make empty (a start and an end
-- within the same second) is left as it is: the checks (ends after starts) would refuse it.
-- Rows that change get a new `version` (their ETag) and notify the feeds, like any change.

UPDATE events
   SET starts_at = date_trunc('second', starts_at), ends_at = date_trunc('second', ends_at)
 WHERE (starts_at <> date_trunc('second', starts_at) OR ends_at <> date_trunc('second', ends_at))
   AND date_trunc('second', ends_at) > date_trunc('second', starts_at);

UPDATE events
   SET registration_opens_at = date_trunc('second', registration_opens_at),
       registration_closes_at = date_trunc('second', registration_closes_at)
 WHERE (registration_opens_at <> date_trunc('second', registration_opens_at)
        OR registration_closes_at <> date_trunc('second', registration_closes_at))
   AND (registration_opens_at IS NULL OR registration_closes_at IS NULL
        OR date_trunc('second', registration_closes_at) > date_trunc('second', registration_opens_at));

UPDATE sessions
   SET starts_at = date_trunc('second', starts_at), ends_at = date_trunc('second', ends_at)
 WHERE (starts_at <> date_trunc('second', starts_at) OR ends_at <> date_trunc('second', ends_at))
   AND date_trunc('second', ends_at) > date_trunc('second', starts_at);
