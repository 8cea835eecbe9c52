-- 014_media_feed_rotation.sql — a journalist's personal feed link can be renewed
-- (POST /v1/media-requests/{id}/feed-token), as a participant's can: it carries the stream
-- link, which is not public. The link is derived from the status token and feed_generation
-- (services::media_feed_token_for); renewing it also drops the link the approval e-mail
-- carried, since either may be the one that leaked. The requester's view shows the new link,
-- so the change moves `version` (the trigger of 008 bumps it for any column but
-- mail_feed_token_hash).

ALTER TABLE media_requests ADD COLUMN feed_generation integer NOT NULL DEFAULT 0;
