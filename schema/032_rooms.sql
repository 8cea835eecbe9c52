-- 032_rooms.sql — the rooms of a study trip and who sleeps in them which night (issue 21).
--
-- A room is booked at a hotel for a range of nights (a night is the date it begins: the
-- nights 2035-09-03 and 2035-09-04 are checked in on the 3rd and out on the 5th). A
-- confirmed registration of the event is given a bed in a room for some of its nights.
-- Two rules hold whoever writes:
--  * nobody has two beds the same night: an exclusion constraint over the registration's
--    ranges of nights, across every room;
--  * a room never holds more people a night than its beds: a trigger that counts per night
--    while it holds the room row's lock, so two writers of one room count one after the other.
-- A registration that stops holding a seat (cancelled) gives its beds back: a trigger on
-- registrations deletes its assignments in the same transaction.

-- What room_assignments refer to, so an assignment's registration is always of its event.
ALTER TABLE registrations ADD CONSTRAINT registrations_id_event_key UNIQUE (id, event_id);

CREATE TABLE rooms (
  id          uuid        NOT NULL DEFAULT gen_random_uuid(),
  event_id    uuid        NOT NULL,
  name        text        NOT NULL,  -- as the hotel calls it: "412"
  hotel       text        NOT NULL,  -- the hotel's name
  beds        integer     NOT NULL,
  first_night date        NOT NULL,
  last_night  date        NOT NULL,
  version     bigint      NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT rooms_pkey PRIMARY KEY (id),
  CONSTRAINT rooms_id_event_key UNIQUE (id, event_id),
  CONSTRAINT rooms_event_id_fkey FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE,
  CONSTRAINT rooms_name_check CHECK (btrim(name) <> '' AND char_length(name) <= 50),
  CONSTRAINT rooms_hotel_check CHECK (btrim(hotel) <> '' AND char_length(hotel) <= 200),
  CONSTRAINT rooms_beds_check CHECK (beds BETWEEN 1 AND 100),
  -- The span is bounded so that a rooming list stays a list (domain::kMaxRoomNights).
  CONSTRAINT rooms_nights_check CHECK (first_night <= last_night AND last_night - first_night < 90)
);

-- Two rooms of one hotel in one event are told apart by their names.
CREATE UNIQUE INDEX rooms_name_key ON rooms (event_id, lower(hotel), lower(name));

CREATE TRIGGER rooms_version BEFORE UPDATE ON rooms
  FOR EACH ROW EXECUTE FUNCTION eventd_bump_version();

CREATE TABLE room_assignments (
  id              uuid        NOT NULL DEFAULT gen_random_uuid(),
  event_id        uuid        NOT NULL,
  room_id         uuid        NOT NULL,
  registration_id uuid        NOT NULL,
  first_night     date        NOT NULL,
  last_night      date        NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT room_assignments_pkey PRIMARY KEY (id),
  -- A room deleted takes its assignments along (the service refuses while there are any);
  -- an event deleted takes both.
  CONSTRAINT room_assignments_room_fkey FOREIGN KEY (room_id, event_id)
    REFERENCES rooms (id, event_id) ON DELETE CASCADE,
  CONSTRAINT room_assignments_registration_fkey FOREIGN KEY (registration_id, event_id)
    REFERENCES registrations (id, event_id) ON DELETE CASCADE,
  CONSTRAINT room_assignments_nights_check CHECK (first_night <= last_night),
  -- Nobody has two beds the same night, in one room or two (btree_gist: schema/001).
  CONSTRAINT room_assignments_one_bed_excl EXCLUDE USING gist (
    registration_id WITH =, daterange(first_night, last_night, '[]') WITH &&)
);

-- A room's occupants, and the rooming list night by night.
CREATE INDEX room_assignments_room_idx ON room_assignments (room_id, first_night);

-- An assignment stays inside its room's nights, and the room has a bed for it every night.
-- The room row is locked first, so assignments of one room are counted one writer at a time.
CREATE FUNCTION room_assignments_check_room() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  room rooms%ROWTYPE;
  crowded date;
BEGIN
  SELECT * INTO room FROM rooms WHERE id = NEW.room_id FOR NO KEY UPDATE;
  IF NEW.first_night < room.first_night OR NEW.last_night > room.last_night THEN
    RAISE EXCEPTION 'assignment % outside the nights of room %', NEW.id, NEW.room_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'room_assignments_within_room_check';
  END IF;
  SELECT n::date INTO crowded
    FROM generate_series(NEW.first_night, NEW.last_night, interval '1 day') n
   WHERE (SELECT count(*) FROM room_assignments a
           WHERE a.room_id = NEW.room_id AND n::date BETWEEN a.first_night AND a.last_night) > room.beds
   ORDER BY n LIMIT 1;
  IF crowded IS NOT NULL THEN
    -- The night ends the message: the repository names it to the client.
    RAISE EXCEPTION 'room % has more people than its % beds on the night of %', NEW.room_id, room.beds,
      to_char(crowded, 'YYYY-MM-DD')
      USING ERRCODE = 'check_violation', CONSTRAINT = 'room_assignments_beds_check';
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER room_assignments_room AFTER INSERT OR UPDATE ON room_assignments
  FOR EACH ROW EXECUTE FUNCTION room_assignments_check_room();

-- A room's nights or beds changed under its assignments: refused the same way (the service
-- checks first and names the night; this holds it for any writer).
CREATE FUNCTION rooms_check_assignments() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  outside date;
  crowded date;
BEGIN
  SELECT min(n::date) INTO outside
    FROM room_assignments a, generate_series(a.first_night, a.last_night, interval '1 day') n
   WHERE a.room_id = NEW.id AND (n::date < NEW.first_night OR n::date > NEW.last_night);
  IF outside IS NOT NULL THEN
    RAISE EXCEPTION 'room % has people assigned on the night of %', NEW.id, to_char(outside, 'YYYY-MM-DD')
      USING ERRCODE = 'check_violation', CONSTRAINT = 'rooms_nights_held_check';
  END IF;
  SELECT n::date INTO crowded
    FROM room_assignments a, generate_series(a.first_night, a.last_night, interval '1 day') n
   WHERE a.room_id = NEW.id
   GROUP BY n HAVING count(*) > NEW.beds
   ORDER BY n LIMIT 1;
  IF crowded IS NOT NULL THEN
    RAISE EXCEPTION 'room % has more people than % beds on the night of %', NEW.id, NEW.beds,
      to_char(crowded, 'YYYY-MM-DD')
      USING ERRCODE = 'check_violation', CONSTRAINT = 'rooms_beds_held_check';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER rooms_assignments BEFORE UPDATE OF first_night, last_night, beds ON rooms
  FOR EACH ROW EXECUTE FUNCTION rooms_check_assignments();

-- A registration that no longer holds a seat gives its beds back, in the transaction that
-- changed it (a cancellation, or an erasure that cancels).
CREATE FUNCTION registrations_release_rooms() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM room_assignments WHERE registration_id = NEW.id;
  RETURN NULL;
END
$$;

CREATE TRIGGER registrations_release_rooms AFTER UPDATE OF status ON registrations
  FOR EACH ROW WHEN (OLD.status = 'confirmed' AND NEW.status <> 'confirmed')
  EXECUTE FUNCTION registrations_release_rooms();

-- Only a confirmed registration is given a bed (checked under the registration row's lock,
-- which a cancellation takes too, so the two cannot pass each other).
CREATE FUNCTION room_assignments_check_registration() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM registrations
                  WHERE id = NEW.registration_id AND status = 'confirmed' FOR NO KEY UPDATE) THEN
    RAISE EXCEPTION 'registration % holds no seat', NEW.registration_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'room_assignments_confirmed_check';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER room_assignments_registration BEFORE INSERT OR UPDATE OF registration_id ON room_assignments
  FOR EACH ROW EXECUTE FUNCTION room_assignments_check_registration();
