#include "db/travel_document_repository.hpp"

#include <soci/soci.h>

#include "db/statement.hpp"
#include "db/support.hpp"

namespace eventd::db {

void put_travel_document(soci::session& session, const std::string& registration_id, const std::string& event_id,
                         const std::string& sealed) {
  Params p;
  execute(session,
          "INSERT INTO travel_documents (registration_id, event_id, sealed) VALUES (" + p.add_uuid(registration_id) +
              ", " + p.add_uuid(event_id) + ", " + p.add(sealed) +
              ") ON CONFLICT (registration_id) DO UPDATE SET sealed = EXCLUDED.sealed, updated_at = now()",
          p);
}

std::optional<SealedTravelDocument> find_travel_document(soci::session& session, const std::string& registration_id) {
  Params p;
  std::optional<SealedTravelDocument> found;
  for_each_row(session,
               "SELECT sealed, eventd_us(updated_at) FROM travel_documents WHERE registration_id = " +
                   p.add_uuid(registration_id),
               p, [&](const soci::row& row) {
                 found = SealedTravelDocument{row.get<std::string>(0), from_us(row.get<long long>(1))};
               });
  return found;
}

bool delete_travel_document(soci::session& session, const std::string& registration_id) {
  Params p;
  bool deleted = false;
  for_each_row(session,
               "DELETE FROM travel_documents WHERE registration_id = " + p.add_uuid(registration_id) + " RETURNING 1",
               p, [&](const soci::row&) { deleted = true; });
  return deleted;
}

std::map<std::string, std::string> sealed_travel_documents_of_event(soci::session& session,
                                                                    const std::string& event_id) {
  Params p;
  std::map<std::string, std::string> out;
  for_each_row(session,
               "SELECT registration_id::text, sealed FROM travel_documents WHERE event_id = " + p.add_uuid(event_id), p,
               [&](const soci::row& row) { out[row.get<std::string>(0)] = row.get<std::string>(1); });
  return out;
}

long long delete_travel_documents_past(soci::session& session, domain::Instant cutoff) {
  Params p;
  long long n = 0;
  for_each_row(session,
               "WITH gone AS (DELETE FROM travel_documents t USING events e, registrations r "
               "WHERE e.id = t.event_id AND r.id = t.registration_id "
               "AND (upper(e.during) < " +
                   p.add_us(cutoff) +
                   " OR r.erased_at IS NOT NULL OR r.status = 'cancelled') RETURNING 1) "
                   "SELECT count(*) FROM gone",
               p, [&](const soci::row& row) { n = row.get<long long>(0); });
  return n;
}

}  // namespace eventd::db
