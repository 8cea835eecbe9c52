#pragma once
// SQL for the mail outbox and its delivery attempts (schema/006_outbox.sql).
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "domain/time.hpp"

namespace soci {
class session;
}

namespace eventd::db {

struct NewMail {
  std::string id;  // made before the insert (services::new_uuid), so the Message-ID can name it
  std::optional<std::string> event_id;
  std::optional<std::string> registration_id;
  std::optional<std::string> media_request_id;
  std::string kind;
  std::string language;
  std::string recipient_name;
  std::string recipient_email;
  std::string subject;
  std::string message;
  // Nobody to send it to: stored as failed with this as its last error, without recipient
  // or text.
  std::optional<std::string> undeliverable;
  // Held back this long before its first attempt (a change notice waits for further edits).
  std::chrono::seconds hold{0};
};

void insert_mail(soci::session& session, const NewMail& mail);
// Several in one statement, in this order (a batch of sign-ups writes all its messages at once).
void insert_mails(soci::session& session, const std::vector<NewMail>& mails);

// The registration's change notice that is still held back (pending, never tried, not yet
// due), locked; its id. A later change rewrites it instead of adding another.
std::optional<std::string> find_held_change_notice(soci::session& session, const std::string& registration_id);
// Rewrites that message (kind, recipient, subject, text by `mail.id`), keeping when it is due.
void rewrite_held_mail(soci::session& session, const NewMail& mail);

// A message claimed for one delivery attempt until the lease runs out.
struct ClaimedMail {
  std::string id;
  std::string claim_token;
  int attempt = 0;  // 1 for the first
  std::string recipient_email;
  std::string message;
  long long claimed_at_us = 0;
};

// Claims up to `limit` due pending messages (FOR UPDATE SKIP LOCKED): no other sender gets
// them until `lease` has passed or the attempt is recorded.
std::vector<ClaimedMail> claim_due_mail(soci::session& session, std::size_t limit, std::chrono::milliseconds lease);

struct AttemptOutcome {
  bool sent = false;
  std::string error;
  bool give_up = false;                      // failed for good: state 'failed'
  std::chrono::milliseconds retry_after{0};  // when neither sent nor given up
};
// Records the attempt and the message's new state; false when the claim was lost (the lease
// ran out and another sender took the message), in which case nothing is written.
bool finish_attempt(soci::session& session, const ClaimedMail& claim, const AttemptOutcome& outcome);

struct MailRow {
  std::string id;
  long long seq = 0;
  std::optional<std::string> registration_id;
  std::optional<std::string> media_request_id;
  std::string kind;
  std::string language;
  std::optional<std::string> recipient_name;
  std::optional<std::string> recipient_email;
  std::string subject;
  std::string state;
  int attempts = 0;
  std::optional<std::string> last_error;
  domain::Instant created_at{};
  std::optional<domain::Instant> next_attempt_at;  // while pending
  std::optional<domain::Instant> sent_at;
};

struct MailFilter {
  std::string event_id;
  std::optional<std::string> state;
  std::optional<long long> after_seq;
  std::size_t limit = 50;
};
std::vector<MailRow> list_mail(soci::session& session, const MailFilter& filter);

// Removes the recipient and text of a registration's messages; pending ones are not sent.
void erase_mail_of_registration(soci::session& session, const std::string& registration_id);
// The same for a media request's messages (the journalist's name, address and message are
// in them, whoever they were sent to).
void erase_mail_of_media_request(soci::session& session, const std::string& media_request_id);
// The same for every registration and media request that is erased (by request or
// retention); how many messages.
long long erase_mail_of_erased_registrations(soci::session& session);

}  // namespace eventd::db

namespace eventd::db {
// The registrations of an event with personal data and one of the statuses, in arrival order.
// The live registrations (of these statuses) that follow the session: chose it, or chose none.
std::vector<std::string> registrations_following_session(soci::session& session, const std::string& event_id,
                                                         const std::string& session_id,
                                                         const std::vector<std::string>& statuses);
std::vector<std::string> live_registration_ids(soci::session& session, const std::string& event_id,
                                               const std::vector<std::string>& statuses);
}  // namespace eventd::db
