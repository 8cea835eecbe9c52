#pragma once
// SQL for the sealed passport details of study trips' travellers (schema/034_travel_data.sql).
// Only sealed text passes here: sealing and opening is services/travel_data_service.hpp's.
#include <map>
#include <optional>
#include <string>

#include "domain/time.hpp"

namespace soci {
class session;
}

namespace eventd::db {

struct SealedTravelDocument {
  std::string sealed;  // hex
  domain::Instant updated_at{};
};

void put_travel_document(soci::session& session, const std::string& registration_id, const std::string& event_id,
                         const std::string& sealed);
std::optional<SealedTravelDocument> find_travel_document(soci::session& session, const std::string& registration_id);
// Whether there was one.
bool delete_travel_document(soci::session& session, const std::string& registration_id);
// Registration id → sealed text, for the event's export.
std::map<std::string, std::string> sealed_travel_documents_of_event(soci::session& session,
                                                                    const std::string& event_id);
// Those of trips that ended before `cutoff`, and those of registrations erased meanwhile;
// how many.
long long delete_travel_documents_past(soci::session& session, domain::Instant cutoff);

}  // namespace eventd::db
