#pragma once
// The rooms of a study trip (issue 21) and who sleeps in them which night: a room at a hotel
// is booked for a range of nights (a night is the date it begins), and a confirmed
// registration of the event is given one of its beds for some of those nights.
#include <optional>
#include <string>
#include <vector>

#include "domain/error.hpp"
#include "domain/time.hpp"

namespace eventd::domain {

// One person's bed in a room for a range of nights (both ends included).
struct RoomAssignment {
  std::string id{};  // UUID
  std::string room_id{};
  std::string registration_id{};
  std::optional<std::string> name{};  // the participant's (none once erased)
  Date first_night{};
  Date last_night{};
  Instant created_at{};
};

struct Room {
  std::string id{};  // UUID
  std::string event_id{};
  std::string name{};   // as the hotel calls it: "412"
  std::string hotel{};  // the hotel's name
  int beds = 1;
  Date first_night{};
  Date last_night{};
  // Read, never written with the room: its occupants, in order of their first night.
  std::vector<RoomAssignment> assignments{};
  long long version = 1;
  Instant created_at{};
  Instant updated_at{};
};

inline constexpr std::size_t kMaxRoomNameLength = 50;    // rooms_name_check
inline constexpr std::size_t kMaxHotelNameLength = 200;  // rooms_hotel_check
inline constexpr int kMaxRoomBeds = 100;                 // rooms_beds_check
inline constexpr int kMaxRoomNights = 90;                // rooms_nights_check: a list stays a list

// The number of nights from `first` to `last`, both included (0 when last is before first).
int nights_between(Date first, Date last);

// name 1-50, hotel 1-200, beds 1-100, first_night ≤ last_night, at most kMaxRoomNights nights.
std::vector<FieldError> check_room(const Room& room);

// An assignment's nights: first ≤ last, and within the room's nights.
std::vector<FieldError> check_assignment_nights(const Room& room, Date first_night, Date last_night);

// The occupants of one room on one night, as the hotel's rooming list shows them.
struct RoomOccupant {
  std::string registration_id{};
  std::optional<std::string> name{};
  std::optional<std::string> delegation{};  // the delegation's name
  std::optional<std::string> needs{};       // dietary and other needs
};

struct RoomNight {
  Date night{};
  std::string room_id{};
  std::string hotel{};
  std::string room{};
  int beds = 1;
  std::vector<RoomOccupant> occupants{};
};

}  // namespace eventd::domain
