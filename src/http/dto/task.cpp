#include "http/dto/task.hpp"

#include "domain/event_time.hpp"
#include "http/dto/reader.hpp"

namespace eventd::http::dto {

namespace {

nlohmann::json optional_json(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json progress_members(const domain::TaskProgress& p, const domain::Task& t, domain::Instant now) {
  return {{"status", std::string(domain::to_string(p.status))},
          {"done_at", p.done_at ? nlohmann::json(domain::format_utc(*p.done_at)) : nlohmann::json(nullptr)},
          {"late", p.is_late(now, t.due_at)}};
}

}  // namespace

services::TaskDraft read_task(const nlohmann::json& body) {
  require_object(body);
  domain::Validator errors;
  ObjectReader r(body, errors);
  services::TaskDraft draft;
  domain::Task& t = draft.task;
  r.required("title");
  if (auto title = r.string("title")) t.title = *title;
  t.description = r.string("description");
  r.required("due_at");
  if (auto due = r.string("due_at")) {
    if (domain::is_event_time_form(*due)) {
      draft.due_at_text = *due;
    } else {
      auto refused = domain::read_event_time(*due, "");
      errors.add(r.field("due_at"), refused.code, std::move(refused.params));
    }
  }
  if (auto ids = r.strings("delegation_ids", domain::kMaxTaskDelegations)) t.delegation_ids = std::move(*ids);
  r.reject_unknown();
  draft.errors = errors.take();
  return draft;
}

nlohmann::json task_request_json(const domain::Task& t) {
  return {
      {"title", t.title},
      {"description", optional_json(t.description)},
      {"due_at", domain::format_utc(t.due_at)},
      {"delegation_ids", t.delegation_ids},
  };
}

nlohmann::json task_json(const domain::Task& t, const std::string& timezone) {
  return {
      {"id", t.id},
      {"event_id", t.event_id},
      {"title", t.title},
      {"description", optional_json(t.description)},
      {"due_at", domain::format_event_time(t.due_at, timezone)},
      {"delegation_ids", t.delegation_ids},
      {"created_at", domain::format_utc(t.created_at)},
      {"updated_at", domain::format_utc(t.updated_at)},
  };
}

nlohmann::json participant_progress_json(const db::ParticipantProgress& p, const domain::Task& t, domain::Instant now) {
  nlohmann::json out = progress_members(p.progress, t, now);
  out["registration_id"] = p.registration_id;
  out["name"] = optional_json(p.name);
  out["delegation_id"] = optional_json(p.delegation_id);
  return out;
}

nlohmann::json registration_task_json(const db::TaskWithProgress& t, const std::string& timezone, domain::Instant now) {
  nlohmann::json out = progress_members(t.progress, t.task, now);
  out["task"] = task_json(t.task, timezone);
  return out;
}

}  // namespace eventd::http::dto
