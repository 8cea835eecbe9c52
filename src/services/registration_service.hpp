#pragma once
// Use cases of registrations (api.md, "Registrations"): registering with seats decided under
// the event's row lock, the participant's own access by manage token, organisers' lists and
// exports, cancellation with promotion from the waitlist, erasure and retention.
#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/registration_repository.hpp"
#include "domain/api_key.hpp"
#include "domain/registration.hpp"
#include "domain/travel_document.hpp"
#include "services/idempotency.hpp"
#include "services/mail_outbox.hpp"
#include "services/token_access.hpp"

namespace soci {
class session;
}

namespace eventd::services {

class Database;
class RegistrationDesk;

// What the client sent, read and type-checked (http/dto).
struct RegistrationDraft {
  domain::Participant participant;
  std::vector<std::string> session_ids;
  std::optional<std::string> delegation_id;  // set at sign-up only (a seat of its quota)
  bool consent = false;
  std::vector<domain::FieldError> errors;  // found while reading, reported with the service's own
};

// What the holder's seat gives them (the `access` block): the stream link and platform when
// entitled (domain::may_see_stream), the waitlist position, and what happens next.
struct RegistrationEntitlement {
  std::optional<std::string> stream_url;
  std::optional<std::string> platform;
  std::optional<int> waitlist_position;
  std::string next;  // "attend", "wait_for_seat", "none" (cancelled), "ended"
};

// A new registration with its secrets in clear, shown this once, and its holder's access.
struct NewRegistrationResult {
  domain::Registration registration;
  std::string manage_token;
  std::string feed_token;
  RegistrationEntitlement entitlement{};
  std::optional<std::string> organisation_frontend_url{};  // where its page links lead
};

// Renders the 201 answer of a new registration (in the transaction, so a retry gets the same).
using RenderRegistration = std::function<StoredResponse(const NewRegistrationResult&)>;

// Registers for a published event; the confirmation (or waitlist) message goes to the outbox
// in the same transaction. 404 unknown/invisible event; 409 outside the window,
// full without waitlist, or the e-mail already registered; 422 invalid fields, no consent,
// or a session of another event. With `idempotency`: a retry with the same key and body gets
// the first answer (`replayed`), the same key with another body is a 422.
struct RegistrationAnswer {
  StoredResponse response;
  bool replayed = false;
};
// Decided with the other sign-ups of the event that arrive meanwhile (RegistrationDesk):
// one transaction and one commit for all of them, each decided in the order it came.
boost::asio::awaitable<RegistrationAnswer> register_participant(RegistrationDesk& desk, std::string event_ref,
                                                                RegistrationDraft draft,
                                                                std::optional<IdempotencyRequest> idempotency,
                                                                RenderRegistration render, MailContext mail);

// Who asks about one registration: an API key's caller, or the holder of a manage token.
struct RegistrationAccess {
  domain::Caller caller = domain::Caller::anonymous();
  std::optional<std::string> manage_token;
  std::optional<std::string> person_token{};  // evu_…: a person whose address the registration has
  // evd_…: the leader of the registration's delegation, who sees and changes it as its
  // organiser would (not as its holder: no feed link, no stream link).
  std::optional<std::string> leader_token{};
};

// With the plain manage token, when the participant asked (to show their feed link).
struct RegistrationView {
  domain::Registration registration;
  std::string organiser_id;
  bool by_participant = false;
  // With the token of a registration_link_resent: the feed link, derived from the first
  // manage token, cannot be shown (renewing it makes the resent token the manage token).
  bool by_resent_token = false;
  // For the holder (manage token or person), not for an organiser.
  std::optional<RegistrationEntitlement> entitlement{};
  std::string event_slug{};
  std::optional<std::string> organisation_frontend_url{};  // where its page links lead
};

// 401 without credentials or with a token that is no registration's; 403 for an organiser of
// another organisation; 404 for no such registration and, alike, for another registration's token.
boost::asio::awaitable<RegistrationView> get_registration(Database& db, std::string id, RegistrationAccess access);

// The registration `access` reaches, in the caller's transaction, with the same answers as
// get_registration (401, 403, 404); `by_participant` for its holder (manage token, person),
// false for an organiser, admin or the delegation's leader. `for_update` locks it.
struct ReachedRegistration {
  db::RegistrationRecord record;
  bool by_participant = false;
};
ReachedRegistration reach_registration(soci::session& s, const std::string& id, const RegistrationAccess& access,
                                       bool for_update);

using RegistrationPatcher = std::function<RegistrationDraft(const domain::Registration& current)>;
using RegistrationPrecondition = std::function<void(const domain::Registration& current)>;

// Name, e-mail, organisation, country, needs and chosen sessions; 409 once cancelled or erased.
boost::asio::awaitable<RegistrationView> patch_registration(Database& db, std::string id, RegistrationAccess access,
                                                            RegistrationPatcher patch);

// Cancels (a confirmed seat goes to the first waitlisted registration, in the same
// transaction); with `erase`, also removes the personal data. Cancelling twice is fine.
// Messages: the cancellation (none with `erase`: nothing of the person is kept, not even a
// letter to them) and each promotion.
boost::asio::awaitable<void> cancel_registration(Database& db, std::string id, RegistrationAccess access, bool erase,
                                                 RegistrationPrecondition precondition, MailContext mail);

// The same in the caller's transaction, for a caller already authorised (DELETE /v1/me).
void cancel_registration_in(soci::session& s, const std::string& id, bool erase,
                            const RegistrationPrecondition& precondition, const MailContext& mail);

// A new personal feed link (the old one stops working); participant only.
boost::asio::awaitable<std::string> rotate_feed_token(Database& db, std::string id, RegistrationAccess access);

struct RegistrationListQuery {
  std::optional<domain::RegistrationStatus> status;
  std::optional<std::string> delegation_id;
  // With a delegation's leader token instead of a key: that delegation's registrations only.
  std::optional<std::string> leader_token;
  // The export with the travellers' passport details (organisers and admins only), opened
  // with EVENTD_DATA_KEY.
  bool travel_documents = false;
  std::string data_key{};
  std::optional<std::string> q;
  std::optional<long long> after_seq;
  std::size_t limit = 50;
};
struct RegistrationPage {
  std::vector<domain::Registration> items;
  std::optional<long long> next_seq;
  std::map<std::string, domain::TravelDocument> travel_documents{};  // by registration id, when asked
};
// The organiser of the event (or an admin), or the leader of the delegation asked for; 404 for
// an event the caller may not see.
boost::asio::awaitable<RegistrationPage> list_registrations(Database& db, const domain::Caller& caller,
                                                            std::string event_ref, RegistrationListQuery query);

// Everything held about one e-mail address: an organiser sees its own events' records, an
// admin all.
boost::asio::awaitable<std::vector<db::PersonalRecord>> personal_data(Database& db, const domain::Caller& caller,
                                                                      std::string email);

// Anonymises the registrations and media requests of events that ended more than
// `retention_days` ago, drops idempotent answers older than a day and the tombstones of
// deleted sessions whose event is over (no feed shows them any more); what it did, for the log.
struct RetentionReport {
  long long anonymised = 0;
  long long media_requests_anonymised = 0;
  long long idempotency_keys_dropped = 0;
  long long session_tombstones_dropped = 0;
  long long person_secrets_dropped = 0;   // expired sign-in codes and person sessions
  long long rate_buckets_dropped = 0;     // shared rate-limit buckets full again (schema/027)
  long long travel_documents_erased = 0;  // passport details of trips past EVENTD_TRAVEL_DATA_DAYS (schema/034)
};
RetentionReport apply_retention(Database& db, int retention_days, int travel_data_days);

// The stream link a registration's standing entitles its holder to (domain::may_see_stream),
// and the whole `access` block.
std::optional<std::string> entitled_stream_url(const domain::Event& e, const domain::Registration& r);
RegistrationEntitlement entitlement_of(const domain::Event& e, const domain::Registration& r);

// The feed token of a registration, from its manage token (see secrets.hpp).
std::string feed_token_for(std::string_view manage_token, int generation);

}  // namespace eventd::services
