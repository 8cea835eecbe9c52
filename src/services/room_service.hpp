#pragma once
// Use cases of the rooms of a study trip: /v1/events/{id}/rooms and the rooming list the
// hotel gets (issue 21). Only the event's organisers (or an admin) see or change them: who
// sleeps where, with their needs, is personal data.
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "domain/api_key.hpp"
#include "domain/error.hpp"
#include "domain/room.hpp"

namespace eventd::services {

class Database;

// What the client sent, read and type-checked (http/dto).
struct RoomDraft {
  domain::Room room;
  std::vector<domain::FieldError> errors;
};

// A bed for a registration; nights left out are the room's.
struct AssignmentDraft {
  std::string registration_id;
  std::optional<domain::Date> first_night;
  std::optional<domain::Date> last_night;
  std::vector<domain::FieldError> errors;
};

// 404 for an event the caller may not see, 403 for another organisation's key; 409 for a
// room name the hotel has already in this event or an event with db::kMaxRoomsPerEvent
// rooms; 422 for bad fields.
boost::asio::awaitable<domain::Room> create_room(Database& db, const domain::Caller& caller, std::string event_ref,
                                                 RoomDraft draft);
boost::asio::awaitable<std::vector<domain::Room>> list_rooms(Database& db, const domain::Caller& caller,
                                                             std::string event_ref);
boost::asio::awaitable<domain::Room> get_room(Database& db, const domain::Caller& caller, std::string event_ref,
                                              std::string room_id);

using RoomPatcher = std::function<RoomDraft(const domain::Room& current)>;
using RoomPrecondition = std::function<void(const domain::Room& current)>;
// 409 naming the night when fewer nights or beds would leave an assigned person without a bed.
boost::asio::awaitable<domain::Room> patch_room(Database& db, const domain::Caller& caller, std::string event_ref,
                                                std::string room_id, RoomPatcher patch);
// 409 while people are assigned to the room (their assignments are removed first).
boost::asio::awaitable<void> delete_room(Database& db, const domain::Caller& caller, std::string event_ref,
                                         std::string room_id, RoomPrecondition precondition);

// A bed in the room for a confirmed registration of the event: 409 `bed_taken` when the
// person has a bed (here or in another room) on one of the nights, 409 `room_full` when the
// room has no free bed on one of them (each naming the night); 422 for nights outside the
// room's, a registration of no seat or of another event.
boost::asio::awaitable<domain::RoomAssignment> assign_room(Database& db, const domain::Caller& caller,
                                                           std::string event_ref, std::string room_id,
                                                           AssignmentDraft draft);
boost::asio::awaitable<void> unassign_room(Database& db, const domain::Caller& caller, std::string event_ref,
                                           std::string room_id, std::string assignment_id);

// The list the hotel gets: every room on every night it is booked, with its occupants.
struct RoomingList {
  std::string event_id;
  std::vector<domain::RoomNight> nights;
};
boost::asio::awaitable<RoomingList> rooming_list(Database& db, const domain::Caller& caller, std::string event_ref);

}  // namespace eventd::services
