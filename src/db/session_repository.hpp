#pragma once
// SQL for sessions (programme items) and who speaks in them (session_speakers).
#include <cstddef>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "domain/event.hpp"
#include "domain/session.hpp"

namespace soci {
class session;
}

namespace eventd::db {

// The event a session belongs to, as far as sessions need it: id, slug, title, organiser_id,
// status, timezone, all_day and the times (the other members keep their defaults).
// `lock` takes FOR NO KEY UPDATE: the event's times cannot change under a session being
// written, and the session writes of one event queue here. (Not FOR SHARE: the search
// triggers UPDATE the event row on every session write, so two share-lockers would deadlock.)
// Known overlap: db::find_event reads the same row fully but locks FOR UPDATE; giving it a
// lock-mode parameter would let this function go.
std::optional<domain::Event> find_event_for_sessions(soci::session& session, const std::string& id_or_slug,
                                                     bool lock = false);

// Keyset position in the (starts_at, id) order.
struct SessionCursor {
  long long starts_us = 0;
  std::string id;
};

// The event's sessions in time order (starts_at, id); at most `limit` rows. `everyone_only`:
// only the sessions for everyone (no delegation named), what the public sees (the filter is
// in the statement, so a page is full).
std::vector<domain::Session> list_sessions(soci::session& session, const std::string& event_id,
                                           const std::optional<SessionCursor>& after, std::size_t limit,
                                           bool everyone_only = false);

// The sessions of several events at once (calendar feeds: one query, not one per event), in
// (event_id, starts_at, id) order. `event_ids` are UUIDs.
std::vector<domain::Session> list_sessions_of_events(soci::session& session, const std::vector<std::string>& event_ids,
                                                     bool everyone_only = false);

// The sessions a speaker appears in (any event, drafts included: the caller filters by the
// event's visibility), in (starts_at, id) order, at most `limit`.
std::vector<domain::Session> list_speaker_sessions(soci::session& session, const std::string& speaker_id,
                                                   std::size_t limit, bool everyone_only = false);

// A session of that event (nullopt for another event's session or a malformed id);
// `for_update` locks the row.
std::optional<domain::Session> find_session(soci::session& session, const std::string& event_id,
                                            const std::string& session_id, bool for_update = false);

// Inserts the session row (not its speakers); returns the new id.
std::string insert_session(soci::session& session, const domain::Session& s);
// Writes the session's own columns, `sequence` included (domain::next_sequence decides it).
void update_session(soci::session& session, const domain::Session& s);
// Deleting leaves a tombstone (schema/019) that the feeds show as STATUS:CANCELLED.
bool delete_session(soci::session& session, const std::string& event_id, const std::string& session_id);

// The tombstones of deleted sessions of these events (UUIDs) that have not ended yet (the
// event's end after `now`), as Sessions: the raised `sequence`, speaker_ids as they were,
// updated_at = when it was deleted; in (event_id, starts_at, id) order. `chosen_by` gets,
// per session id, the registrations that had chosen it.
struct SessionTombstone {
  domain::Session session;
  std::vector<std::string> chosen_by;  // registration ids
};
std::vector<SessionTombstone> list_session_tombstones(soci::session& session, const std::vector<std::string>& event_ids,
                                                      domain::Instant now);
// Drops the tombstones of events over by `now` (the retention sweep); how many.
long long delete_session_tombstones_of_ended_events(soci::session& session, domain::Instant now);
// The tombstones of sessions the speaker spoke in, of events not over by `now`.
std::vector<domain::Session> list_speaker_tombstones(soci::session& session, const std::string& speaker_id,
                                                     domain::Instant now, std::size_t limit);

// session_speakers: remove all rows of a session / add `speaker_ids` (UUIDs) in display order.
// Adding may raise the exclusion constraint session_speakers_no_overlap (see is_speaker_clash).
void clear_session_speakers(soci::session& session, const std::string& session_id);
void add_session_speakers(soci::session& session, const std::string& session_id,
                          const std::vector<std::string>& speaker_ids);

// session_hosts / session_audience (schema/031): the rows of a session replaced by these
// organisation ids (display order) / delegation ids of the session's event (UUIDs).
void replace_session_hosts(soci::session& session, const std::string& session_id,
                           const std::vector<std::string>& organisation_ids);
void replace_session_audience(soci::session& session, const std::string& session_id, const std::string& event_id,
                              const std::vector<std::string>& delegation_ids);

// Per reference, the id of that delegation when it is one of the event's (nullopt otherwise).
std::vector<std::optional<std::string>> resolve_delegation_refs(soci::session& session, const std::string& event_id,
                                                                const std::vector<std::string>& refs);

// Those of `registration_ids` that belong to one of `delegation_ids` (schema/030), in one statement.
std::vector<std::string> registrations_in_delegations(soci::session& session,
                                                      const std::vector<std::string>& registration_ids,
                                                      const std::vector<std::string>& delegation_ids);

// Of `session_ids` (the event's), those not for a member of `delegation_id` (none: someone of
// no delegation): sessions whose audience names other delegations only; in id order.
std::vector<std::string> sessions_not_for_audience(soci::session& session, const std::string& event_id,
                                                   const std::optional<std::string>& delegation_id,
                                                   const std::vector<std::string>& session_ids);

// Whether `error` is session_speakers_no_overlap firing (one speaker in two overlapping sessions).
bool is_speaker_clash(const std::exception& error);

// A deadlock (possible between session writes of different events whose speakers clash
// with each other's uncommitted rows) or a serialization failure: worth one more try.
bool is_retryable(const std::exception& error);

// Maps the sessions table's named constraints (e.g. sessions_within_event_check, raised by a
// trigger) to 422 field errors; returns when `error` is none of them.
void throw_if_session_constraint(const std::exception& error);

// The session a speaker already speaks in that overlaps [starts, ends), other than `exclude_session_id`.
struct SpeakerClash {
  std::string speaker_name;
  std::string session_id;
  std::string session_title;
  std::string event_title;
  std::string event_slug;
  std::string event_timezone;
  domain::Instant starts_at{};
  domain::Instant ends_at{};
};
std::optional<SpeakerClash> find_speaker_clash(soci::session& session, const std::string& speaker_id,
                                               domain::Instant starts, domain::Instant ends,
                                               const std::string& exclude_session_id);

}  // namespace eventd::db
