#pragma once
// A traveller's passport details (issue 21, "Travel data is special"). Written by whoever
// reaches the registration (its participant, the organiser, the delegation's leader), read
// only by the event's organisers and admins, sealed at rest under EVENTD_DATA_KEY and bound
// to the registration (a sealed text copied to another row opens nowhere), never in lists,
// feeds or messages; the CSV export carries them only when asked. Deleted with the
// registration's cancellation or erasure, and EVENTD_TRAVEL_DATA_DAYS after the trip.
#include <boost/asio/awaitable.hpp>
#include <map>
#include <optional>
#include <string>

#include "domain/api_key.hpp"
#include "domain/travel_document.hpp"
#include "services/registration_service.hpp"

namespace eventd::services {

class Database;

// What the client sent, read and type-checked (http/dto).
struct TravelDocumentDraft {
  domain::TravelDocument document;
  std::vector<domain::FieldError> errors;
};

struct StoredTravelDocument {
  domain::TravelDocument document;
  domain::Instant updated_at{};
};

// `data_key`: EVENTD_DATA_KEY (empty: travel data cannot be kept, a 409 saying so).
boost::asio::awaitable<void> put_travel_document(Database& db, std::string data_key, std::string registration_id,
                                                 RegistrationAccess access, TravelDocumentDraft draft);
// The event's organisers and admins only (403 for the participant and the leader, who gave
// them); 404 when there are none.
boost::asio::awaitable<StoredTravelDocument> get_travel_document(Database& db, std::string data_key,
                                                                 std::string registration_id,
                                                                 RegistrationAccess access);
// Whoever reaches the registration; 404 when there were none.
boost::asio::awaitable<void> erase_travel_document(Database& db, std::string registration_id,
                                                   RegistrationAccess access);

// Registration id → its document, for the organiser's export of the event's registrations
// (the organiser or an admin: the caller was authorised by the export itself).
std::map<std::string, domain::TravelDocument> open_travel_documents_of_event(soci::session& s,
                                                                             const std::string& data_key,
                                                                             const std::string& event_id);

}  // namespace eventd::services
