#pragma once
// Who a programme item is for, where a registration names sessions (issue 21): a
// registration chooses only sessions for everyone and for its own delegation.
#include <optional>
#include <string>
#include <vector>

#include "domain/validation.hpp"

namespace soci {
class session;
}

namespace eventd::services {

// The field errors of a registration's `session_ids` (sessions of `event_id`) that are not for
// a member of `delegation_id` (none: a registration without a delegation): another
// delegation's legs. One error on `session_ids` naming the first such session, as
// foreign_programme_item does; empty when every choice is for it.
std::vector<domain::FieldError> chosen_sessions_not_for(soci::session& s, const std::string& event_id,
                                                        const std::optional<std::string>& delegation_id,
                                                        const std::vector<std::string>& session_ids);

}  // namespace eventd::services
