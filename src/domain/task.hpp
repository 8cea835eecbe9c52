#pragma once
// What the travellers of a study trip must do by a deadline (issue 21): send passport details,
// dietary needs, travel preferences. A task is for everyone registered, or for some of the
// event's delegations; each participant's progress is theirs (open until set done).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/enum_names.hpp"
#include "domain/error.hpp"
#include "domain/time.hpp"

namespace eventd::domain {

enum class TaskStatus { open, done };

inline constexpr EnumNames<TaskStatus, 2> kTaskStatusNames{{
    {TaskStatus::open, "open"},
    {TaskStatus::done, "done"},
}};
constexpr std::string_view to_string(TaskStatus s) { return enum_detail::name_of(kTaskStatusNames, s); }
constexpr std::optional<TaskStatus> parse_task_status(std::string_view s) {
  return enum_detail::value_of(kTaskStatusNames, s);
}

struct Task {
  std::string id{};  // UUID
  std::string event_id{};
  std::string title{};
  std::optional<std::string> description{};
  Instant due_at{};
  std::vector<std::string> delegation_ids{};  // empty: everyone registered
  long long version = 1;
  Instant created_at{};
  Instant updated_at{};
};

inline constexpr std::size_t kMaxTaskTitleLength = 200;         // tasks_title_check
inline constexpr std::size_t kMaxTaskDescriptionLength = 4000;  // tasks_description_check
inline constexpr std::size_t kMaxTaskDelegations = 200;

std::vector<FieldError> check_task(const Task& t);

// Whether a task is for a participant of `delegation_id` (none: no delegation).
bool is_for(const Task& t, const std::optional<std::string>& delegation_id);

// A participant's standing on one task.
struct TaskProgress {
  TaskStatus status = TaskStatus::open;
  std::optional<Instant> done_at{};
  // Open when it was due.
  bool is_late(Instant now, Instant due_at) const noexcept { return status == TaskStatus::open && now >= due_at; }
};

}  // namespace eventd::domain
