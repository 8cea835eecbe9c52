#include "services/registration_service.hpp"

#include <soci/soci.h>

#include <chrono>
#include <set>

#include "db/delegation_repository.hpp"
#include "db/event_repository.hpp"
#include "db/idempotency_repository.hpp"
#include "db/media_request_repository.hpp"
#include "db/person_repository.hpp"
#include "db/rate_limit_repository.hpp"
#include "db/session_repository.hpp"
#include "db/sql_error.hpp"
#include "db/travel_document_repository.hpp"
#include "domain/delegation.hpp"
#include "domain/error.hpp"
#include "domain/event_rules.hpp"
#include "domain/validation.hpp"
#include "services/database.hpp"
#include "services/delegation_service.hpp"
#include "services/person_service.hpp"
#include "services/registration_desk.hpp"
#include "services/secrets.hpp"
#include "services/session_audience.hpp"
#include "services/token_access.hpp"
#include "services/travel_document_service.hpp"
#include "services/webhook_service.hpp"

namespace eventd::services {

namespace {

using domain::detail;
using domain::Error;
using domain::Problem;

constexpr std::string_view kManageTokenPrefix = "evm_";
constexpr std::string_view kFeedTokenPrefix = "evf_";
constexpr std::size_t kMaxSessionIds = domain::kMaxChosenSessions;
// At most one registration_link_resent per registration in this time, so repeated sign-ups
// with someone's address cannot flood their inbox.
constexpr std::chrono::seconds kLinkResendInterval = std::chrono::minutes(15);
// The stored Idempotency-Key answers of this route (see db::erase_answers_of).
constexpr const char* kRegistrationScopes = "POST /v1/events/%/registrations";

// Field rules that need the event: consent, and sessions from its own programme.
void validate(soci::session& s, const std::string& event_id, const RegistrationDraft& draft, bool creating) {
  domain::Validator v;
  v.append(draft.errors);
  for (auto& e : domain::check_participant(draft.participant)) {
    bool reported = false;
    for (const auto& r : draft.errors) reported = reported || r.field == e.field;
    if (!reported) v.add(std::move(e.field), e.code, std::move(e.params));
  }
  if (creating && !draft.consent) {
    v.add("consent", domain::FieldCode("consent_required"));
  }
  if (!creating && !draft.consent) {
    v.add("consent", domain::FieldCode("consent_not_withdrawable"));
  }
  if (draft.session_ids.size() > kMaxSessionIds) {
    v.add("session_ids", domain::FieldCode("too_many_programme_items"), {{"max", std::to_string(kMaxSessionIds)}});
  } else if (!draft.session_ids.empty()) {
    const auto foreign = db::foreign_session_ids(s, event_id, draft.session_ids);
    if (!foreign.empty()) {
      v.add("session_ids", domain::FieldCode("foreign_programme_item"), {{"value", foreign.front()}});
    }
    v.append_unreported(chosen_sessions_not_for(s, event_id, draft.delegation_id, draft.session_ids));
  }
  if (creating && draft.delegation_id && !db::find_delegation(s, event_id, *draft.delegation_id)) {
    v.add("delegation_id", domain::FieldCode("unknown_delegation"));
  }
  v.throw_if_any();
}

TokenRecordKind registration_kind(soci::session& s) {
  return TokenRecordKind{
      "registration", "Registration", "manage token",
      [&s](const std::string& hash) { return db::find_registration_id_by_manage_hash(s, hash).has_value(); },
      [&s](const std::string& token) { return find_person(s, token); }};
}

TokenOrKey who_of(const RegistrationAccess& access) {
  return {access.caller, access.manage_token, access.person_token};
}

// Whether the token is the one of the last registration_link_resent (schema/018).
bool is_resent_token(const db::RegistrationRecord& record, const RegistrationAccess& access) {
  return access.manage_token && !record.resent_token_hash.empty() &&
         constant_time_equal(secret_hash(*access.manage_token), record.resent_token_hash);
}

// Whether the access may see and act on this registration; throws 401/403/404 otherwise.
// Returns true when it is the participant (manage token, or the resent one), false for an
// organiser/admin.
bool authorise(soci::session& s, const db::RegistrationRecord& record, const RegistrationAccess& access) {
  if (access.leader_token) {
    // A leader reaches the registrations of their own delegation; another one is as if it
    // did not exist (token_access.hpp's rule).
    if (record.registration.delegation_id != leader_of(s, *access.leader_token).delegation_id) {
      throw domain::not_found("registration");
    }
    return false;
  }
  std::optional<std::string> email;
  if (record.registration.participant) email = record.registration.participant->email;
  return authorise_holder_or_manager(who_of(access), {record.manage_token_hash, record.resent_token_hash},
                                     record.organiser_id, email, registration_kind(s));
}

// A second sign-up with the address of a live registration: the holder is sent the links to
// their registration again (fresh single-use codes, as in every message), at most once per
// kLinkResendInterval. The caller learns nothing of it either way.
void resend_link(soci::session& s, const MailContext& mail, const std::string& registration_id) {
  if (!db::claim_link_resend(s, registration_id, kLinkResendInterval)) return;
  enqueue_registration_message(s, mail, MailKind::registration_link_resent, registration_id);
}

db::RegistrationRecord load(soci::session& s, const std::string& id, const RegistrationAccess& access,
                            bool for_update) {
  auto record = db::find_registration(s, id, for_update);
  if (!record && access.leader_token) {
    leader_of(s, *access.leader_token);  // 401 for a token of no delegation
    throw domain::not_found("registration");
  }
  if (!record) throw_missing_record(who_of(access), registration_kind(s));
  return std::move(*record);
}

domain::Event lock_event(soci::session& s, const std::string& event_id) {
  auto event = db::lock_event_for_seats(s, event_id);
  if (!event) throw domain::not_found("event");
  return std::move(*event);
}

// What one caller is shown: the holder also sees what their seat entitles them to.
RegistrationView view_of(soci::session& s, domain::Registration registration, std::string organiser_id,
                         bool participant, bool resent) {
  RegistrationView view{std::move(registration), std::move(organiser_id), participant, resent};
  auto event = db::find_event(s, view.registration.event_id);
  if (!event) throw domain::not_found("event");
  view.event_slug = event->slug;
  view.organisation_frontend_url = event->organiser_frontend_url;
  if (participant) view.entitlement = entitlement_of(*event, view.registration);
  return view;
}

}  // namespace

std::optional<std::string> entitled_stream_url(const domain::Event& e, const domain::Registration& r) {
  using enum domain::StreamAudience;
  switch (r.status) {
    case domain::RegistrationStatus::confirmed:
      return domain::stream_url_for(e, confirmed_registrant);
    case domain::RegistrationStatus::waitlisted:
      return domain::stream_url_for(e, waitlisted);
    case domain::RegistrationStatus::cancelled:
      break;
  }
  return domain::stream_url_for(e, anyone);
}

RegistrationEntitlement entitlement_of(const domain::Event& e, const domain::Registration& r) {
  RegistrationEntitlement out;
  out.stream_url = entitled_stream_url(e, r);
  if (e.online && e.online->platform) out.platform = e.online->platform;
  out.waitlist_position = r.waitlist_position;
  const bool over = domain::event_interval(e).second <= domain::now();
  if (r.status == domain::RegistrationStatus::cancelled || e.status == domain::EventStatus::cancelled) {
    out.next = "none";
  } else if (over) {
    out.next = "ended";
  } else if (r.status == domain::RegistrationStatus::waitlisted) {
    out.next = "wait_for_seat";
  } else {
    out.next = "attend";
  }
  return out;
}

std::string feed_token_for(std::string_view manage_token, int generation) {
  return derive_secret(manage_token, "feed:" + std::to_string(generation), kFeedTokenPrefix);
}

namespace {

// A sign-up on its way through the desk: what the client sent, the secrets made for it, and
// the answer once decided.
struct RegistrationSignup : RegistrationDesk::Signup {
  RegistrationDraft draft;
  std::optional<IdempotencyRequest> idempotency;
  RenderRegistration render;
  MailContext mail;
  std::string manage_token;
  std::string feed_token;
  RegistrationAnswer answer{};
};

// What every sign-up of a batch shares: the event, locked, with what its messages show (read
// once for the batch), and its seats as decided so far.
struct SeatState {
  domain::Event event;
  std::optional<Error> refusal;  // the event takes no registrations now
  int confirmed = 0;
  int waitlisted = 0;
  EventParts parts;
};

domain::RegistrationStatus status_of(domain::Admission admission) {
  return admission == domain::Admission::confirmed ? domain::RegistrationStatus::confirmed
                                                   : domain::RegistrationStatus::waitlisted;
}

MailKind message_of(domain::RegistrationStatus status) {
  return status == domain::RegistrationStatus::confirmed ? MailKind::registration_confirmed
                                                         : MailKind::registration_waitlisted;
}

db::NewRegistration row_of(const domain::Event& event, domain::RegistrationStatus status,
                           const RegistrationSignup& signup) {
  db::NewRegistration row;
  row.event_id = event.id;
  row.status = status;
  row.participant = signup.draft.participant;
  row.session_ids = signup.draft.session_ids;
  row.delegation_id = signup.draft.delegation_id;
  row.manage_token_hash = secret_hash(signup.manage_token);
  row.feed_token_hash = secret_hash(signup.feed_token);
  return row;
}

void count_seat(SeatState& seats, domain::RegistrationStatus status) {
  if (status == domain::RegistrationStatus::confirmed) ++seats.confirmed;
  if (status == domain::RegistrationStatus::waitlisted) ++seats.waitlisted;
}

// What the new registration's holder is answered.
NewRegistrationResult created_of(const domain::Event& event, const domain::Registration& registration,
                                 const RegistrationSignup& signup) {
  NewRegistrationResult created{registration, signup.manage_token, signup.feed_token};
  created.entitlement = entitlement_of(event, created.registration);
  created.organisation_frontend_url = event.organiser_frontend_url;
  return created;
}

// One sign-up on its own, in the batch's transaction: one with an Idempotency-Key, of an
// address registered already, or of a run that could not be written together. Throws for a
// refusal that keeps nothing (the caller rolls back to before it); a second sign-up of an
// address keeps what it wrote (the holder's link is sent again) and ends in signup.failure.
void decide_one(soci::session& s, SeatState& seats, RegistrationSignup& signup) {
  const domain::Event& event = seats.event;
  if (signup.idempotency) {
    if (auto earlier = replay_or_claim(s, *signup.idempotency)) {
      signup.answer = RegistrationAnswer{std::move(*earlier), true};
      return;
    }
  }
  if (seats.refusal) throw *seats.refusal;
  validate(s, event.id, signup.draft, /*creating=*/true);

  // The address is registered already: a 409 that says nothing of that registration (not
  // even that a message went out), and its holder gets their link by e-mail. Checked under
  // the event's lock, so no sign-up of this event can slip in between. Kept (the message),
  // so the key's claim is given up first.
  if (auto holder = db::find_live_registration_by_email(s, event.id, signup.draft.participant.email)) {
    if (signup.idempotency) release_claim(s, *signup.idempotency);
    resend_link(s, signup.mail, *holder);
    signup.failure =
        std::make_exception_ptr(Error(Problem::duplicate_registration, detail("email_registered_already")));
    return;
  }

  // A delegation's seats are counted under the event's lock too: every seat decision of the
  // event waits for it.
  std::optional<domain::Delegation> delegation;
  if (signup.draft.delegation_id) delegation = db::find_delegation(s, event.id, *signup.draft.delegation_id);
  const auto admission = delegation ? domain::admit_to_delegation(event.capacity, event.waitlist, seats.confirmed,
                                                                  delegation->quota, delegation->confirmed)
                                    : domain::admit(event.capacity, event.waitlist, seats.confirmed);
  if (admission == domain::Admission::full) {
    if (delegation && domain::admit(event.capacity, event.waitlist, seats.confirmed) != domain::Admission::full) {
      throw Error(Problem::event_full,
                  detail("delegation_full",
                         {{"delegation", delegation->name}, {"quota", std::to_string(delegation->quota.value_or(0))}}));
    }
    throw Error(Problem::event_full, detail("event_full", {{"capacity", std::to_string(*event.capacity)}}));
  }
  const auto status = status_of(admission);
  db::NewRegistration row = row_of(event, status, signup);
  if (delegation) row.delegation_id = delegation->id;  // the canonical spelling of its id
  db::RegistrationRecord record = db::insert_registration(s, row);
  count_seat(seats, status);
  NewRegistrationResult created = created_of(event, record.registration, signup);
  record_registration_change(s, record.registration, event.organiser_id, "registration.created");
  enqueue_registration_message(s, signup.mail, message_of(status), std::move(record), seats.parts,
                               RegistrationSecrets{signup.manage_token, signup.feed_token});
  signup.answer.response = signup.render(created);
  if (signup.idempotency) remember_answer(s, *signup.idempotency, signup.answer.response, created.registration.id);
}

// Whether a failure ends the batch (Database::run reports it to every sign-up): a lost
// connection or a statement timeout. Any other fault stays with the sign-up that met it.
bool fails_the_batch(const std::exception& e) {
  const auto sql = db::sql_error(e);
  return sql && (db::is_connection_failure(*sql) || sql->sqlstate == db::query_canceled);
}

// decide_one behind a savepoint, so that a refused sign-up undoes only its own writes.
void decide_alone(soci::session& s, SeatState& seats, RegistrationSignup& signup) {
  const int confirmed_before = seats.confirmed, waitlisted_before = seats.waitlisted;
  auto undo = [&] {
    s << "ROLLBACK TO SAVEPOINT signup";
    s << "RELEASE SAVEPOINT signup";
    seats.confirmed = confirmed_before;
    seats.waitlisted = waitlisted_before;
    signup.failure = std::current_exception();
  };
  s << "SAVEPOINT signup";
  try {
    decide_one(s, seats, signup);
    s << "RELEASE SAVEPOINT signup";
  } catch (const Error&) {
    undo();
  } catch (const std::exception& e) {
    if (fails_the_batch(e)) throw;
    undo();
  }
}

// Consecutive sign-ups decided in C++ and written together: their registrations, link codes
// and messages in one statement each, whatever their number.
struct Run {
  std::vector<RegistrationSignup*> signups;
  std::vector<db::NewRegistration> rows;
  int confirmed_before = 0;
  int waitlisted_before = 0;
};

// A sign-up of the run has an address registered already (found by the run's insert itself,
// which skips it, instead of a look-up beforehand).
struct AddressTaken : std::exception {};

// Decides a sign-up into the run (its seat counted), or fails it without a write (a field
// error). False when it must go alone: the event is full, and a sign-up of an address
// registered already is told that, not that the event is full (and its holder gets the link).
bool plan(SeatState& seats, Run& run, RegistrationSignup& signup, soci::session& s) {
  const auto admission = domain::admit(seats.event.capacity, seats.event.waitlist, seats.confirmed);
  if (admission == domain::Admission::full) return false;
  try {
    validate(s, seats.event.id, signup.draft, /*creating=*/true);
  } catch (const Error&) {
    signup.failure = std::current_exception();
    return true;
  }
  if (run.signups.empty()) {
    run.confirmed_before = seats.confirmed;
    run.waitlisted_before = seats.waitlisted;
  }
  const auto status = status_of(admission);
  run.signups.push_back(&signup);
  run.rows.push_back(row_of(seats.event, status, signup));
  count_seat(seats, status);
  return true;
}

// Writes the run; when it cannot be written together (an address registered already, a
// constraint the plan did not foresee), undoes it and decides its sign-ups again one by
// one, so each meets its own outcome.
void write_run(soci::session& s, SeatState& seats, Run& run) {
  if (run.signups.empty()) return;
  std::vector<StoredResponse> answers;
  s << "SAVEPOINT run";
  try {
    auto records = db::insert_registrations(s, run.rows);
    // An address registered already: the run is decided again one by one, where that
    // sign-up's holder is sent their link.
    if (records.size() != run.rows.size()) throw AddressTaken();
    std::vector<ComposedMail> messages;
    int position = run.waitlisted_before;
    std::vector<const domain::Registration*> created;
    for (auto& record : records) {
      // New rows come after every waitlisted one of the event (seq, under its lock).
      if (record.registration.status == domain::RegistrationStatus::waitlisted) {
        record.registration.waitlist_position = ++position;
      }
      created.push_back(&record.registration);
    }
    record_registration_changes(s, created, seats.event.organiser_id, "registration.created");
    for (std::size_t i = 0; i < records.size(); ++i) {
      const RegistrationSignup& signup = *run.signups[i];
      domain::Registration& registration = records[i].registration;
      answers.push_back(signup.render(created_of(seats.event, registration, signup)));
      auto message =
          compose_registration_message(signup.mail, message_of(registration.status), std::move(records[i]), seats.parts,
                                       RegistrationSecrets{signup.manage_token, signup.feed_token});
      if (message) messages.push_back(std::move(*message));
    }
    write_composed_mail(s, messages);
    s << "RELEASE SAVEPOINT run";
  } catch (const std::exception& e) {
    if (fails_the_batch(e)) throw;
    s << "ROLLBACK TO SAVEPOINT run";
    s << "RELEASE SAVEPOINT run";
    seats.confirmed = run.confirmed_before;
    seats.waitlisted = run.waitlisted_before;
    for (auto* signup : run.signups) decide_alone(s, seats, *signup);
    answers.clear();
  }
  for (std::size_t i = 0; i < answers.size(); ++i) run.signups[i]->answer.response = std::move(answers[i]);
  run = Run{};
}

// The batch: one lock of the event, one count of its seats; each sign-up decided in the order
// it came, most of them together in runs, the rest alone behind a savepoint; one commit.
void decide_signups(soci::session& s, const std::string& event_ref,
                    const std::vector<std::shared_ptr<RegistrationDesk::Signup>>& batch) {
  soci::transaction tx(s);
  SeatState seats{lock_event(s, event_ref), std::nullopt, 0, 0, {}};
  if (!domain::is_visible_to(seats.event, domain::Caller::anonymous())) throw domain::not_found("event");
  seats.refusal = domain::registration_refusal(seats.event, domain::now());
  const auto counts = db::seat_counts(s, seats.event.id);
  seats.confirmed = counts.confirmed;
  seats.waitlisted = counts.waitlisted;
  // Addresses seen in this batch: a second sign-up of one goes alone, after the first is
  // written, and its holder is sent the link.
  std::set<std::string> taken;
  if (!seats.refusal) seats.parts = event_parts_of(s, seats.event);
  Run run;
  for (const auto& base : batch) {
    auto& signup = static_cast<RegistrationSignup&>(*base);
    const std::string identity = domain::email_identity(signup.draft.participant.email);
    // A delegation's member goes alone: its seat is counted against the delegation's quota too.
    const bool together =
        !seats.refusal && !signup.idempotency && !signup.draft.delegation_id && !taken.contains(identity);
    if (!together || !plan(seats, run, signup, s)) {
      write_run(s, seats, run);
      decide_alone(s, seats, signup);
    }
    taken.insert(identity);
  }
  write_run(s, seats, run);
  tx.commit();
}

}  // namespace

boost::asio::awaitable<RegistrationAnswer> register_participant(RegistrationDesk& desk, std::string event_ref,
                                                                RegistrationDraft draft,
                                                                std::optional<IdempotencyRequest> idempotency,
                                                                RenderRegistration render, MailContext mail) {
  auto signup = std::make_shared<RegistrationSignup>();
  signup->draft = std::move(draft);
  signup->idempotency = std::move(idempotency);
  signup->render = std::move(render);
  signup->mail = std::move(mail);
  signup->manage_token = new_secret(kManageTokenPrefix);
  signup->feed_token = feed_token_for(signup->manage_token, 0);
  // Named, not a temporary of the co_await (g++ 12; docs/DEVELOPING.md).
  RegistrationDesk::DecideBatch decide = decide_signups;
  co_await desk.submit(event_ref, signup, decide);
  if (signup->failure) std::rethrow_exception(signup->failure);
  co_return std::move(signup->answer);
}

ReachedRegistration reach_registration(soci::session& s, const std::string& id, const RegistrationAccess& access,
                                       bool for_update) {
  auto record = load(s, id, access, for_update);
  const bool participant = authorise(s, record, access);
  return {std::move(record), participant};
}

boost::asio::awaitable<RegistrationView> get_registration(Database& db, std::string id, RegistrationAccess access) {
  RegistrationView view = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    s << "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";
    auto record = load(s, id, access, false);
    const bool participant = authorise(s, record, access);
    const bool resent = is_resent_token(record, access);
    RegistrationView out =
        view_of(s, std::move(record.registration), std::move(record.organiser_id), participant, resent);
    tx.commit();
    return out;
  });
  co_return view;
}

boost::asio::awaitable<RegistrationView> patch_registration(Database& db, std::string id, RegistrationAccess access,
                                                            RegistrationPatcher patch) {
  RegistrationView view = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    // The event's seat lock is not needed: a change of data moves no seat.
    auto record = load(s, id, access, true);
    const bool participant = authorise(s, record, access);
    const domain::Registration& current = record.registration;
    if (current.is_erased()) throw Error(Problem::data_erased, detail("registration_erased_nothing_to_change"));
    if (!current.is_active()) throw Error(Problem::registration_cancelled);
    RegistrationDraft draft = patch(current);
    validate(s, current.event_id, draft, /*creating=*/false);
    const bool changed = draft.participant != *current.participant || draft.session_ids != current.session_ids;
    if (changed) db::update_participant(s, current.id, draft.participant, draft.session_ids);
    const bool resent = is_resent_token(record, access);
    auto stored = db::find_registration(s, current.id);
    if (changed) record_registration_change(s, stored->registration, stored->organiser_id, "registration.updated");
    RegistrationView out =
        view_of(s, std::move(stored->registration), std::move(stored->organiser_id), participant, resent);
    tx.commit();
    return out;
  });
  co_return view;
}

void cancel_registration_in(soci::session& s, const std::string& id, bool erase,
                            const RegistrationPrecondition& precondition, const MailContext& mail) {
  auto peek = db::find_registration(s, id);
  if (!peek) throw domain::not_found("registration");
  domain::Event event = lock_event(s, peek->registration.event_id);
  auto record = db::find_registration(s, id, true);
  if (!record) throw domain::not_found("registration");
  const domain::Registration& current = record->registration;
  if (precondition) precondition(current);
  // After the event, a registration is history (who came): it is no longer cancelled, and
  // erasing it leaves the counts as they were.
  const bool over = domain::event_interval(event).second <= domain::now();
  if (over && !erase) {
    throw Error(Problem::conflict, detail("registrations_are_history"));
  }
  if (current.is_active() && !over) {
    db::cancel_registration(s, current.id);
    if (!erase) enqueue_registration_message(s, mail, MailKind::registration_cancelled, current.id);
    record_registration_change(s, current.id, "registration.cancelled");
    if (current.status == domain::RegistrationStatus::confirmed) {
      const auto counts = db::seat_counts(s, event.id);
      const int free = event.capacity ? *event.capacity - counts.confirmed : counts.waitlisted;
      const auto promoted = db::promote_waitlisted(s, event.id, std::min(free, counts.waitlisted));
      for (const auto& promoted_id : promoted) {
        enqueue_registration_message(s, mail, MailKind::registration_promoted, promoted_id);
        record_registration_change(s, promoted_id, "registration.confirmed");
      }
    }
  }
  // Passport details do not outlive the seat they were given for.
  if (erase || (current.is_active() && !over)) db::delete_travel_document(s, current.id);
  if (erase) {
    // What earlier messages carried of the person goes with it; the last one says it went.
    erase_registration_webhooks(s, current.id);
    db::erase_registration(s, current.id, "request");
    erase_registration_mail(s, current.id);
    record_registration_change(s, current.id, "registration.erased");
    // The stored first answer holds the name, the address and the manage token.
    erase_stored_answers(s, current.id, kRegistrationScopes);
  }
}

boost::asio::awaitable<void> cancel_registration(Database& db, std::string id, RegistrationAccess access, bool erase,
                                                 RegistrationPrecondition precondition, MailContext mail) {
  co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    // Authorise before taking the event's lock, so strangers cannot make others wait on it.
    auto peek = load(s, id, access, false);
    authorise(s, peek, access);
    cancel_registration_in(s, peek.registration.id, erase, precondition, mail);
    tx.commit();
    return 0;
  });
  co_return;
}

boost::asio::awaitable<std::string> rotate_feed_token(Database& db, std::string id, RegistrationAccess access) {
  std::string token = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    auto record = load(s, id, access, true);
    if (!authorise(s, record, access) || !access.manage_token) {
      throw Error(Problem::forbidden, detail("only_participant_renews_feed"));
    }
    if (record.registration.is_erased()) throw Error(Problem::data_erased, detail("registration_erased"));
    // The feed link is derived from the manage token; renewing it with the resent token
    // makes that the manage token (the first one stops working), so the links agree again.
    if (is_resent_token(record, access)) db::promote_resent_token(s, record.registration.id);
    const int generation = record.registration.feed_generation + 1;
    std::string feed = feed_token_for(*access.manage_token, generation);
    db::rotate_feed_token(s, record.registration.id, generation, secret_hash(feed));
    tx.commit();
    return feed;
  });
  co_return token;
}

boost::asio::awaitable<RegistrationPage> list_registrations(Database& db, const domain::Caller& caller,
                                                            std::string event_ref, RegistrationListQuery query) {
  if (caller.is_anonymous() && !query.leader_token) {
    throw Error(Problem::unauthorized, detail("needs_organiser_key"));
  }
  RegistrationPage page = co_await db.run([&](soci::session& s) {
    auto event = db::find_event(s, event_ref);
    if (query.leader_token) {
      // The leader of this delegation of this event, nobody else's.
      const db::LeaderScope leader = leader_of(s, *query.leader_token);
      if (!event || event->id != leader.event_id || query.delegation_id != leader.delegation_id) {
        throw domain::not_found("delegation");
      }
    } else {
      if (!event || !domain::is_visible_to(*event, caller)) throw domain::not_found("event");
      if (!caller.can_manage(event->organiser_id)) {
        throw Error(Problem::forbidden, detail("organiser_sees_registrations"));
      }
    }
    if (query.delegation_id && !db::find_delegation(s, event->id, *query.delegation_id)) {
      throw domain::not_found("delegation");
    }
    // Passport details: the event's organisers and admins only, never a leader.
    if (query.travel_documents && query.leader_token) {
      throw Error(Problem::forbidden, detail("organiser_reads_travel_data"));
    }
    db::RegistrationFilter f;
    f.event_id = event->id;
    f.delegation_id = query.delegation_id;
    if (query.status) f.status = std::string(domain::to_string(*query.status));
    f.q = query.q;
    f.after_seq = query.after_seq;
    f.limit = query.limit + 1;
    auto rows = db::list_registrations(s, f);
    RegistrationPage out;
    if (rows.size() > query.limit) {
      rows.resize(query.limit);
      out.next_seq = rows.back().seq;
    }
    for (auto& row : rows) out.items.push_back(std::move(row.registration));
    if (query.travel_documents) out.travel_documents = open_travel_documents_of_event(s, query.data_key, event->id);
    return out;
  });
  co_return page;
}

boost::asio::awaitable<std::vector<db::PersonalRecord>> personal_data(Database& db, const domain::Caller& caller,
                                                                      std::string email) {
  if (caller.is_anonymous()) throw Error(Problem::unauthorized, detail("needs_organiser_key"));
  std::optional<std::string> scope;
  if (!caller.is_admin()) scope = caller.organisation_id();
  auto records = co_await db.run([&](soci::session& s) { return db::registrations_of_email(s, email, scope); });
  co_return records;
}

RetentionReport apply_retention(Database& db, int retention_days, int travel_data_days) {
  return db.run_blocking([&](soci::session& s) {
    RetentionReport report;
    const auto t = domain::now();
    const auto cutoff = t - std::chrono::days(retention_days);
    report.anonymised = db::anonymise_registrations_of_ended_events(s, cutoff);
    report.media_requests_anonymised = db::anonymise_media_requests_of_ended_events(s, cutoff);
    report.idempotency_keys_dropped = db::delete_idempotency_keys_before(s, t - std::chrono::hours(24));
    report.session_tombstones_dropped = db::delete_session_tombstones_of_ended_events(s, t);
    report.person_secrets_dropped = db::drop_expired_person_secrets(s);
    db::erase_mail_of_erased_registrations(s);
    report.rate_buckets_dropped = db::delete_full_rate_buckets(s);
    report.travel_documents_erased = db::delete_travel_documents_past(s, t - std::chrono::days(travel_data_days));
    return report;
  });
}

}  // namespace eventd::services
