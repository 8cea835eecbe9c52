#pragma once
// SQL for the rooms of a study trip and their assignments (schema/032_rooms.sql).
#include <optional>
#include <string>
#include <vector>

#include "domain/room.hpp"

namespace soci {
class session;
}

namespace eventd::db {

// An event holds at most this many rooms (a list answers them all, unpaged).
inline constexpr std::size_t kMaxRoomsPerEvent = 500;

// With its assignments. `lock`: FOR NO KEY UPDATE, which the assignments' trigger takes too,
// so the beds of one room are counted by one writer at a time.
std::optional<domain::Room> find_room(soci::session& session, const std::string& event_id, const std::string& room_id,
                                      bool lock = false);
// In hotel and name order, each with its assignments.
std::vector<domain::Room> list_rooms(soci::session& session, const std::string& event_id);
std::size_t count_rooms(soci::session& session, const std::string& event_id);

// 409 for a name the hotel's rooms in this event have already (any letter case); 422 for a
// field a constraint refuses.
std::string insert_room(soci::session& session, const domain::Room& room);
// 409 naming the night when fewer nights or beds would leave someone without a bed.
void update_room(soci::session& session, const domain::Room& room);
void delete_room(soci::session& session, const std::string& room_id);

// The status of a registration of the event ("confirmed", ...), its row locked FOR NO KEY
// UPDATE as a cancellation locks it, so an assignment and a cancellation do not pass each
// other, and two assignments of one person are decided one after the other.
std::optional<std::string> lock_registration_status(soci::session& session, const std::string& event_id,
                                                    const std::string& registration_id);

// The first night from `first` to `last` on which the registration has a bed in any room.
std::optional<domain::Date> first_night_with_bed(soci::session& session, const std::string& registration_id,
                                                 domain::Date first, domain::Date last);
// The first night from `first` to `last` on which the room has at least `beds` people.
std::optional<domain::Date> first_full_night(soci::session& session, const std::string& room_id, int beds,
                                             domain::Date first, domain::Date last);
// The first night someone sleeps in the room outside `first`..`last`.
std::optional<domain::Date> first_night_outside(soci::session& session, const std::string& room_id, domain::Date first,
                                                domain::Date last);

// 409 bed_taken / room_full naming the night, 422 for nights outside the room's or a
// registration that holds no seat (the constraints of schema/032, whoever got there first).
std::string insert_assignment(soci::session& session, const domain::Room& room, const std::string& registration_id,
                              domain::Date first_night, domain::Date last_night);
std::optional<domain::RoomAssignment> find_assignment(soci::session& session, const std::string& room_id,
                                                      const std::string& assignment_id);
void delete_assignment(soci::session& session, const std::string& assignment_id);

// Every room of the event on every night it is booked, with its occupants: night, hotel and
// room order; occupants by name.
std::vector<domain::RoomNight> rooming_list(soci::session& session, const std::string& event_id);

}  // namespace eventd::db
