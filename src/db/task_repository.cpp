#include "db/task_repository.hpp"

#include <soci/soci.h>

#include "db/statement.hpp"
#include "db/support.hpp"

namespace eventd::db {

namespace {

// Column order is relied on by task_from_row.
constexpr const char* task_columns =
    "t.id::text, t.event_id::text, t.title, t.description, eventd_us(t.due_at), t.version, eventd_us(t.created_at), "
    "eventd_us(t.updated_at), "
    "COALESCE((SELECT string_agg(a.delegation_id::text, chr(31) ORDER BY a.delegation_id) "
    "FROM task_audience a WHERE a.task_id = t.id), '')";

// Whether task t is for registration r (its delegation in the audience, or no audience).
constexpr const char* audience_condition =
    "(NOT EXISTS (SELECT 1 FROM task_audience a WHERE a.task_id = t.id) "
    " OR EXISTS (SELECT 1 FROM task_audience a WHERE a.task_id = t.id AND a.delegation_id = r.delegation_id))";

domain::Task task_from_row(const soci::row& row) {
  domain::Task t;
  t.id = row.get<std::string>(0);
  t.event_id = row.get<std::string>(1);
  t.title = row.get<std::string>(2);
  t.description = opt_text(row, 3);
  t.due_at = from_us(row.get<long long>(4));
  t.version = row.get<long long>(5);
  t.created_at = from_us(row.get<long long>(6));
  t.updated_at = from_us(row.get<long long>(7));
  t.delegation_ids = split_list(row.get<std::string>(8));
  return t;
}

// The progress columns "p.status, eventd_us(p.changed_at)" at `at`.
domain::TaskProgress progress_from_row(const soci::row& row, std::size_t at) {
  domain::TaskProgress progress;
  if (auto status = opt_text(row, at)) {
    progress.status = domain::parse_task_status(*status).value_or(domain::TaskStatus::open);
    if (progress.status == domain::TaskStatus::done) progress.done_at = from_us(row.get<long long>(at + 1));
  }
  return progress;
}

void throw_if_task_constraint(const std::exception& e) {
  using domain::FieldCode;
  throw_if_constraint(e,
                      {
                          {"tasks_title_check", "title", FieldCode("length_between"), {{"min", "1"}, {"max", "200"}}},
                          {"tasks_description_check", "description", FieldCode("too_long"), {{"max", "4000"}}},
                          {"task_audience_delegation_fkey", "delegation_ids", FieldCode("unknown_delegation")},
                      });
}

void replace_audience(soci::session& session, const domain::Task& t) {
  Params p;
  execute(session, "DELETE FROM task_audience WHERE task_id = " + p.add_uuid(t.id), p);
  if (t.delegation_ids.empty()) return;
  Params q;
  execute(session,
          "INSERT INTO task_audience (task_id, event_id, delegation_id) SELECT " + q.add_uuid(t.id) + ", " +
              q.add_uuid(t.event_id) + ", CAST(x AS uuid) FROM unnest(string_to_array(" +
              q.add(join_list(t.delegation_ids)) + ", chr(31))) AS x ON CONFLICT DO NOTHING",
          q);
}

}  // namespace

std::optional<domain::Task> find_task(soci::session& session, const std::string& event_id, const std::string& task_id,
                                      bool lock) {
  if (!is_uuid(task_id)) return std::nullopt;
  Params p;
  std::string sql = std::string("SELECT ") + task_columns + " FROM tasks t WHERE t.id = " + p.add_uuid(task_id) +
                    " AND t.event_id = " + p.add_uuid(event_id);
  if (lock) sql += " FOR UPDATE";
  std::optional<domain::Task> found;
  for_each_row(session, sql, p, [&](const soci::row& row) { found = task_from_row(row); });
  return found;
}

std::vector<domain::Task> list_tasks(soci::session& session, const std::string& event_id) {
  Params p;
  const std::string sql = std::string("SELECT ") + task_columns +
                          " FROM tasks t WHERE t.event_id = " + p.add_uuid(event_id) + " ORDER BY t.due_at, t.id";
  std::vector<domain::Task> out;
  for_each_row(session, sql, p, [&](const soci::row& row) { out.push_back(task_from_row(row)); });
  return out;
}

std::size_t count_tasks(soci::session& session, const std::string& event_id) {
  Params p;
  long long n = 0;
  for_each_row(session, "SELECT count(*) FROM tasks WHERE event_id = " + p.add_uuid(event_id), p,
               [&](const soci::row& row) { n = row.get<long long>(0); });
  return static_cast<std::size_t>(n);
}

std::string insert_task(soci::session& session, const domain::Task& t) {
  Params p;
  const std::string sql = "INSERT INTO tasks (event_id, title, description, due_at) VALUES (" + p.add_uuid(t.event_id) +
                          ", " + p.add(t.title) + ", " + p.add(t.description) + ", " + p.add_us(t.due_at) +
                          ") RETURNING id::text";
  domain::Task stored = t;
  try {
    for_each_row(session, sql, p, [&](const soci::row& row) { stored.id = row.get<std::string>(0); });
    replace_audience(session, stored);
  } catch (const std::exception& e) {
    throw_if_task_constraint(e);
    throw;
  }
  return stored.id;
}

void update_task(soci::session& session, const domain::Task& t) {
  Params p;
  const std::string sql = "UPDATE tasks SET title = " + p.add(t.title) + ", description = " + p.add(t.description) +
                          ", due_at = " + p.add_us(t.due_at) + ", updated_at = now() WHERE id = " + p.add_uuid(t.id);
  try {
    execute(session, sql, p);
    replace_audience(session, t);
  } catch (const std::exception& e) {
    throw_if_task_constraint(e);
    throw;
  }
}

void delete_task(soci::session& session, const std::string& task_id) {
  Params p;
  execute(session, "DELETE FROM tasks WHERE id = " + p.add_uuid(task_id), p);
}

std::vector<ParticipantProgress> progress_of_task(soci::session& session, const domain::Task& t) {
  Params p;
  const std::string sql =
      "SELECT r.id::text, r.name, r.delegation_id::text, p.status, eventd_us(p.changed_at) "
      "FROM tasks t JOIN registrations r ON r.event_id = t.event_id "
      "LEFT JOIN task_progress p ON p.task_id = t.id AND p.registration_id = r.id "
      "WHERE t.id = " +
      p.add_uuid(t.id) + " AND r.status = 'confirmed' AND " + audience_condition + " ORDER BY r.seq";
  std::vector<ParticipantProgress> out;
  for_each_row(session, sql, p, [&](const soci::row& row) {
    out.push_back({row.get<std::string>(0), opt_text(row, 1), opt_text(row, 2), progress_from_row(row, 3)});
  });
  return out;
}

std::vector<TaskWithProgress> tasks_of_registration(soci::session& session, const std::string& event_id,
                                                    const std::optional<std::string>& delegation_id,
                                                    const std::string& registration_id) {
  Params p;
  const std::string registration = p.add_uuid(registration_id);
  // r stands for the registration (its delegation) in the audience condition.
  const std::string sql = std::string("SELECT ") + task_columns +
                          ", p.status, eventd_us(p.changed_at) FROM tasks t "
                          "CROSS JOIN (SELECT CAST(" +
                          p.add(delegation_id) +
                          " AS uuid) AS delegation_id) r "
                          "LEFT JOIN task_progress p ON p.task_id = t.id AND p.registration_id = " +
                          registration + " WHERE t.event_id = " + p.add_uuid(event_id) + " AND " + audience_condition +
                          " ORDER BY t.due_at, t.id";
  std::vector<TaskWithProgress> out;
  for_each_row(session, sql, p, [&](const soci::row& row) {
    out.push_back({task_from_row(row), progress_from_row(row, 9)});
  });
  return out;
}

std::vector<TaskWithGroupProgress> tasks_of_delegation(soci::session& session, const std::string& event_id,
                                                       const std::string& delegation_id) {
  Params p;
  // r stands for the delegation in the audience condition; m for its confirmed members.
  const std::string members =
      "FROM registrations m WHERE m.delegation_id = r.delegation_id AND m.status = 'confirmed' "
      "AND m.erased_at IS NULL";
  const std::string sql =
      std::string("SELECT ") + task_columns + ", (SELECT count(*) " + members + "), (SELECT count(*) " + members +
      " AND EXISTS (SELECT 1 FROM task_progress d WHERE d.task_id = t.id AND d.registration_id = m.id "
      "AND d.status = 'done')), eventd_us(GREATEST(t.updated_at, (SELECT max(GREATEST(m.updated_at, "
      "(SELECT d.changed_at FROM task_progress d WHERE d.task_id = t.id AND d.registration_id = m.id))) "
      "FROM registrations m WHERE m.delegation_id = r.delegation_id))) FROM tasks t "
      "CROSS JOIN (SELECT " +
      p.add_uuid(delegation_id) + " AS delegation_id) r WHERE t.event_id = " + p.add_uuid(event_id) + " AND " +
      audience_condition + " ORDER BY t.due_at, t.id";
  std::vector<TaskWithGroupProgress> out;
  for_each_row(session, sql, p, [&](const soci::row& row) {
    TaskWithGroupProgress t{task_from_row(row)};
    t.members = static_cast<int>(row.get<long long>(9));
    t.done = static_cast<int>(row.get<long long>(10));
    t.updated_at = from_us(row.get<long long>(11));
    out.push_back(std::move(t));
  });
  return out;
}

void set_progress(soci::session& session, const std::string& task_id, const std::string& registration_id,
                  domain::TaskStatus status, const std::string& changed_by) {
  Params p;
  execute(session,
          "INSERT INTO task_progress (task_id, registration_id, status, changed_by) VALUES (" + p.add_uuid(task_id) +
              ", " + p.add_uuid(registration_id) + ", " + p.add(std::string(domain::to_string(status))) + ", " +
              p.add(changed_by) +
              ") ON CONFLICT (task_id, registration_id) DO UPDATE SET status = EXCLUDED.status, "
              "changed_by = EXCLUDED.changed_by, changed_at = now() "
              "WHERE task_progress.status <> EXCLUDED.status",
          p);
}

std::vector<DueReminder> claim_due_reminders(soci::session& session, std::chrono::seconds lead) {
  Params p;
  const std::string sql =
      "INSERT INTO task_reminders (task_id, registration_id) "
      "SELECT t.id, r.id FROM tasks t JOIN events e ON e.id = t.event_id "
      "JOIN registrations r ON r.event_id = t.event_id "
      "WHERE t.due_at > now() AND t.due_at <= now() + make_interval(secs => CAST(" +
      p.add(std::to_string(lead.count())) +
      " AS double precision)) AND e.status = 'published' AND r.status = 'confirmed' AND r.erased_at IS NULL AND " +
      audience_condition +
      " AND NOT EXISTS (SELECT 1 FROM task_progress d WHERE d.task_id = t.id AND d.registration_id = r.id "
      "AND d.status = 'done') "
      "ORDER BY t.due_at, r.seq ON CONFLICT DO NOTHING RETURNING task_id::text, registration_id::text";
  std::vector<DueReminder> out;
  for_each_row(session, sql, p, [&](const soci::row& row) {
    out.push_back({row.get<std::string>(0), row.get<std::string>(1)});
  });
  return out;
}

}  // namespace eventd::db
