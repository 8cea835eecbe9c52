#include "db/outbox_repository.hpp"

#include <soci/soci.h>

#include "db/statement.hpp"
#include "db/support.hpp"

namespace eventd::db {

namespace {

constexpr const char* kErase =
    "UPDATE mail_outbox SET recipient_name = NULL, recipient_email = NULL, message = NULL, "
    "state = CASE WHEN state = 'pending' THEN 'erased' ELSE state END, claimed_until = NULL, claim_token = NULL ";

// Instants this file reads as text (eventd_us(...)::text).
std::optional<domain::Instant> opt_instant_of_text(const soci::row& row, std::size_t i) {
  if (row.get_indicator(i) == soci::i_null) return std::nullopt;
  return from_us(std::stoll(row.get<std::string>(i)));
}

}  // namespace

void insert_mail(soci::session& session, const NewMail& m) { insert_mails(session, {m}); }

void insert_mails(soci::session& session, const std::vector<NewMail>& mails) {
  if (mails.empty()) return;
  // One statement for any number of messages (one prepared plan): each column travels as an
  // array of its values (text_array), unnested together in the order of `mails`.
  constexpr std::size_t kColumns = 13;
  std::vector<std::vector<std::optional<std::string>>> columns(kColumns);
  for (auto& column : columns) column.reserve(mails.size());
  for (const NewMail& m : mails) {
    const bool sendable = !m.undeliverable;
    auto unless_undeliverable = [&](const std::string& value) {
      return sendable ? std::optional<std::string>(value) : std::nullopt;
    };
    const std::optional<std::string> row[kColumns] = {m.id,
                                                      m.event_id,
                                                      m.registration_id,
                                                      m.media_request_id,
                                                      m.kind,
                                                      m.language,
                                                      unless_undeliverable(m.recipient_name),
                                                      unless_undeliverable(m.recipient_email),
                                                      m.subject,
                                                      unless_undeliverable(m.message),
                                                      std::string(sendable ? "pending" : "failed"),
                                                      m.undeliverable,
                                                      std::to_string(m.hold.count())};
    for (std::size_t c = 0; c < kColumns; ++c) columns[c].push_back(row[c]);
  }
  Params p;
  std::string array_columns;
  for (const auto& column : columns) {
    if (!array_columns.empty()) array_columns += ", ";
    array_columns += "CAST(" + p.add(text_array(column)) + " AS text[])";
  }
  const std::string sql =
      "INSERT INTO mail_outbox (id, event_id, registration_id, media_request_id, kind, language, recipient_name, "
      "recipient_email, subject, message, state, last_error, next_attempt_at) "
      "SELECT CAST(x.id AS uuid), CAST(x.event_id AS uuid), CAST(x.registration_id AS uuid), "
      "CAST(x.media_request_id AS uuid), x.kind, x.language, x.recipient_name, x.recipient_email, x.subject, "
      "x.message, x.state, x.last_error, now() + CAST(x.hold_s AS bigint) * interval '1 second' FROM unnest(" +
      array_columns +
      ") WITH ORDINALITY AS x(id, event_id, registration_id, media_request_id, kind, language, recipient_name, "
      "recipient_email, subject, message, state, last_error, hold_s, i) ORDER BY x.i";
  execute(session, sql, p);
}

std::optional<std::string> find_held_change_notice(soci::session& session, const std::string& registration_id) {
  // A claimed message is being sent: the next change gets a notice of its own.
  Params p;
  const std::string sql = "SELECT id::text FROM mail_outbox WHERE registration_id = " + p.add_uuid(registration_id) +
                          " AND kind IN ('event_changed', 'event_cancelled') AND state = 'pending' AND attempts = 0 "
                          "AND claimed_until IS NULL AND next_attempt_at > now() ORDER BY seq DESC LIMIT 1 FOR UPDATE";
  std::optional<std::string> id;
  for_each_row(session, sql, p, [&](const soci::row& row) { id = row.get<std::string>(0); });
  return id;
}

void rewrite_held_mail(soci::session& session, const NewMail& m) {
  Params p;
  const std::string sql = "UPDATE mail_outbox SET kind = " + p.add(m.kind) + ", language = " + p.add(m.language) +
                          ", recipient_name = " + p.add(m.recipient_name) +
                          ", recipient_email = " + p.add(m.recipient_email) + ", subject = " + p.add(m.subject) +
                          ", message = " + p.add(m.message) + " WHERE id = " + p.add_uuid(m.id) +
                          " AND state = 'pending'";
  execute(session, sql, p);
}

std::vector<ClaimedMail> claim_due_mail(soci::session& session, std::size_t limit, std::chrono::milliseconds lease) {
  Params p;
  const std::string sql =
      "UPDATE mail_outbox SET claimed_until = clock_timestamp() + CAST(" + p.add(std::to_string(lease.count())) +
      " AS bigint) * interval '1 millisecond', claim_token = gen_random_uuid(), attempts = attempts + 1 "
      "WHERE id IN (SELECT id FROM mail_outbox WHERE state = 'pending' AND next_attempt_at <= now() "
      "AND (claimed_until IS NULL OR claimed_until <= clock_timestamp()) ORDER BY next_attempt_at, seq LIMIT CAST(" +
      p.add(std::to_string(limit)) +
      " AS int) FOR UPDATE SKIP LOCKED) "
      "RETURNING id::text, claim_token::text, attempts::text, recipient_email, message, "
      "eventd_us(clock_timestamp())::text";
  std::vector<ClaimedMail> out;
  for_each_row(session, sql, p, [&](const soci::row& row) {
    ClaimedMail m;
    m.id = row.get<std::string>(0);
    m.claim_token = row.get<std::string>(1);
    m.attempt = std::stoi(row.get<std::string>(2));
    m.recipient_email = row.get<std::string>(3);
    m.message = row.get<std::string>(4);
    m.claimed_at_us = std::stoll(row.get<std::string>(5));
    out.push_back(std::move(m));
  });
  return out;
}

bool finish_attempt(soci::session& session, const ClaimedMail& claim, const AttemptOutcome& outcome) {
  const std::string state = outcome.sent ? "sent" : outcome.give_up ? "failed" : "pending";
  Params p;
  // The text goes once the message is done with: it may hold the participant's manage token.
  const std::string sql =
      "UPDATE mail_outbox SET state = " + p.add(state) +
      ", claimed_until = NULL, claim_token = NULL"
      ", last_error = " +
      p.add(outcome.sent ? std::optional<std::string>() : std::optional<std::string>(outcome.error)) +
      std::string(outcome.sent ? ", sent_at = now()" : "") + (state == "pending" ? "" : ", message = NULL") +
      ", next_attempt_at = clock_timestamp() + CAST(" + p.add(std::to_string(outcome.retry_after.count())) +
      " AS bigint) * interval '1 millisecond'"
      " WHERE id = " +
      p.add_uuid(claim.id) + " AND claim_token = " + p.add_uuid(claim.claim_token) + " RETURNING id::text";
  bool matched = false;
  for_each_row(session, sql, p, [&](const soci::row&) { matched = true; });
  if (!matched) return false;
  Params a;
  execute(session,
          "INSERT INTO mail_attempts (message_id, attempt, started_at, outcome, error) VALUES (" +
              a.add_uuid(claim.id) + ", CAST(" + a.add(std::to_string(claim.attempt)) + " AS int), eventd_ts(CAST(" +
              a.add(std::to_string(claim.claimed_at_us)) + " AS bigint)), " +
              a.add(std::string(outcome.sent ? "sent" : "failed")) + ", " +
              a.add(outcome.sent ? std::optional<std::string>() : std::optional<std::string>(outcome.error)) + ")",
          a);
  return true;
}

std::vector<MailRow> list_mail(soci::session& session, const MailFilter& f) {
  Params p;
  std::string sql =
      "SELECT id::text, seq::text, registration_id::text, media_request_id::text, kind, language, recipient_name, "
      "recipient_email, subject, state, attempts::text, last_error, eventd_us(created_at)::text, "
      "CASE WHEN state = 'pending' THEN eventd_us(next_attempt_at)::text END, eventd_us(sent_at)::text "
      "FROM mail_outbox WHERE event_id = " +
      p.add_uuid(f.event_id);
  if (f.state) sql += " AND state = " + p.add(*f.state);
  if (f.after_seq) sql += " AND seq > CAST(" + p.add(std::to_string(*f.after_seq)) + " AS bigint)";
  // Qualified: a bare `seq` would name the output column `seq::text` and sort "10" before "2",
  // which the cursor (seq > n) does not follow.
  sql += " ORDER BY mail_outbox.seq LIMIT CAST(" + p.add(std::to_string(f.limit)) + " AS int)";
  std::vector<MailRow> out;
  for_each_row(session, sql, p, [&](const soci::row& row) {
    MailRow m;
    m.id = row.get<std::string>(0);
    m.seq = std::stoll(row.get<std::string>(1));
    m.registration_id = opt_text(row, 2);
    m.media_request_id = opt_text(row, 3);
    m.kind = row.get<std::string>(4);
    m.language = row.get<std::string>(5);
    m.recipient_name = opt_text(row, 6);
    m.recipient_email = opt_text(row, 7);
    m.subject = row.get<std::string>(8);
    m.state = row.get<std::string>(9);
    m.attempts = std::stoi(row.get<std::string>(10));
    m.last_error = opt_text(row, 11);
    m.created_at = from_us(std::stoll(row.get<std::string>(12)));
    m.next_attempt_at = opt_instant_of_text(row, 13);
    m.sent_at = opt_instant_of_text(row, 14);
    out.push_back(std::move(m));
  });
  return out;
}

void erase_mail_of_registration(soci::session& session, const std::string& registration_id) {
  Params p;
  execute(session, std::string(kErase) + "WHERE registration_id = " + p.add_uuid(registration_id), p);
}

void erase_mail_of_media_request(soci::session& session, const std::string& media_request_id) {
  Params p;
  execute(session, std::string(kErase) + "WHERE media_request_id = " + p.add_uuid(media_request_id), p);
}

long long erase_mail_of_erased_registrations(soci::session& session) {
  Params p;
  long long n = 0;
  for_each_row(session,
               std::string(kErase) +
                   "WHERE (recipient_email IS NOT NULL OR message IS NOT NULL) AND (registration_id IN "
                   "(SELECT id FROM registrations WHERE erased_at IS NOT NULL) OR media_request_id IN "
                   "(SELECT id FROM media_requests WHERE erased_at IS NOT NULL)) RETURNING id::text",
               p, [&](const soci::row&) { ++n; });
  return n;
}

}  // namespace eventd::db

namespace eventd::db {
std::vector<std::string> registrations_following_session(soci::session& session, const std::string& event_id,
                                                         const std::string& session_id,
                                                         const std::vector<std::string>& statuses) {
  Params p;
  std::string sql = "SELECT r.id::text FROM registrations r WHERE r.event_id = " + p.add_uuid(event_id) +
                    " AND r.erased_at IS NULL AND (NOT EXISTS (SELECT 1 FROM registration_sessions rs WHERE "
                    "rs.registration_id = r.id) OR EXISTS (SELECT 1 FROM registration_sessions rs WHERE "
                    "rs.registration_id = r.id AND rs.session_id = " +
                    p.add_uuid(session_id) + ")) AND r.status IN (";
  for (std::size_t i = 0; i < statuses.size(); ++i) sql += (i ? ", " : "") + p.add(statuses[i]);
  sql += ") ORDER BY r.seq";
  std::vector<std::string> ids;
  for_each_row(session, sql, p, [&](const soci::row& row) { ids.push_back(row.get<std::string>(0)); });
  return ids;
}

std::vector<std::string> live_registration_ids(soci::session& session, const std::string& event_id,
                                               const std::vector<std::string>& statuses) {
  Params p;
  std::string sql = "SELECT id::text FROM registrations WHERE event_id = " + p.add_uuid(event_id) +
                    " AND erased_at IS NULL AND status IN (";
  for (std::size_t i = 0; i < statuses.size(); ++i) sql += (i ? ", " : "") + p.add(statuses[i]);
  sql += ") ORDER BY seq";
  std::vector<std::string> ids;
  for_each_row(session, sql, p, [&](const soci::row& row) { ids.push_back(row.get<std::string>(0)); });
  return ids;
}
}  // namespace eventd::db
