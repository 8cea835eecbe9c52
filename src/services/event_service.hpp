#pragma once
// Use cases of /v1/events: create, list, read, change (JSON Merge Patch), delete.
#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/api_key.hpp"
#include "domain/event.hpp"
#include "domain/organisation.hpp"
#include "domain/session.hpp"
#include "domain/speaker.hpp"
#include "services/mail_outbox.hpp"

namespace eventd::services {

class Database;

// The list filters as the HTTP layer parsed them (invalid values were a 400 there).
struct EventListQuery {
  std::optional<domain::Instant> from;
  std::optional<domain::Instant> to;
  std::optional<domain::EventKind> kind;
  std::optional<domain::EventFormat> format;
  std::optional<domain::EventStatus> status;
  std::optional<std::string> organiser;  // id or slug, events it organises; unknown → empty list
  std::optional<std::string> partner;    // id or slug, events it is an accepted partner of; likewise
  // The organisation feed's: organised or partnered (not a request parameter).
  std::optional<std::string> organiser_or_partner;
  std::optional<std::string> series;
  std::optional<std::string> tag;
  std::optional<std::string> q;
  bool include_organisers = false;  // ?include=organiser (read in the items' snapshot)
  std::size_t limit = 50;
  std::optional<std::pair<long long, std::string>> after;  // from the cursor
};

struct EventPage {
  std::vector<domain::Event> items;
  std::optional<std::pair<long long, std::string>> next;  // the last item's sort key, when there is more
  std::vector<domain::Organisation> organisers;           // with include_organisers: each item's, once
};

// What ?include= adds to an event (GET /v1/events/{id}): the records an event page shows,
// read in the event's snapshot, each as its own route gives it.
struct EventIncludes {
  bool organiser = false;
  bool partners = false;  // the organisations of `partner_ids` as the caller sees them
  bool sessions = false;  // the programme, in time order (at most kMaxIncluded)
  bool speakers = false;  // the programme's speakers, by name (at most kMaxIncluded)
  bool any() const { return organiser || partners || sessions || speakers; }
};
inline constexpr std::size_t kMaxIncluded = 1000;

// Cuts `records`, read with a limit of `max` + 1, to `max`: true when there were more (the
// answer says so in `included.truncated`, and the rest is read from the collection's route).
template <class T>
bool cap_included(std::vector<T>& records, std::size_t max = kMaxIncluded) {
  if (records.size() <= max) return false;
  records.resize(max);
  return true;
}

struct EventWithIncludes {
  domain::Event event;
  std::optional<domain::Organisation> organiser;
  std::vector<domain::Organisation> partners;
  std::vector<domain::Session> sessions;
  std::vector<domain::Speaker> speakers;
  bool sessions_truncated = false;  // more than kMaxIncluded: `sessions` holds the first
  bool speakers_truncated = false;
};

// An event as the client sent it, read and type-checked (http/dto) but not yet checked by
// the rules: organiser_id and partner_ids as given (ids or slugs), the slug possibly empty.
struct EventDraft {
  domain::Event event;
  // What reading found (wrong types, malformed values, offsets that are not the zone's,
  // unknown members): reported together with the service's own findings in one 422. The
  // fields named here hold defaults, so the rules about them, or needing them, are skipped.
  std::vector<domain::FieldError> errors;
};

// `draft.event.organiser_id` and `partner_ids` may be ids or slugs; the slug is made from the
// title when empty. 401/403/409/422 as openapi.yaml says.
boost::asio::awaitable<domain::Event> create_event(Database& db, const domain::Caller& caller, EventDraft draft);

// 404 also for a draft the caller may not see.
boost::asio::awaitable<domain::Event> get_event(Database& db, const domain::Caller& caller, std::string id_or_slug);

// `with`: the included records (404 as get_event; the event and what it includes come from
// one snapshot).
boost::asio::awaitable<EventWithIncludes> get_event_with(Database& db, const domain::Caller& caller,
                                                         std::string id_or_slug, EventIncludes with);

boost::asio::awaitable<EventPage> list_events(Database& db, const domain::Caller& caller, EventListQuery query);

// Called inside the transaction with the row read FOR UPDATE: throws (412) when the
// client's If-Match no longer matches.
using EventPrecondition = std::function<void(const domain::Event& current)>;
// Called inside the transaction: the current event → the changed one (the HTTP layer's
// JSON Merge Patch), read like a create.
using EventChange = std::function<EventDraft(const domain::Event& current)>;

boost::asio::awaitable<domain::Event> update_event(Database& db, const domain::Caller& caller, std::string id_or_slug,
                                                   EventPrecondition precondition, EventChange change,
                                                   MailContext mail);

// Drafts only (409 otherwise).
boost::asio::awaitable<void> delete_event(Database& db, const domain::Caller& caller, std::string id_or_slug,
                                          EventPrecondition precondition);

}  // namespace eventd::services
