#pragma once
// SQL for the tasks of a study trip, their audience, each participant's progress and the
// reminders sent (schema/033_tasks.sql).
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "domain/task.hpp"

namespace soci {
class session;
}

namespace eventd::db {

// An event holds at most this many tasks (a list answers them all, unpaged).
inline constexpr std::size_t kMaxTasksPerEvent = 200;

std::optional<domain::Task> find_task(soci::session& session, const std::string& event_id, const std::string& task_id,
                                      bool lock = false);
// In due order.
std::vector<domain::Task> list_tasks(soci::session& session, const std::string& event_id);
std::size_t count_tasks(soci::session& session, const std::string& event_id);

// With its audience (delegations of the event: 422 for another's).
std::string insert_task(soci::session& session, const domain::Task& t);
void update_task(soci::session& session, const domain::Task& t);
void delete_task(soci::session& session, const std::string& task_id);

// Each confirmed participant the task is for, with their progress, in arrival order.
struct ParticipantProgress {
  std::string registration_id;
  std::optional<std::string> name;  // nullopt once erased
  std::optional<std::string> delegation_id;
  domain::TaskProgress progress;
};
std::vector<ParticipantProgress> progress_of_task(soci::session& session, const domain::Task& t);

// The tasks of the event meant for a registration (its delegation's and everyone's), with
// its progress on each, in due order.
struct TaskWithProgress {
  domain::Task task;
  domain::TaskProgress progress;
};
std::vector<TaskWithProgress> tasks_of_registration(soci::session& session, const std::string& event_id,
                                                    const std::optional<std::string>& delegation_id,
                                                    const std::string& registration_id);

// The tasks of the event meant for a delegation's members (its own and everyone's), in due
// order, with how many of its confirmed members have done each: what its leader follows.
struct TaskWithGroupProgress {
  domain::Task task;
  int done = 0;
  int members = 0;               // the delegation's confirmed members
  domain::Instant updated_at{};  // the latest of the task and its members' progress and seats
};
std::vector<TaskWithGroupProgress> tasks_of_delegation(soci::session& session, const std::string& event_id,
                                                       const std::string& delegation_id);

void set_progress(soci::session& session, const std::string& task_id, const std::string& registration_id,
                  domain::TaskStatus status, const std::string& changed_by);

// Claims the reminders now due: every open task of a published event falling due within
// `lead`, for each confirmed participant it is for who has not had one. Each claim is a
// row written here, so it is claimed once whoever asks, however often.
struct DueReminder {
  std::string task_id;
  std::string registration_id;
};
std::vector<DueReminder> claim_due_reminders(soci::session& session, std::chrono::seconds lead);

}  // namespace eventd::db
