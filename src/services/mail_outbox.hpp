#pragma once
// E-mail, written to the outbox in the transaction of the change that causes it (so a
// message exists exactly when the change does), and delivered later by the MailSender.
// The texts come from templates/mail/<language>/<kind>.{txt,html} in the event's language.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "db/outbox_repository.hpp"
#include "db/person_repository.hpp"
#include "db/registration_repository.hpp"
#include "domain/api_key.hpp"
#include "domain/event.hpp"
#include "domain/media_request.hpp"
#include "mail/mime.hpp"
#include "mail/smtp.hpp"
#include "services/event_parts.hpp"

namespace soci {
class session;
}

namespace eventd::services {

class Database;

// What the messages link to. Pass a named value into the coroutines that take one: g++ 12
// destroys a temporary argument of a co_await expression twice (docs/DEVELOPING.md).
struct MailContext {
  std::string public_url;      // e.g. https://events.example.org, no trailing slash
  std::string sender_email{};  // EVENTD_MAIL_FROM's address: the invitations' SENT-BY (may be empty)
  // How long a change notice (event_changed, event_cancelled) waits for further changes
  // before it goes (EVENTD_CHANGE_NOTICE_DELAY_S): changes within it make one notice.
  std::chrono::seconds change_notice_delay{0};
  std::string frontend_url{};  // EVENTD_FRONTEND_URL (empty: eventd's own pages); domain/links.hpp
};

enum class MailKind {
  registration_confirmed,    // REQUEST attached, links to the registration's and the person's page, feed link
  registration_waitlisted,   // position, manage token and feed link
  registration_promoted,     // REQUEST attached
  registration_cancelled,    // CANCEL attached
  registration_link_resent,  // a second sign-up with the address: the link again, a new manage token
  event_changed,             // REQUEST attached (the new SEQUENCE)
  event_cancelled,           // CANCEL attached
  media_request_received,    // to the event's press contact
  media_request_approved,    // stream link and feed link
  media_request_rejected,    // the organiser's note
  media_request_revoked,     // approved access taken back, with the organiser's note
  media_request_withdrawn,   // to the press contact: the journalist took the request back
  person_sign_in,            // POST /v1/me/sign-in: a link to the person's page (no event)
  task_reminder,             // a task of a study trip falls due and is still open
};
std::string_view to_string(MailKind kind);

// The participant's secrets, known in clear only in the transaction that made them.
struct RegistrationSecrets {
  std::string manage_token;
  std::string feed_token;  // empty: no feed link in the message
};

// Before a session of a published event moves (time or place) or is deleted: the live
// registrations that follow it (chose it, or chose no sessions), to be told afterwards with
// enqueue_change_notices. Read before a deletion, which takes the choices with it.
std::vector<std::string> followers_of_session(soci::session& s, const std::string& event_id,
                                              const std::string& session_id);
// An event_changed notice to each of `registration_ids`, held back and coalesced like those
// of enqueue_event_change_messages (the message shows the whole programme as it stands).
void enqueue_change_notices(soci::session& s, const MailContext& context,
                            const std::vector<std::string>& registration_ids);

// Writes one message about a registration (its event, participant and invitation read in
// `s`, inside the caller's transaction). Nothing for an erased registration.
void enqueue_registration_message(soci::session& s, const MailContext& context, MailKind kind,
                                  const std::string& registration_id,
                                  const std::optional<RegistrationSecrets>& secrets = std::nullopt);
// The same for a registration and its event read already (a batch of sign-ups reads the
// event once for all its messages).
void enqueue_registration_message(soci::session& s, const MailContext& context, MailKind kind,
                                  db::RegistrationRecord record, EventParts parts,
                                  const std::optional<RegistrationSecrets>& secrets);

// A registration's message composed but not yet written, with the link codes it carries:
// a batch of sign-ups writes all of its messages and codes in one statement each
// (write_composed_mail). Not for change notices, which may rewrite one held back. Nothing
// for an erased registration.
struct ComposedMail {
  db::NewMail mail;
  std::vector<db::NewPersonCode> codes;
};
std::optional<ComposedMail> compose_registration_message(const MailContext& context, MailKind kind,
                                                         db::RegistrationRecord record, EventParts parts,
                                                         const std::optional<RegistrationSecrets>& secrets);
void write_composed_mail(soci::session& s, const std::vector<ComposedMail>& messages);

// After an organiser's change of the event: event_changed (or event_cancelled when it is now
// cancelled) to every confirmed and waitlisted participant, except `skip` (those just
// promoted, who got their own message). The notice is held back for
// context.change_notice_delay; a participant's notice still held is rewritten with the
// newest state instead of a second one being added, so a burst of edits makes one message.
void enqueue_event_change_messages(soci::session& s, const MailContext& context, const std::string& event_id,
                                   bool cancelled, const std::vector<std::string>& skip);

// A media request's message, written in the transaction of its creation or decision:
// media_request_received to the event's press contact (domain::press_contact; when the event
// has no contact with an address it is recorded as failed, with the reason, so the organiser
// sees it in the outbox) and media_request_withdrawn to the same contact; media_request_approved
// (with the stream link and the personal feed), media_request_rejected and media_request_revoked
// (with the organiser's note) to the journalist.
struct MediaMailLinks {
  std::optional<std::string> stream_url;  // approved: the link the journalist is entitled to
  std::optional<std::string> feed_token;  // approved: the journalist's evp_ token, when known in clear
};
void enqueue_media_message(soci::session& s, const MailContext& context, MailKind kind, const domain::Event& event,
                           const domain::MediaRequest& request, const MediaMailLinks& links = {});

// A reminder of a task (services/task_service.hpp) to the registration's participant, with
// the links to their registration (its tasks); nothing for an erased registration.
void enqueue_task_reminder(soci::session& s, const MailContext& context, const std::string& registration_id,
                           const std::string& task_id);

// The sign-in link (services/person_service.hpp) to `email`, in `language`.
void enqueue_sign_in_message(soci::session& s, const MailContext& context, const std::string& email,
                             const std::string& language, const std::string& code);

// Erases the recipients and texts of a media request's messages (erasure on request).
void erase_media_request_mail(soci::session& s, const std::string& media_request_id);

// Erases the recipients and texts of the registration's messages (erasure on request).
void erase_registration_mail(soci::session& s, const std::string& registration_id);

// GET /v1/events/{id}/messages: the organiser of the event or an admin.
struct MailListQuery {
  std::optional<std::string> state;
  std::optional<long long> after_seq;
  std::size_t limit = 50;
};
struct MailPage {
  std::vector<db::MailRow> items;
  std::optional<long long> next_seq;
};
boost::asio::awaitable<MailPage> list_event_mail(Database& db, const domain::Caller& caller, std::string event_ref,
                                                 MailListQuery query);

// Delivery. Each round claims due messages (FOR UPDATE SKIP LOCKED with a lease, so several
// eventd instances never send one twice), sends each over SMTP and records the attempt; a
// failure is retried after base * 2^(attempt-1), at most `max_backoff`, until `max_attempts`.
struct SenderSettings {
  mail::SmtpSettings smtp;
  mail::Mailbox from;
  std::chrono::milliseconds backoff_base{30000};
  std::chrono::milliseconds max_backoff{3600000};
  int max_attempts = 50;
  std::size_t batch = 10;
};

struct DeliveryReport {
  std::size_t sent = 0;
  std::size_t failed = 0;
};
// One round; blocking (the sender's own thread).
DeliveryReport deliver_due_mail(Database& db, const SenderSettings& settings);

std::chrono::milliseconds retry_delay(const SenderSettings& settings, int attempt);

}  // namespace eventd::services
