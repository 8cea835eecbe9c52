#include "domain/room.hpp"

#include <chrono>

#include "domain/validation.hpp"

namespace eventd::domain {

int nights_between(Date first, Date last) {
  const auto days = (std::chrono::sys_days{last} - std::chrono::sys_days{first}).count();
  return days < 0 ? 0 : static_cast<int>(days) + 1;
}

std::vector<FieldError> check_room(const Room& room) {
  Validator v;
  v.text("name", room.name, 1, kMaxRoomNameLength);
  v.text("hotel", room.hotel, 1, kMaxHotelNameLength);
  v.check(room.beds >= 1 && room.beds <= kMaxRoomBeds, "beds", FieldCode("out_of_range"),
          {{"min", "1"}, {"max", std::to_string(kMaxRoomBeds)}});
  // A night the reader refused is not compared (it reported it).
  if (!room.first_night.ok() || !room.last_night.ok()) return v.take();
  if (v.check(room.first_night <= room.last_night, "last_night", FieldCode("must_not_be_before"),
              {{"other", "first_night"}})) {
    v.check(nights_between(room.first_night, room.last_night) <= kMaxRoomNights, "last_night",
            FieldCode("too_many_nights"), {{"max", std::to_string(kMaxRoomNights)}});
  }
  return v.take();
}

std::vector<FieldError> check_assignment_nights(const Room& room, Date first_night, Date last_night) {
  Validator v;
  const MessageParams nights = {{"first", format_date(room.first_night)}, {"last", format_date(room.last_night)}};
  v.check(first_night >= room.first_night && first_night <= room.last_night, "first_night",
          FieldCode("outside_room_nights"), nights);
  v.check(last_night >= room.first_night && last_night <= room.last_night, "last_night",
          FieldCode("outside_room_nights"), nights);
  if (v.ok()) {
    v.check(first_night <= last_night, "last_night", FieldCode("must_not_be_before"), {{"other", "first_night"}});
  }
  return v.take();
}

}  // namespace eventd::domain
