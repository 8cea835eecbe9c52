#include "services/travel_document_service.hpp"

#include <soci/soci.h>

#include <nlohmann/json.hpp>

#include "db/travel_document_repository.hpp"
#include "domain/validation.hpp"
#include "services/database.hpp"
#include "services/secrets.hpp"

namespace eventd::services {

namespace {

using domain::detail;
using domain::Error;
using domain::Problem;

// The key of one registration's document: a sealed text opens only for its own row.
std::string key_material(const std::string& data_key, const std::string& registration_id) {
  return data_key + "\x1ftravel-document\x1f" + registration_id;
}

void require_key(const std::string& data_key) {
  if (data_key.empty()) throw Error(Problem::conflict, detail("travel_data_needs_key"));
}

nlohmann::json optional_json(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}
nlohmann::json optional_date(const std::optional<domain::Date>& value) {
  return value ? nlohmann::json(domain::format_date(*value)) : nlohmann::json(nullptr);
}
std::optional<std::string> text_of(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::string plaintext_of(const domain::TravelDocument& d) {
  return nlohmann::json{{"passport_number", optional_json(d.passport_number)},
                        {"issuing_country", optional_json(d.issuing_country)},
                        {"passport_expires_on", optional_date(d.passport_expires_on)},
                        {"date_of_birth", optional_date(d.date_of_birth)},
                        {"nationality", optional_json(d.nationality)}}
      .dump();
}

domain::TravelDocument document_of(const std::string& plaintext) {
  const auto j = nlohmann::json::parse(plaintext);
  domain::TravelDocument d;
  d.passport_number = text_of(j, "passport_number");
  d.issuing_country = text_of(j, "issuing_country");
  if (auto date = text_of(j, "passport_expires_on")) d.passport_expires_on = domain::parse_date(*date);
  if (auto date = text_of(j, "date_of_birth")) d.date_of_birth = domain::parse_date(*date);
  d.nationality = text_of(j, "nationality");
  return d;
}

// A document sealed under another key (EVENTD_DATA_KEY was replaced) does not open: said so,
// never guessed at.
domain::TravelDocument opened(const std::string& data_key, const std::string& registration_id,
                              const std::string& sealed) {
  auto plaintext = unseal(sealed, key_material(data_key, registration_id));
  if (!plaintext) throw Error(Problem::conflict, detail("travel_data_other_key"));
  return document_of(*plaintext);
}

}  // namespace

boost::asio::awaitable<void> put_travel_document(Database& db, std::string data_key, std::string registration_id,
                                                 RegistrationAccess access, TravelDocumentDraft draft) {
  co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    auto reached = reach_registration(s, registration_id, access, true);
    const domain::Registration& r = reached.record.registration;
    if (r.is_erased()) throw Error(Problem::data_erased, detail("registration_erased_nothing_to_change"));
    if (!r.is_active()) throw Error(Problem::registration_cancelled);
    domain::Validator v;
    v.append(draft.errors);
    v.append_unreported(domain::check_travel_document(draft.document));
    v.throw_if_any();
    require_key(data_key);
    db::put_travel_document(s, r.id, r.event_id, seal(plaintext_of(draft.document), key_material(data_key, r.id)));
    tx.commit();
    return 0;
  });
}

boost::asio::awaitable<StoredTravelDocument> get_travel_document(Database& db, std::string data_key,
                                                                 std::string registration_id,
                                                                 RegistrationAccess access) {
  StoredTravelDocument found = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    auto reached = reach_registration(s, registration_id, access, false);
    if (reached.by_participant || access.leader_token) {
      throw Error(Problem::forbidden, detail("organiser_reads_travel_data"));
    }
    auto stored = db::find_travel_document(s, reached.record.registration.id);
    if (!stored) throw domain::not_found("travel_document");
    require_key(data_key);
    StoredTravelDocument out{opened(data_key, reached.record.registration.id, stored->sealed), stored->updated_at};
    tx.commit();
    return out;
  });
  co_return found;
}

boost::asio::awaitable<void> erase_travel_document(Database& db, std::string registration_id,
                                                   RegistrationAccess access) {
  co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    auto reached = reach_registration(s, registration_id, access, true);
    if (!db::delete_travel_document(s, reached.record.registration.id)) throw domain::not_found("travel_document");
    tx.commit();
    return 0;
  });
}

std::map<std::string, domain::TravelDocument> open_travel_documents_of_event(soci::session& s,
                                                                             const std::string& data_key,
                                                                             const std::string& event_id) {
  std::map<std::string, domain::TravelDocument> out;
  const auto sealed = db::sealed_travel_documents_of_event(s, event_id);
  if (sealed.empty()) return out;
  require_key(data_key);
  for (const auto& [registration_id, text] : sealed) out[registration_id] = opened(data_key, registration_id, text);
  return out;
}

}  // namespace eventd::services
