#pragma once
// One person across events (docs/PARTICIPANTS.md): a person is an e-mail address, reached by
// whoever controls the mailbox. Links in e-mails carry single-use codes (evc_…); a code is
// exchanged once for a person session (evu_…: a bearer token for a frontend, a cookie for
// eventd's own pages) that reaches every registration and media request made with the
// address (only those of one organisation when the code was made for that organisation's
// own website). With a session: the overview (GET /v1/me), one calendar of everything,
// an export of everything held (Art. 15/20) and erasure of everything (Art. 17).
// Codes, sessions and feed tokens are stored as SHA-256 hashes only.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/media_request_repository.hpp"
#include "db/person_repository.hpp"
#include "db/registration_repository.hpp"
#include "domain/links.hpp"
#include "domain/media_request.hpp"
#include "domain/registration.hpp"
#include "domain/time.hpp"
#include "services/mail_outbox.hpp"
#include "services/token_access.hpp"

namespace soci {
class session;
}

namespace eventd::services {

class Database;

inline constexpr std::string_view kPersonCodePrefix = "evc_";
inline constexpr std::string_view kPersonTokenPrefix = "evu_";
inline constexpr std::string_view kPersonFeedTokenPrefix = "evn_";

// How long a code and a session live.
inline constexpr std::chrono::seconds kSignInCodeLifetime = std::chrono::minutes(15);
inline constexpr std::chrono::seconds kMailLinkCodeLifetime = std::chrono::hours(24 * 60);
inline constexpr std::chrono::seconds kPersonSessionLifetime = std::chrono::hours(24 * 30);

// Who a session is: the address (lower-cased) and, for a session made through an
// organisation's own website, that organisation (it reaches only that one's records).
using Person = PersonScope;

// A single-use code for a link in a message to `email`, written in the caller's transaction
// (so it exists exactly when the message does).
std::string issue_mail_link_code(soci::session& s, std::string_view email,
                                 const std::optional<std::string>& organisation_id);
// `count` of them in one statement, for a message with several links.
std::vector<std::string> issue_mail_link_codes(soci::session& s, std::string_view email,
                                               const std::optional<std::string>& organisation_id, std::size_t count);
// The same codes made but not yet written: `rows` go to db::insert_person_codes in the
// transaction of the message that carries `codes` (a batch writes many messages' at once).
struct MailLinkCodes {
  std::vector<std::string> codes;
  std::vector<db::NewPersonCode> rows;
};
MailLinkCodes make_mail_link_codes(std::string_view email, const std::optional<std::string>& organisation_id,
                                   std::size_t count);

// The person behind a session token, in the caller's transaction; nullopt for an unknown or
// expired one.
std::optional<Person> find_person(soci::session& s, std::string_view token);

// POST /v1/me/sign-in, the message in `language` ("sv" or "en"). When the address has a registration or a media
// request, a person_sign_in e-mail with a code valid kSignInCodeLifetime goes to the outbox (at most
// kMaxSignInMailsPerHour an hour); otherwise nothing is written. Either way it returns
// normally and takes about as long, so the answer says nothing about the address.
inline constexpr int kMaxSignInMailsPerHour = 5;
boost::asio::awaitable<void> request_sign_in(Database& db, std::string email, std::string language, MailContext mail);

struct NewPersonSession {
  std::string token;  // evu_…, shown this once
  domain::Instant expires_at;
  Person person;
};
// Exchanges a code for a session; the code is spent. 401 for an unknown, spent or expired code
// (the same answer for each).
boost::asio::awaitable<NewPersonSession> open_person_session(Database& db, std::string code);

// Signs out: the session's token stops working. 401 for an unknown token.
boost::asio::awaitable<void> close_person_session(Database& db, std::string token);

// One registration of the person, with what a page shows about its event.
struct PersonRegistration {
  domain::Registration registration;
  std::string event_slug;
  std::string event_title;
  std::optional<domain::Instant> event_starts_at;
  std::string event_timezone;                            // IANA, the event's
  std::optional<std::string> organisation_frontend_url;  // where the links about it lead
};
struct PersonMediaRequest {
  domain::MediaRequest request;
  std::string event_slug;
  std::string event_title;
  std::optional<domain::Instant> event_starts_at;
  std::string event_timezone;
  std::optional<std::string> organisation_frontend_url;
};
struct PersonOverview {
  Person person;
  std::vector<PersonRegistration> registrations;   // erased ones left out; newest event first
  std::vector<PersonMediaRequest> media_requests;  // erased ones left out
  bool has_feed = false;                           // a person feed exists
  std::optional<std::string> feed_token;           // in clear, when this session made or renewed it
};
// 401 for an unknown or expired token.
boost::asio::awaitable<PersonOverview> person_overview(Database& db, std::string token);

// A new link to the person's calendar of everything (the old one stops working); its token.
// The calendar is rendered by services/personal_feed_service.hpp. 403 for a session made
// through an organisation's own website (the calendar holds the person's other records too).
boost::asio::awaitable<std::string> renew_person_feed(Database& db, std::string token);

// DELETE /v1/me: every registration is cancelled (seats go to the waitlist, as a
// cancellation does) and erased, every media request withdrawn and erased, and the
// person's codes, sessions, feed and sign-in messages deleted, in one transaction. Within the
// session's scope. 401 for an unknown token.
struct ErasureReport {
  long long registrations = 0;
  long long media_requests = 0;
};
boost::asio::awaitable<ErasureReport> erase_person(Database& db, std::string token, MailContext mail);

}  // namespace eventd::services
