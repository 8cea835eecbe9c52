-- 021_media_policy_on_request.sql — a new event's media requests wait for an organiser's
-- decision unless the organiser chooses `open`: `open` hands the stream link to whoever asks,
-- so it is a choice to make, not a default to inherit. Existing events keep what they have.
ALTER TABLE events ALTER COLUMN media_policy SET DEFAULT 'on_request';
