#pragma once
// Use cases of the tasks of a study trip (issue 21): /v1/events/{id}/tasks for its organisers,
// /v1/registrations/{id}/tasks for each participant (or whoever reaches the registration), and
// the reminders by e-mail before a task falls due.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "db/task_repository.hpp"
#include "domain/api_key.hpp"
#include "domain/task.hpp"
#include "services/registration_service.hpp"

namespace eventd::services {

class Database;
struct MailContext;

// A task as the client sent it: its due time as written, read in the event's zone by the
// service (domain/event_time.hpp).
struct TaskDraft {
  domain::Task task;
  std::string due_at_text;
  std::vector<domain::FieldError> errors;
};

// A task with the zone its due time is shown in (the event's).
struct TaskInEvent {
  domain::Task task;
  std::string timezone;
};

// The event's organisers (or an admin): 404 for an event the caller may not see, 403 for
// another organisation's key; 409 past db::kMaxTasksPerEvent; 422 for bad fields or a
// delegation of another event.
boost::asio::awaitable<TaskInEvent> create_task(Database& db, const domain::Caller& caller, std::string event_ref,
                                                TaskDraft draft);
struct TaskList {
  std::vector<domain::Task> items;
  std::string timezone;
};
boost::asio::awaitable<TaskList> list_tasks(Database& db, const domain::Caller& caller, std::string event_ref);
boost::asio::awaitable<TaskInEvent> get_task(Database& db, const domain::Caller& caller, std::string event_ref,
                                             std::string task_id);
using TaskPatcher = std::function<TaskDraft(const domain::Task& current, const std::string& timezone)>;
using TaskPrecondition = std::function<void(const domain::Task& current)>;
boost::asio::awaitable<TaskInEvent> patch_task(Database& db, const domain::Caller& caller, std::string event_ref,
                                               std::string task_id, TaskPatcher patch);
boost::asio::awaitable<void> delete_task(Database& db, const domain::Caller& caller, std::string event_ref,
                                         std::string task_id, TaskPrecondition precondition);

// Who has done the task and who has not (and who is late), for its organisers.
struct TaskProgressReport {
  TaskInEvent task;
  std::vector<db::ParticipantProgress> participants;
};
boost::asio::awaitable<TaskProgressReport> task_progress(Database& db, const domain::Caller& caller,
                                                         std::string event_ref, std::string task_id);

// A registration's tasks: whoever reaches the registration (registration_service.hpp's rule).
struct RegistrationTasks {
  std::string registration_id;
  std::string timezone;
  std::vector<db::TaskWithProgress> items;
};
boost::asio::awaitable<RegistrationTasks> registration_tasks(Database& db, std::string registration_id,
                                                             RegistrationAccess access);
// Sets the registration's progress on a task (404 for a task not meant for it; 409 once the
// registration is cancelled or erased).
boost::asio::awaitable<RegistrationTasks> set_task_status(Database& db, std::string registration_id,
                                                          std::string task_id, domain::TaskStatus status,
                                                          RegistrationAccess access);

// Writes a task_reminder for every open task falling due within `lead` to each confirmed
// participant it is for, once per task and person; how many were written.
std::size_t send_task_reminders(Database& db, const MailContext& mail, std::chrono::seconds lead);

}  // namespace eventd::services
