#include "domain/task.hpp"

#include <algorithm>

#include "domain/validation.hpp"

namespace eventd::domain {

std::vector<FieldError> check_task(const Task& t) {
  Validator v;
  v.text("title", t.title, 1, kMaxTaskTitleLength);
  v.optional_text("description", t.description, kMaxTaskDescriptionLength);
  return v.take();
}

bool is_for(const Task& t, const std::optional<std::string>& delegation_id) {
  if (t.delegation_ids.empty()) return true;
  return delegation_id &&
         std::find(t.delegation_ids.begin(), t.delegation_ids.end(), *delegation_id) != t.delegation_ids.end();
}

}  // namespace eventd::domain
