#include "services/task_service.hpp"

#include <soci/soci.h>

#include <set>

#include "db/delegation_repository.hpp"
#include "db/event_repository.hpp"
#include "domain/event_rules.hpp"
#include "domain/event_time.hpp"
#include "domain/validation.hpp"
#include "services/database.hpp"
#include "services/mail_outbox.hpp"
#include "services/managed_event.hpp"
#include "services/webhook_service.hpp"

namespace eventd::services {

namespace {

using domain::detail;
using domain::Error;
using domain::Problem;

domain::Task existing(soci::session& s, const std::string& event_id, const std::string& task_id, bool lock = false) {
  auto found = db::find_task(s, event_id, task_id, lock);
  if (!found) throw domain::not_found("task");
  return std::move(*found);
}

// The draft read against its event: the due time in the event's zone, the delegations of
// this event (each once), domain::check_task.
domain::Task validated(soci::session& s, const domain::Event& event, const TaskDraft& draft) {
  domain::Task task = draft.task;
  task.event_id = event.id;
  domain::Validator v;
  v.append(draft.errors);
  if (!draft.due_at_text.empty()) {
    domain::EventTime read = domain::read_event_time(draft.due_at_text, event.timezone);
    if (read.instant) {
      task.due_at = *read.instant;
    } else {
      v.add("due_at", read.code, std::move(read.params));
    }
  }
  std::set<std::string> seen;
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < task.delegation_ids.size(); ++i) {
    const auto field = domain::indexed_field("delegation_ids", i);
    auto delegation = db::find_delegation(s, event.id, task.delegation_ids[i]);
    if (!delegation) {
      v.add(field, domain::FieldCode("unknown_delegation"));
    } else if (!seen.insert(delegation->id).second) {
      v.add(field, domain::FieldCode("duplicate"));
    } else {
      ids.push_back(delegation->id);
    }
  }
  v.append_unreported(domain::check_task(task));
  v.throw_if_any();
  task.delegation_ids = std::move(ids);
  return task;
}

// Who changed a participant's progress, for the record.
std::string actor_of(const RegistrationAccess& access, bool by_participant) {
  if (by_participant) return "participant";
  return access.leader_token ? "leader" : "organiser";
}

RegistrationTasks tasks_of(soci::session& s, const db::RegistrationRecord& record) {
  const domain::Registration& r = record.registration;
  auto event = db::find_event(s, r.event_id);
  if (!event) throw domain::not_found("event");
  return {r.id, event->timezone, db::tasks_of_registration(s, r.event_id, r.delegation_id, r.id)};
}

}  // namespace

boost::asio::awaitable<TaskInEvent> create_task(Database& db, const domain::Caller& caller, std::string event_ref,
                                                TaskDraft draft) {
  TaskInEvent created = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    const domain::Event event = managed_event(s, caller, event_ref);
    const domain::Task task = validated(s, event, draft);
    if (db::count_tasks(s, event.id) >= db::kMaxTasksPerEvent) {
      throw Error(Problem::conflict, detail("too_many_tasks", {{"max", std::to_string(db::kMaxTasksPerEvent)}}));
    }
    const std::string id = db::insert_task(s, task);
    TaskInEvent out{existing(s, event.id, id), event.timezone};
    record_task_change(s, event, out.task, "task.created");
    tx.commit();
    return out;
  });
  co_return created;
}

boost::asio::awaitable<TaskList> list_tasks(Database& db, const domain::Caller& caller, std::string event_ref) {
  TaskList found = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    const domain::Event event = managed_event(s, caller, event_ref);
    TaskList out{db::list_tasks(s, event.id), event.timezone};
    tx.commit();
    return out;
  });
  co_return found;
}

boost::asio::awaitable<TaskInEvent> get_task(Database& db, const domain::Caller& caller, std::string event_ref,
                                             std::string task_id) {
  TaskInEvent found = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    const domain::Event event = managed_event(s, caller, event_ref);
    TaskInEvent out{existing(s, event.id, task_id), event.timezone};
    tx.commit();
    return out;
  });
  co_return found;
}

boost::asio::awaitable<TaskInEvent> patch_task(Database& db, const domain::Caller& caller, std::string event_ref,
                                               std::string task_id, TaskPatcher patch) {
  TaskInEvent updated = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    const domain::Event event = managed_event(s, caller, event_ref);
    const domain::Task current = existing(s, event.id, task_id, true);
    domain::Task next = validated(s, event, patch(current, event.timezone));
    next.id = current.id;
    db::update_task(s, next);
    TaskInEvent out{existing(s, event.id, current.id), event.timezone};
    record_task_change(s, event, out.task, "task.updated");
    tx.commit();
    return out;
  });
  co_return updated;
}

boost::asio::awaitable<void> delete_task(Database& db, const domain::Caller& caller, std::string event_ref,
                                         std::string task_id, TaskPrecondition precondition) {
  co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    const domain::Event event = managed_event(s, caller, event_ref);
    const domain::Task current = existing(s, event.id, task_id, true);
    precondition(current);
    record_task_change(s, event, current, "task.deleted");
    db::delete_task(s, current.id);
    tx.commit();
    return 0;
  });
}

boost::asio::awaitable<TaskProgressReport> task_progress(Database& db, const domain::Caller& caller,
                                                         std::string event_ref, std::string task_id) {
  TaskProgressReport report = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    s << "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";
    const domain::Event event = managed_event(s, caller, event_ref);
    TaskProgressReport out{{existing(s, event.id, task_id), event.timezone}, {}};
    out.participants = db::progress_of_task(s, out.task.task);
    tx.commit();
    return out;
  });
  co_return report;
}

boost::asio::awaitable<RegistrationTasks> registration_tasks(Database& db, std::string registration_id,
                                                             RegistrationAccess access) {
  RegistrationTasks found = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    s << "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";
    auto reached = reach_registration(s, registration_id, access, false);
    RegistrationTasks out = tasks_of(s, reached.record);
    tx.commit();
    return out;
  });
  co_return found;
}

boost::asio::awaitable<RegistrationTasks> set_task_status(Database& db, std::string registration_id,
                                                          std::string task_id, domain::TaskStatus status,
                                                          RegistrationAccess access) {
  RegistrationTasks updated = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    auto reached = reach_registration(s, registration_id, access, true);
    const domain::Registration& r = reached.record.registration;
    if (r.is_erased()) throw Error(Problem::data_erased, detail("registration_erased_nothing_to_change"));
    if (!r.is_active()) throw Error(Problem::registration_cancelled);
    auto task = db::find_task(s, r.event_id, task_id);
    // A task of another delegation is as unknown to this registration as one of another event.
    if (!task || !domain::is_for(*task, r.delegation_id)) throw domain::not_found("task");
    db::set_progress(s, task->id, r.id, status, actor_of(access, reached.by_participant));
    RegistrationTasks out = tasks_of(s, reached.record);
    tx.commit();
    return out;
  });
  co_return updated;
}

std::size_t send_task_reminders(Database& db, const MailContext& mail, std::chrono::seconds lead) {
  return db.run_blocking([&](soci::session& s) {
    soci::transaction tx(s);
    const auto due = db::claim_due_reminders(s, lead);
    for (const auto& reminder : due) enqueue_task_reminder(s, mail, reminder.registration_id, reminder.task_id);
    tx.commit();
    return due.size();
  });
}

}  // namespace eventd::services
