#pragma once
// JSON ↔ domain::Room (openapi.yaml: RoomCreate, RoomPatch, Room, RoomAssignmentCreate,
// RoomAssignment, RoomingList) and the rooming list's CSV.
#include <nlohmann/json.hpp>
#include <string>

#include "domain/room.hpp"
#include "services/room_service.hpp"

namespace eventd::http::dto {

// Reads a create body, or a merged PATCH document. Type errors and unknown members are
// returned in `errors`, for the service's one 422. (Throws only when the body is not an object.)
services::RoomDraft read_room(const nlohmann::json& body);
// The writable members of `room`: the document a JSON Merge Patch is applied to.
nlohmann::json room_request_json(const domain::Room& room);
// The representation (openapi `Room`), with its assignments.
nlohmann::json room_json(const domain::Room& room);

services::AssignmentDraft read_room_assignment(const nlohmann::json& body);
nlohmann::json room_assignment_json(const domain::RoomAssignment& a);

// The hotel's list: per night, each room with its occupants.
nlohmann::json rooming_list_json(const services::RoomingList& list);
// One row per room and night (UTF-8 with a BOM, CRLF; a cell that a spreadsheet would run
// as a formula starts with ').
std::string rooming_list_csv(const services::RoomingList& list);

}  // namespace eventd::http::dto
