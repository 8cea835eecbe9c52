#include "http/handlers/tasks.hpp"

#include "domain/error.hpp"
#include "http/auth.hpp"
#include "http/backend.hpp"
#include "http/conditional.hpp"
#include "http/context.hpp"
#include "http/dto/reader.hpp"
#include "http/dto/task.hpp"
#include "http/handlers/registrations.hpp"
#include "http/json.hpp"
#include "http/public_writes.hpp"
#include "services/task_service.hpp"

namespace eventd::http::handlers {

namespace {

Response task_response(int status, const services::TaskInEvent& found) {
  Response response = json_response(status, dto::task_json(found.task, found.timezone));
  set_validators(response, etag_for(found.task.id, found.task.version), found.task.updated_at);
  return response;
}

// A registration's tasks with its progress: personal data.
Response registration_tasks_response(const services::RegistrationTasks& found) {
  const auto now = domain::now();
  nlohmann::json items = nlohmann::json::array();
  for (const auto& t : found.items) items.push_back(dto::registration_task_json(t, found.timezone, now));
  Response response = json_response(200, {{"items", std::move(items)}, {"next_cursor", nullptr}});
  mark_personal(response);
  return response;
}

}  // namespace

boost::asio::awaitable<Response> create_task(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  auto draft = dto::read_task(parse_json_body(context.request));
  auto created = co_await services::create_task(context.backend.db, caller, context.param("id"), std::move(draft));
  auto response = task_response(201, created);
  response.headers.set(
      "Location", context.backend.public_url + "/v1/events/" + created.task.event_id + "/tasks/" + created.task.id);
  co_return response;
}

boost::asio::awaitable<Response> list_tasks(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  auto found = co_await services::list_tasks(context.backend.db, caller, context.param("id"));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& t : found.items) items.push_back(dto::task_json(t, found.timezone));
  // Every task of the event at once (db::kMaxTasksPerEvent): no next page.
  co_return json_response(200, {{"items", std::move(items)}, {"next_cursor", nullptr}});
}

boost::asio::awaitable<Response> get_task(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  auto found = co_await services::get_task(context.backend.db, caller, context.param("id"), context.param("task_id"));
  const std::string etag = etag_for(found.task.id, found.task.version);
  if (is_not_modified(context.request, etag, found.task.updated_at)) {
    co_return not_modified(etag, found.task.updated_at);
  }
  co_return task_response(200, found);
}

boost::asio::awaitable<Response> patch_task(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  auto patch = parse_json_body(context.request, /*merge_patch=*/true);
  dto::require_object(patch);
  const Request& request = context.request;
  auto change = [&patch, &request](const domain::Task& current, const std::string& timezone) {
    check_if_match(request, etag_for(current.id, current.version));
    auto read_only =
        dto::drop_read_only(patch, dto::task_json(current, timezone), {"id", "event_id", "created_at"}, {"updated_at"});
    nlohmann::json document = dto::task_request_json(current);
    document.merge_patch(patch);
    services::TaskDraft draft = dto::read_task(document);
    draft.errors.insert(draft.errors.end(), read_only.begin(), read_only.end());
    return draft;
  };
  auto updated =
      co_await services::patch_task(context.backend.db, caller, context.param("id"), context.param("task_id"), change);
  co_return task_response(200, updated);
}

boost::asio::awaitable<Response> delete_task(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  const Request& request = context.request;
  co_await services::delete_task(
      context.backend.db, caller, context.param("id"), context.param("task_id"),
      [&request](const domain::Task& current) { check_if_match(request, etag_for(current.id, current.version)); });
  Response response;
  response.status = 204;
  co_return response;
}

boost::asio::awaitable<Response> task_progress(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  bool late_only = false;
  if (auto value = context.query.get("late")) {
    if (*value != "true" && *value != "false")
      throw domain::Error(domain::Problem::bad_request, domain::detail("query_boolean", {{"name", "late"}}));
    late_only = *value == "true";
  }
  auto report =
      co_await services::task_progress(context.backend.db, caller, context.param("id"), context.param("task_id"));
  const auto now = domain::now();
  const domain::Task& task = report.task.task;
  int open = 0, done = 0, late = 0;
  nlohmann::json items = nlohmann::json::array();
  for (const auto& p : report.participants) {
    const bool is_late = p.progress.is_late(now, task.due_at);
    (p.progress.status == domain::TaskStatus::done ? done : open) += 1;
    late += is_late ? 1 : 0;
    if (!late_only || is_late) items.push_back(dto::participant_progress_json(p, task, now));
  }
  Response response = json_response(200, {{"task", dto::task_json(task, report.task.timezone)},
                                          {"counts", {{"open", open}, {"done", done}, {"late", late}}},
                                          {"items", std::move(items)},
                                          {"next_cursor", nullptr}});
  mark_personal(response);
  co_return response;
}

boost::asio::awaitable<Response> list_registration_tasks(RequestContext& context) {
  auto access = co_await registration_access_of(context);
  auto found = co_await services::registration_tasks(context.backend.db, context.param("id"), access);
  co_return registration_tasks_response(found);
}

boost::asio::awaitable<Response> set_registration_task(RequestContext& context) {
  auto access = co_await registration_access_of(context);
  auto body = parse_json_body(context.request);
  dto::require_object(body);
  domain::Validator errors;
  dto::ObjectReader reader(body, errors);
  reader.required("status");
  auto status = reader.enumeration("status", &domain::parse_task_status, "open, done");
  reader.reject_unknown();
  errors.throw_if_any();
  auto updated = co_await services::set_task_status(context.backend.db, context.param("id"), context.param("task_id"),
                                                    *status, access);
  co_return registration_tasks_response(updated);
}

}  // namespace eventd::http::handlers
