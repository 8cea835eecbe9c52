-- 034_travel_data.sql — a traveller's passport details for a study trip (issue 21).
--
-- The hotel and the airline need them; nobody else may see them, and they must not outlive
-- the trip. So they are kept apart from the registration, sealed (authenticated encryption
-- under EVENTD_DATA_KEY, bound to the registration: services/travel_document_service.hpp), never
-- in a list, a feed or a message, and deleted:
--   - with the registration's cancellation or erasure,
--   - by the retention sweep EVENTD_TRAVEL_DATA_DAYS (30) after the trip ended,
--   - with the row of an anonymised registration.

CREATE TABLE travel_documents (
  registration_id uuid        NOT NULL,
  event_id        uuid        NOT NULL,
  -- hex of nonce + ciphertext (services/secrets.hpp seal); nothing readable without the key
  sealed          text        NOT NULL,
  version         bigint      NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT travel_documents_pkey PRIMARY KEY (registration_id),
  CONSTRAINT travel_documents_registration_fkey FOREIGN KEY (registration_id)
    REFERENCES registrations (id) ON DELETE CASCADE,
  CONSTRAINT travel_documents_event_fkey FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE,
  CONSTRAINT travel_documents_sealed_check CHECK (sealed ~ '^[0-9a-f]+$' AND char_length(sealed) <= 8192)
);

CREATE INDEX travel_documents_event_idx ON travel_documents (event_id);

CREATE TRIGGER travel_documents_version BEFORE UPDATE ON travel_documents
  FOR EACH ROW EXECUTE FUNCTION eventd_bump_version();
