-- 035_delegation_feeds.sql — a delegation leader's calendar (issue 21).
--
-- The leader of a delegation follows its itinerary: everyone's items, the delegation's own legs
-- and its tasks. A calendar app cannot send an Authorization header, so the feed has its own
-- token in its URL (evl_), derived from the leader token (services/secrets.hpp derive_secret):
-- the leader can be shown it again, a new leader token replaces both, and the feed link, which
-- ends up in calendar apps and their sync logs, gives no power to change anything.

ALTER TABLE delegations ADD COLUMN leader_feed_hash bytea;
ALTER TABLE delegations ADD CONSTRAINT delegations_leader_feed_hash_key UNIQUE (leader_feed_hash);
