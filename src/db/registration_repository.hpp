#pragma once
// SQL for registrations and their counts (schema/004_registrations.sql).
// Callers that change who holds a seat lock the event row first (lock_event_for_seats).
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "domain/event.hpp"
#include "domain/registration.hpp"

namespace soci {
class session;
}

namespace eventd::db {

// A registration with what authorisation needs: the owning organisation and the stored
// manage-token hash (hex), never shown to anyone.
struct RegistrationRecord {
  domain::Registration registration;
  std::string organiser_id;       // of the event
  std::string manage_token_hash;  // hex SHA-256
  std::string resent_token_hash;  // hex SHA-256 of the token in the last registration_link_resent, or empty
};

// The event row locked FOR NO KEY UPDATE: serialises every seat decision of one event, in
// any number of eventd instances, without blocking sessions or other registrations' FKs.
std::optional<domain::Event> lock_event_for_seats(soci::session& session, const std::string& event_id_or_slug);

struct SeatCounts {
  int confirmed = 0;
  int waitlisted = 0;
};
SeatCounts seat_counts(soci::session& session, const std::string& event_id);

struct NewRegistration {
  std::string event_id;
  domain::RegistrationStatus status = domain::RegistrationStatus::confirmed;
  domain::Participant participant;
  std::vector<std::string> session_ids;
  std::string manage_token_hash;  // hex
  std::string feed_token_hash;    // hex
  std::optional<std::string> delegation_id{};
};

// 409 when the e-mail address holds a live registration for the event already.
RegistrationRecord insert_registration(soci::session& session, const NewRegistration& r);
// Several in one statement (a batch of sign-ups), in this order (their seq follows it), with
// their chosen sessions. A row whose address holds a live registration for the event is
// skipped: it is not among the records returned. The records' waitlist_position is not set:
// the caller, holding the event's lock, counts it (the waitlisted before these, plus their own).
std::vector<RegistrationRecord> insert_registrations(soci::session& session, const std::vector<NewRegistration>& rows);

std::optional<RegistrationRecord> find_registration(soci::session& session, const std::string& id,
                                                    bool for_update = false);
// The id of the registration whose manage token (or resent token) has this hash.
std::optional<std::string> find_registration_id_by_manage_hash(soci::session& session, const std::string& hash);

// The live registration of this address for the event (the one registrations_email_key would
// collide with), locked FOR UPDATE; call it under the event's seat lock.
std::optional<std::string> find_live_registration_by_email(soci::session& session, const std::string& event_id,
                                                           const std::string& email);
// Notes a resend of the registration's links when the last one is at least `interval` ago
// (or there was none); false, and nothing changed, otherwise (schema/018). Resends made
// before schema/024 stored a second manage token (resent_token_hash), which keeps working.
bool claim_link_resend(soci::session& session, const std::string& id, std::chrono::seconds interval);
// The resent token becomes the manage token (the first one stops working).
void promote_resent_token(soci::session& session, const std::string& id);
std::optional<RegistrationRecord> find_registration_by_feed_hash(soci::session& session, const std::string& hash);

// Those of `session_ids` that are not programme items of the event (for a 422).
std::vector<std::string> foreign_session_ids(soci::session& session, const std::string& event_id,
                                             const std::vector<std::string>& session_ids);

// Writes the participant's data and chosen sessions; 409 when the new e-mail address is taken.
void update_participant(soci::session& session, const std::string& id, const domain::Participant& p,
                        const std::vector<std::string>& session_ids);
void cancel_registration(soci::session& session, const std::string& id);
// Removes the personal data (name, e-mail, organisation, country, needs) and the chosen
// sessions; the row, its status and times stay so counts and history add up.
void erase_registration(soci::session& session, const std::string& id, const std::string& reason);
// Confirms the first `n` waitlisted registrations of the event, in arrival order, passing over
// those whose delegation is at its quota; their ids.
std::vector<std::string> promote_waitlisted(soci::session& session, const std::string& event_id, int n);
// A new feed token hash; bumps feed_generation.
void rotate_feed_token(soci::session& session, const std::string& id, int generation, const std::string& feed_hash);

struct RegistrationFilter {
  std::string event_id;
  std::optional<std::string> status;
  std::optional<std::string> delegation_id;
  std::optional<std::string> q;
  std::optional<long long> after_seq;  // cursor: arrival order
  std::size_t limit = 50;
};
struct RegistrationListRow {
  domain::Registration registration;
  long long seq = 0;
};
std::vector<RegistrationListRow> list_registrations(soci::session& session, const RegistrationFilter& filter);

// Every registration held for this address (any letter case), of events of the organisation
// (or all, for nullopt), with the event's id, slug and title.
struct PersonalRecord {
  domain::Registration registration;
  std::string event_slug;
  std::string event_title;
  std::optional<domain::Instant> event_starts_at;
  std::string event_timezone;                            // IANA, the event's
  std::optional<std::string> organisation_frontend_url;  // the organiser's own website (schema/024)
};
std::vector<PersonalRecord> registrations_of_email(soci::session& session, const std::string& email,
                                                   const std::optional<std::string>& organisation_id);

// Anonymises (erased_reason 'retention') the registrations of events that ended before
// `cutoff`; the number of registrations anonymised.
long long anonymise_registrations_of_ended_events(soci::session& session, domain::Instant cutoff);

}  // namespace eventd::db
