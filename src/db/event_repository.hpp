#pragma once
// SQL for events and event_partners (schema/001_catalogue.sql).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/event.hpp"

namespace soci {
class session;
}

namespace eventd::db {

// An event with the start of its `during` (lower(during), microseconds): the list order and
// the keyset cursor. For all-day events that is computed by PostgreSQL from starts_on and the
// zone, so the cursor always matches the ORDER BY exactly.
struct EventRow {
  domain::Event event;
  long long start_us = 0;
};

// GET /v1/events, as the comment at the end of 001_catalogue.sql describes it: only the
// fragments of the filters that are set are added to the WHERE clause.
struct EventFilter {
  enum class Visibility { public_only, organiser, all };
  Visibility visibility = Visibility::public_only;
  std::string own_organisation_id;  // for Visibility::organiser: its drafts are visible too

  std::optional<domain::Instant> from;  // events overlapping [from, to)
  std::optional<domain::Instant> to;
  std::optional<std::string> kind;
  std::optional<std::string> format;
  std::optional<std::string> status;
  std::optional<std::string> series;
  std::optional<std::string> tag;
  // Organisations by id or slug, looked up inside the list's statement (one that names no
  // organisation matches nothing). A partner counts only once it accepted (schema/022).
  std::optional<std::string> organiser;             // organised by
  std::optional<std::string> partner;               // an accepted partner of
  std::optional<std::string> organiser_or_partner;  // either (the organisation feed)
  std::optional<std::string> q;
  std::optional<std::pair<long long, std::string>> after;  // (lower(during) µs, id) of the last row seen
  std::size_t limit = 50;                                  // rows to return (the caller asks for one more)
  // The calendar feeds' window (services/feed_service.cpp): events whose end is after
  // `ends_after` / not after `ends_by`; `latest_end_first` orders by end, latest first (the
  // furthest past last, so a limit drops it first), instead of by start. Not with `after`.
  std::optional<domain::Instant> ends_after;
  std::optional<domain::Instant> ends_by;
  bool latest_end_first = false;
};

std::vector<EventRow> list_events(soci::session& session, const EventFilter& filter);

// How a read locks the event row for the rest of the transaction: `update` for changes of the
// event itself, `no_key_update` for seat decisions (registrations), which must exclude each
// other and event changes but not the foreign-key checks of sessions and registrations.
enum class RowLock { none, no_key_update, update };

// By id (when `id_or_slug` is a UUID) or slug.
std::optional<domain::Event> find_event(soci::session& session, std::string_view id_or_slug,
                                        RowLock lock = RowLock::none);

// The events with these ids (UUIDs), in (lower(during), id) order; unknown ids are skipped.
std::vector<domain::Event> find_events(soci::session& session, const std::vector<std::string>& ids);

// Inserts the event and its partners; returns the stored event (id, version, timestamps).
// Constraint violations become domain errors (slug taken → 409, unknown zone → 422, ...).
domain::Event insert_event(soci::session& session, const domain::Event& event);

// Writes every API field of `event` (by id) and replaces its partners; `updated_at` moves
// only when the row's version did (nothing changed, nothing moves). Returns the stored event.
domain::Event update_event(soci::session& session, const domain::Event& event);

void delete_event(soci::session& session, const std::string& id);

// The id of the organisation with this id or slug, if there is one.
std::optional<std::string> find_organisation_id(soci::session& session, std::string_view id_or_slug);

// The first of the event's sessions (by start) that does not lie inside the event's stored
// `during`: (id, title). Run after update_event, in the same transaction.
std::optional<std::pair<std::string, std::string>> find_session_outside_event(soci::session& session,
                                                                              const std::string& event_id);

}  // namespace eventd::db
