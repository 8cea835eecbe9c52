#pragma once
// Use cases of sessions (programme items): /v1/events/{id}/sessions.
#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "db/session_repository.hpp"
#include "domain/api_key.hpp"
#include "domain/session.hpp"

namespace eventd::services {

class Database;
struct MailContext;

// A session as the client sent it, read and type-checked (http/dto) but not yet checked
// against its event: speaker_ids as given (ids or slugs), and the times as written, to be
// read in the session's own zone or else the event's (domain/event_time.hpp; `session`'s
// times are not set yet); host_organisation_ids as given (ids or slugs), delegation_ids as given.
struct SessionDraft {
  domain::Session session;
  std::string starts_at_text;
  std::string ends_at_text;
  // What reading found (wrong types, unknown members): reported together with the
  // service's own findings in one 422.
  std::vector<domain::FieldError> errors;
};

// A session with its event's zone (the session is shown in its own zone when it has one:
// domain::effective_timezone).
struct SessionInEvent {
  domain::Session session;
  std::string timezone;
};

struct SessionPage {
  std::vector<domain::Session> items;
  std::string timezone;
  bool has_more = false;
};

// Called inside the PATCH transaction with the locked current session and the event's zone:
// checks If-Match, merges the patch and reads the result like a create.
using SessionPatcher = std::function<SessionDraft(const domain::Session& current, const std::string& timezone)>;
// Called inside the DELETE transaction with the locked current session (If-Match).
using SessionPrecondition = std::function<void(const domain::Session& current)>;

// Event's organiser or admin; 404 when the caller may not see the event, 403 when it may but
// not change it; 422 for invalid fields or times outside the event; 409 for a speaker clash.
boost::asio::awaitable<SessionInEvent> create_session(Database& db, const domain::Caller& caller, std::string event_ref,
                                                      SessionDraft draft);
// The event's organisers and admins see every session; anybody else only the sessions for
// everyone (a delegation's leg is a 404 to them).
boost::asio::awaitable<SessionPage> list_sessions(Database& db, const domain::Caller& caller, std::string event_ref,
                                                  std::optional<db::SessionCursor> after, std::size_t limit);
boost::asio::awaitable<SessionInEvent> get_session(Database& db, const domain::Caller& caller, std::string event_ref,
                                                   std::string session_id);
// A session of a public event that moves (time or place) or is deleted: the participants who
// follow it (chose it, or chose none) get a change notice (services/mail_outbox.hpp).
boost::asio::awaitable<SessionInEvent> patch_session(Database& db, const domain::Caller& caller, std::string event_ref,
                                                     std::string session_id, SessionPatcher patch,
                                                     const MailContext& mail);
boost::asio::awaitable<void> delete_session(Database& db, const domain::Caller& caller, std::string event_ref,
                                            std::string session_id, SessionPrecondition precondition,
                                            const MailContext& mail);

}  // namespace eventd::services
