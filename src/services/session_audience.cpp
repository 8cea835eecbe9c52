#include "services/session_audience.hpp"

#include "db/session_repository.hpp"

namespace eventd::services {

std::vector<domain::FieldError> chosen_sessions_not_for(soci::session& s, const std::string& event_id,
                                                        const std::optional<std::string>& delegation_id,
                                                        const std::vector<std::string>& session_ids) {
  std::vector<domain::FieldError> errors;
  if (session_ids.empty()) return errors;
  const auto refused = db::sessions_not_for_audience(s, event_id, delegation_id, session_ids);
  if (!refused.empty()) {
    errors.push_back({"session_ids", domain::FieldCode("not_for_your_delegation"), {{"value", refused.front()}}});
  }
  return errors;
}

}  // namespace eventd::services
