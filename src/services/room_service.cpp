#include "services/room_service.hpp"

#include <soci/soci.h>

#include <algorithm>

#include "db/event_repository.hpp"
#include "db/room_repository.hpp"
#include "domain/event_rules.hpp"
#include "domain/validation.hpp"
#include "services/database.hpp"
#include "services/managed_event.hpp"

namespace eventd::services {

namespace {

using domain::detail;
using domain::Error;
using domain::Problem;

domain::Room existing(soci::session& s, const std::string& event_id, const std::string& room_id, bool lock = false) {
  auto found = db::find_room(s, event_id, room_id, lock);
  if (!found) throw domain::not_found("room");
  return std::move(*found);
}

domain::Room validated(const domain::Room& base, const RoomDraft& draft) {
  domain::Room room = draft.room;
  room.id = base.id;
  room.event_id = base.event_id;
  domain::Validator v;
  v.append(draft.errors);
  v.append_unreported(domain::check_room(room));
  v.throw_if_any();
  return room;
}

}  // namespace

boost::asio::awaitable<domain::Room> create_room(Database& db, const domain::Caller& caller, std::string event_ref,
                                                 RoomDraft draft) {
  domain::Room created = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    const domain::Event event = managed_event(s, caller, event_ref);
    domain::Room base;
    base.event_id = event.id;
    const domain::Room room = validated(base, draft);
    if (db::count_rooms(s, event.id) >= db::kMaxRoomsPerEvent) {
      throw Error(Problem::conflict, detail("too_many_rooms", {{"max", std::to_string(db::kMaxRoomsPerEvent)}}));
    }
    const std::string id = db::insert_room(s, room);
    domain::Room stored = existing(s, event.id, id);
    tx.commit();
    return stored;
  });
  co_return created;
}

boost::asio::awaitable<std::vector<domain::Room>> list_rooms(Database& db, const domain::Caller& caller,
                                                             std::string event_ref) {
  auto found = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    const domain::Event event = managed_event(s, caller, event_ref);
    std::vector<domain::Room> all = db::list_rooms(s, event.id);
    tx.commit();
    return all;
  });
  co_return found;
}

boost::asio::awaitable<domain::Room> get_room(Database& db, const domain::Caller& caller, std::string event_ref,
                                              std::string room_id) {
  auto found = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    const domain::Event event = managed_event(s, caller, event_ref);
    domain::Room room = existing(s, event.id, room_id);
    tx.commit();
    return room;
  });
  co_return found;
}

boost::asio::awaitable<domain::Room> patch_room(Database& db, const domain::Caller& caller, std::string event_ref,
                                                std::string room_id, RoomPatcher patch) {
  auto updated = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    const domain::Event event = managed_event(s, caller, event_ref);
    // Under the room's lock: the assignments' trigger counts beds under it too.
    const domain::Room current = existing(s, event.id, room_id, true);
    const domain::Room next = validated(current, patch(current));
    // Name the first night that would leave someone without a bed (the trigger holds it too).
    if (auto night = db::first_night_outside(s, current.id, next.first_night, next.last_night)) {
      throw Error(Problem::conflict, detail("room_nights_in_use", {{"night", domain::format_date(*night)}}));
    }
    if (next.beds < current.beds) {
      if (auto night = db::first_full_night(s, current.id, next.beds + 1, current.first_night, current.last_night)) {
        throw Error(Problem::conflict, detail("room_beds_in_use", {{"night", domain::format_date(*night)}}));
      }
    }
    db::update_room(s, next);
    domain::Room stored = existing(s, event.id, current.id);
    tx.commit();
    return stored;
  });
  co_return updated;
}

boost::asio::awaitable<void> delete_room(Database& db, const domain::Caller& caller, std::string event_ref,
                                         std::string room_id, RoomPrecondition precondition) {
  co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    const domain::Event event = managed_event(s, caller, event_ref);
    const domain::Room current = existing(s, event.id, room_id, true);
    precondition(current);
    // A rooming list is not lost by a slip: its assignments are removed one by one first.
    if (!current.assignments.empty()) throw Error(Problem::conflict, detail("room_in_use"));
    db::delete_room(s, current.id);
    tx.commit();
    return 0;
  });
}

boost::asio::awaitable<domain::RoomAssignment> assign_room(Database& db, const domain::Caller& caller,
                                                           std::string event_ref, std::string room_id,
                                                           AssignmentDraft draft) {
  auto assigned = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    const domain::Event event = managed_event(s, caller, event_ref);
    // The room first, then the person: every writer of assignments takes them in this order.
    const domain::Room room = existing(s, event.id, room_id, true);
    const domain::Date first = draft.first_night.value_or(room.first_night);
    const domain::Date last = draft.last_night.value_or(room.last_night);
    domain::Validator v;
    v.append(draft.errors);
    // Unless the reader refused it, the registration must be one of this event (a text that
    // is no id is none either) and hold a seat.
    const bool refused = std::any_of(draft.errors.begin(), draft.errors.end(),
                                     [](const domain::FieldError& e) { return e.field == "registration_id"; });
    if (!refused) {
      const auto status = db::lock_registration_status(s, event.id, draft.registration_id);
      if (!status) {
        v.add("registration_id", domain::FieldCode("unknown_registration"));
      } else if (*status != "confirmed") {
        v.add("registration_id", domain::FieldCode("not_confirmed"));
      }
    }
    v.append_unreported(domain::check_assignment_nights(room, first, last));
    v.throw_if_any();
    // Under both locks, so these answers are exact; the constraints of schema/032 hold the
    // same for any writer.
    if (auto night = db::first_night_with_bed(s, draft.registration_id, first, last)) {
      throw Error(Problem::conflict, detail("bed_taken", {{"night", domain::format_date(*night)}}));
    }
    if (auto night = db::first_full_night(s, room.id, room.beds, first, last)) {
      throw Error(Problem::conflict,
                  detail("room_full", {{"night", domain::format_date(*night)}, {"beds", std::to_string(room.beds)}}));
    }
    const std::string id = db::insert_assignment(s, room, draft.registration_id, first, last);
    auto stored = db::find_assignment(s, room.id, id);
    if (!stored) throw std::runtime_error("the assignment just made is gone");
    tx.commit();
    return std::move(*stored);
  });
  co_return assigned;
}

boost::asio::awaitable<void> unassign_room(Database& db, const domain::Caller& caller, std::string event_ref,
                                           std::string room_id, std::string assignment_id) {
  co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    const domain::Event event = managed_event(s, caller, event_ref);
    const domain::Room room = existing(s, event.id, room_id, true);
    if (!db::find_assignment(s, room.id, assignment_id)) throw domain::not_found("room_assignment");
    db::delete_assignment(s, assignment_id);
    tx.commit();
    return 0;
  });
}

boost::asio::awaitable<RoomingList> rooming_list(Database& db, const domain::Caller& caller, std::string event_ref) {
  auto list = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    const domain::Event event = managed_event(s, caller, event_ref);
    RoomingList out{event.id, db::rooming_list(s, event.id)};
    tx.commit();
    return out;
  });
  co_return list;
}

}  // namespace eventd::services
