#pragma once
// SQL for people (schema/024_people.sql): single-use codes, sessions and the person feed,
// all keyed by hashes (hex SHA-256) and by the lower-cased e-mail address.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "domain/time.hpp"

namespace soci {
class session;
}

namespace eventd::db {

enum class CodePurpose { sign_in, mail_link };

struct NewPersonCode {
  std::string code_hash;
  std::string email;  // lower-cased
  std::optional<std::string> organisation_id;
  CodePurpose purpose = CodePurpose::mail_link;
  std::chrono::seconds lifetime{0};
};
void insert_person_code(soci::session& session, const NewPersonCode& code);
// Several in one statement (a message's links each get their own code).
void insert_person_codes(soci::session& session, const std::vector<NewPersonCode>& codes);

// How many sign-in codes the address was sent since `window` ago.
int count_recent_sign_in_codes(soci::session& session, const std::string& email, std::chrono::seconds window);

// Whether any registration or media request (not erased) has this address.
bool has_person_records(soci::session& session, const std::string& email);

// Spends a code: marks it used and returns its address and scope when it was unused and not
// expired; nullopt otherwise (and nothing changes).
struct PersonScopeRow {
  std::string email;
  std::optional<std::string> organisation_id;
};
std::optional<PersonScopeRow> spend_person_code(soci::session& session, const std::string& code_hash);

struct NewPersonSession {
  std::string token_hash;
  std::string email;
  std::optional<std::string> organisation_id;
  std::chrono::seconds lifetime{0};
};
// Returns when it expires.
domain::Instant insert_person_session(soci::session& session, const NewPersonSession& row);

struct PersonSessionRow {
  std::string email;
  std::optional<std::string> organisation_id;
  std::optional<std::string> sealed_feed_token;
};
// A session that has not expired.
std::optional<PersonSessionRow> find_person_session(soci::session& session, const std::string& token_hash);
bool delete_person_session(soci::session& session, const std::string& token_hash);

// The person feed (one per address): whether one exists, and a new token for it (the old one
// stops working); the session that made it keeps the token sealed.
bool person_feed_exists(soci::session& session, const std::string& email);
void replace_person_feed(soci::session& session, const std::string& email, const std::string& feed_token_hash,
                         const std::string& session_token_hash, const std::string& sealed_feed_token);
// The address of the person feed with this token hash.
std::optional<std::string> find_person_feed_email(soci::session& session, const std::string& feed_token_hash);

// Deletes everything kept about the address itself: codes, sessions, feed, sign-in messages.
void delete_person(soci::session& session, const std::string& email);

// Drops codes and sessions that expired (retention).
long long drop_expired_person_secrets(soci::session& session);

}  // namespace eventd::db
