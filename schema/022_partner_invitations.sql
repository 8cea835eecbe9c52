-- 022_partner_invitations.sql — naming another organisation as a partner asks it: the row is
-- a pending invitation until an organiser of the partner (or an admin) accepts or declines.
-- Only accepted partners are shown as partners (partner_ids to everyone but the event's own
-- organisers and admins, the partner's organisation feed, lists filtered by organisation).
--
-- Existing rows were named before partners could answer and have been shown as partners
-- since; they stay shown (accepted, decided_at NULL: nobody answered), and the partner's
-- organisers may decline them like any other.
ALTER TABLE event_partners ADD COLUMN status text NOT NULL DEFAULT 'accepted';
ALTER TABLE event_partners ALTER COLUMN status SET DEFAULT 'pending';
ALTER TABLE event_partners ADD CONSTRAINT event_partners_status_check
  CHECK (status IN ('pending', 'accepted', 'declined'));
ALTER TABLE event_partners ADD COLUMN invited_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE event_partners ADD COLUMN decided_at timestamptz;
ALTER TABLE event_partners ADD CONSTRAINT event_partners_decided_check
  CHECK (status <> 'pending' OR decided_at IS NULL);

-- GET /v1/organisations/{id}/partner-invitations: newest first, per organisation
CREATE INDEX event_partners_invitations_idx ON event_partners (organisation_id, invited_at DESC, event_id);
