#include "http/dto/room.hpp"

#include "domain/time.hpp"
#include "http/dto/csv.hpp"
#include "http/dto/reader.hpp"

namespace eventd::http::dto {

namespace {

nlohmann::json optional_json(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

services::RoomDraft read_room(const nlohmann::json& body) {
  require_object(body);
  domain::Validator errors;
  ObjectReader r(body, errors);
  services::RoomDraft draft;
  domain::Room& room = draft.room;
  for (const char* name : {"name", "hotel", "beds", "first_night", "last_night"}) r.required(name);
  if (auto name = r.string("name")) room.name = *name;
  if (auto hotel = r.string("hotel")) room.hotel = *hotel;
  if (auto beds = r.integer("beds")) {
    // Out of int's range is out of the rule's too (1-100), without overflowing on the way.
    room.beds = *beds < 0 ? 0 : *beds > domain::kMaxRoomBeds ? domain::kMaxRoomBeds + 1 : static_cast<int>(*beds);
  }
  if (auto first = r.date("first_night")) room.first_night = *first;
  if (auto last = r.date("last_night")) room.last_night = *last;
  r.reject_unknown();
  draft.errors = errors.take();
  return draft;
}

nlohmann::json room_request_json(const domain::Room& room) {
  return {
      {"name", room.name},
      {"hotel", room.hotel},
      {"beds", room.beds},
      {"first_night", domain::format_date(room.first_night)},
      {"last_night", domain::format_date(room.last_night)},
  };
}

nlohmann::json room_assignment_json(const domain::RoomAssignment& a) {
  return {
      {"id", a.id},
      {"room_id", a.room_id},
      {"registration_id", a.registration_id},
      {"name", optional_json(a.name)},
      {"first_night", domain::format_date(a.first_night)},
      {"last_night", domain::format_date(a.last_night)},
      {"created_at", domain::format_utc(a.created_at)},
  };
}

nlohmann::json room_json(const domain::Room& room) {
  nlohmann::json assignments = nlohmann::json::array();
  for (const auto& a : room.assignments) assignments.push_back(room_assignment_json(a));
  return {
      {"id", room.id},
      {"event_id", room.event_id},
      {"name", room.name},
      {"hotel", room.hotel},
      {"beds", room.beds},
      {"first_night", domain::format_date(room.first_night)},
      {"last_night", domain::format_date(room.last_night)},
      {"assignments", std::move(assignments)},
      {"created_at", domain::format_utc(room.created_at)},
      {"updated_at", domain::format_utc(room.updated_at)},
  };
}

services::AssignmentDraft read_room_assignment(const nlohmann::json& body) {
  require_object(body);
  domain::Validator errors;
  ObjectReader r(body, errors);
  services::AssignmentDraft draft;
  r.required("registration_id");
  if (auto id = r.string("registration_id")) draft.registration_id = *id;
  draft.first_night = r.date("first_night");
  draft.last_night = r.date("last_night");
  r.reject_unknown();
  draft.errors = errors.take();
  return draft;
}

nlohmann::json rooming_list_json(const services::RoomingList& list) {
  nlohmann::json nights = nlohmann::json::array();
  for (const auto& room_night : list.nights) {
    const std::string night = domain::format_date(room_night.night);
    if (nights.empty() || nights.back()["night"] != night) {
      nights.push_back({{"night", night}, {"rooms", nlohmann::json::array()}});
    }
    nlohmann::json occupants = nlohmann::json::array();
    for (const auto& o : room_night.occupants) {
      occupants.push_back({{"registration_id", o.registration_id},
                           {"name", optional_json(o.name)},
                           {"delegation", optional_json(o.delegation)},
                           {"needs", optional_json(o.needs)}});
    }
    nights.back()["rooms"].push_back({{"room_id", room_night.room_id},
                                      {"hotel", room_night.hotel},
                                      {"name", room_night.room},
                                      {"beds", room_night.beds},
                                      {"occupants", std::move(occupants)}});
  }
  return {{"event_id", list.event_id}, {"nights", std::move(nights)}};
}

std::string rooming_list_csv(const services::RoomingList& list) {
  std::string out = "\xEF\xBB\xBF";
  auto row = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) out += ',';
      out += csv_cell(cells[i]);
    }
    out += "\r\n";
  };
  row({"night", "hotel", "room", "beds", "free_beds", "occupants", "needs"});
  for (const auto& room_night : list.nights) {
    // "Name (Delegation)" per occupant, and "Name: needs" for those who have any.
    std::string occupants;
    std::string needs;
    for (const auto& o : room_night.occupants) {
      const std::string name = o.name.value_or("");
      if (!occupants.empty()) occupants += "; ";
      occupants += o.delegation ? name + " (" + *o.delegation + ")" : name;
      if (o.needs && !o.needs->empty()) {
        if (!needs.empty()) needs += "; ";
        needs += name + ": " + *o.needs;
      }
    }
    const int free_beds = room_night.beds - static_cast<int>(room_night.occupants.size());
    row({domain::format_date(room_night.night), room_night.hotel, room_night.room, std::to_string(room_night.beds),
         std::to_string(free_beds < 0 ? 0 : free_beds), occupants, needs});
  }
  return out;
}

}  // namespace eventd::http::dto
