-- 017_idempotency_record.sql — a stored Idempotency-Key answer is linked to the record it
-- created, so erasing that registration or media request (?erase=true) also drops the
-- answer, which holds the erased name, e-mail address and token (services/idempotency.hpp).
--
-- After an erasure the row stays as a tombstone for the rest of its 24 hours: status 410,
-- no answer, no request hash (a hash of the body could confirm a guessed name and address),
-- so a late retry of the same key is told the record was erased instead of registering the
-- person again.
--
-- Rows stored before this migration have no link (record_id NULL, status <> 0). They cannot
-- be matched to a record (the sealed answer is unreadable without the client's key), so an
-- erasure drops every unlinked answer of its kind of route (registrations or media requests);
-- they would expire within 24 hours anyway, and a dropped one only means a retry is treated
-- as a new request.

ALTER TABLE idempotency_keys ADD COLUMN record_id uuid;
CREATE INDEX idempotency_keys_record_idx ON idempotency_keys (record_id) WHERE record_id IS NOT NULL;
