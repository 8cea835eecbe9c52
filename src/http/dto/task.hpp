#pragma once
// JSON ↔ domain::Task (openapi.yaml: TaskCreate, TaskPatch, Task, TaskProgress, RegistrationTask).
#include <nlohmann/json.hpp>
#include <string>

#include "db/task_repository.hpp"
#include "domain/task.hpp"
#include "services/task_service.hpp"

namespace eventd::http::dto {

// Reads a create body, or a merged PATCH document; due_at is kept as written (the service
// reads it in the event's zone). Type errors and unknown members are returned in `errors`.
services::TaskDraft read_task(const nlohmann::json& body);

// The writable members of `t` (due_at in UTC): the document a JSON Merge Patch is applied to.
nlohmann::json task_request_json(const domain::Task& t);

// The representation (openapi `Task`): due_at in the offset of the event's zone.
nlohmann::json task_json(const domain::Task& t, const std::string& timezone);

// One participant's standing on a task (openapi `TaskProgress`), `late` at `now`.
nlohmann::json participant_progress_json(const db::ParticipantProgress& p, const domain::Task& t, domain::Instant now);

// A task as one participant has it (openapi `RegistrationTask`).
nlohmann::json registration_task_json(const db::TaskWithProgress& t, const std::string& timezone, domain::Instant now);

}  // namespace eventd::http::dto
