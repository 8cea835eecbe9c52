#include "services/event_service.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <optional>

#include "db/event_repository.hpp"
#include "db/organisation_repository.hpp"
#include "db/registration_repository.hpp"
#include "db/session_repository.hpp"
#include "db/speaker_repository.hpp"
#include "domain/error.hpp"
#include "domain/event_rules.hpp"
#include "domain/registration.hpp"
#include "domain/validation.hpp"
#include "services/database.hpp"
#include "services/event_filter.hpp"
#include "services/webhook_service.hpp"

namespace eventd::services {

namespace {

// What an organiser's change of an event was, for webhooks: its publication, its
// cancellation, or any other change.
std::string_view event_change_type(const domain::Event& before, const domain::Event& after) {
  if (after.status != before.status) {
    if (after.status == domain::EventStatus::published) return "event.published";
    if (after.status == domain::EventStatus::cancelled) return "event.cancelled";
  }
  return "event.updated";
}

using domain::detail;
using domain::Error;
using domain::Problem;

void require_authenticated(const domain::Caller& caller) {
  if (caller.is_anonymous()) throw Error(Problem::unauthorized, detail("needs_api_key"));
}

domain::Error event_not_found() { return domain::not_found("event"); }

// Reads that belong together (an event and what it includes) see one moment.
void begin_snapshot(soci::session& s) { s << "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"; }

// organiser_id and partner_ids (ids or slugs) → ids; unknown ones become field errors.
void resolve_organisations(soci::session& s, domain::Event& e, domain::Validator& errors) {
  if (!e.organiser_id.empty()) {
    if (auto id = db::find_organisation_id(s, e.organiser_id)) {
      e.organiser_id = *id;
    } else {
      errors.add("organiser_id", domain::FieldCode("unknown_organisation"));
    }
  }
  for (std::size_t i = 0; i < e.partner_ids.size(); ++i) {
    if (auto id = db::find_organisation_id(s, e.partner_ids[i])) {
      e.partner_ids[i] = *id;
    } else {
      errors.add(domain::indexed_field("partner_ids", i), domain::FieldCode("unknown_organisation"));
    }
  }
}

void default_slug(domain::Event& e) {
  if (e.slug.empty()) e.slug = domain::slugify(e.title);
}

// What reading found, the reference errors and check_event, in one 422.
void validate(const domain::Event& e, const domain::FieldSet& unreadable, domain::Validator& errors) {
  auto rule_errors = domain::check_event(e, unreadable);
  if (e.slug.empty()) {
    // slugify found nothing usable in the title (e.g. another script): say what to do,
    // unless the title itself is what is wrong.
    std::erase_if(rule_errors, [](const domain::FieldError& f) { return f.field == "slug"; });
    if (!unreadable.covers("title") && !unreadable.covers("slug")) {
      errors.add("slug", domain::FieldCode("no_usable_slug"), {{"source", "title"}});
    }
  }
  errors.append_unreported(std::move(rule_errors));
  errors.throw_if_any();
}

void require_may_see(const domain::Event& e, const domain::Caller& caller) {
  if (!domain::is_visible_to(e, caller)) throw event_not_found();
}

void require_may_manage(const domain::Event& e, const domain::Caller& caller) {
  require_may_see(e, caller);  // another organisation's draft: 404, not 403
  if (!caller.can_manage(e.organiser_id)) {
    throw Error(Problem::forbidden, detail("change_own_events_only"));
  }
}

}  // namespace

boost::asio::awaitable<domain::Event> create_event(Database& db, const domain::Caller& caller, EventDraft draft) {
  require_authenticated(caller);
  co_return co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    domain::Event& event = draft.event;
    const domain::FieldSet unreadable(draft.errors);
    domain::Validator references;
    resolve_organisations(s, event, references);
    // A known organisation that the key does not act for: 403 before any other 422.
    if (references.ok() && !unreadable.covers("organiser_id") && !caller.can_manage(event.organiser_id)) {
      throw Error(Problem::forbidden, detail("create_own_events_only"));
    }
    domain::Validator errors;
    errors.append(draft.errors);
    errors.append_unreported(references.take());
    default_slug(event);
    event.sequence = 0;
    validate(event, unreadable, errors);
    domain::Event stored = db::insert_event(s, event);
    record_event_change(s, stored, "event.created");
    tx.commit();
    return stored;
  });
}

boost::asio::awaitable<domain::Event> get_event(Database& db, const domain::Caller& caller, std::string id_or_slug) {
  auto event = co_await db.run([&](soci::session& s) { return db::find_event(s, id_or_slug); });
  if (!event) throw event_not_found();
  require_may_see(*event, caller);
  co_return *event;
}

boost::asio::awaitable<EventWithIncludes> get_event_with(Database& db, const domain::Caller& caller,
                                                         std::string id_or_slug, EventIncludes with) {
  co_return co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    begin_snapshot(s);  // one snapshot for the event and what it includes
    auto event = db::find_event(s, id_or_slug);
    if (!event) throw event_not_found();
    require_may_see(*event, caller);
    EventWithIncludes out{*event, {}, {}, {}, {}, false, false};
    if (with.organiser) out.organiser = db::find_organisation(s, event->organiser_id);
    if (with.partners) {
      // In partner_ids' order, as the event shows them.
      const auto ids = domain::shown_partner_ids(*event, caller.can_manage(event->organiser_id));
      auto found = db::find_organisations(s, ids);
      for (const auto& id : ids) {
        auto it = std::find_if(found.begin(), found.end(), [&](const auto& o) { return o.id == id; });
        if (it != found.end()) out.partners.push_back(*it);
      }
    }
    if (with.sessions) {
      // As GET /v1/events/{id}/sessions: a delegation's legs for the organisers only.
      const bool everyone_only = !caller.can_manage(event->organiser_id);
      out.sessions = db::list_sessions(s, event->id, std::nullopt, kMaxIncluded + 1, everyone_only);
      out.sessions_truncated = cap_included(out.sessions);
    }
    if (with.speakers) {
      out.speakers = db::list_event_speakers(s, event->id, std::nullopt, kMaxIncluded + 1);
      out.speakers_truncated = cap_included(out.speakers);
    }
    tx.commit();
    return out;
  });
}

db::EventFilter event_filter(const domain::Caller& caller, const EventListQuery& query) {
  db::EventFilter f;
  if (caller.is_admin()) {
    f.visibility = db::EventFilter::Visibility::all;
  } else if (caller.is_organiser() && caller.organisation_id()) {
    f.visibility = db::EventFilter::Visibility::organiser;
    f.own_organisation_id = *caller.organisation_id();
  }
  // Ids or slugs, looked up by the list's statement (an unknown organisation organises and
  // partners nothing).
  f.organiser = query.organiser;
  f.partner = query.partner;
  f.organiser_or_partner = query.organiser_or_partner;
  f.from = query.from;
  f.to = query.to;
  if (query.kind) f.kind = std::string(domain::to_string(*query.kind));
  if (query.format) f.format = std::string(domain::to_string(*query.format));
  if (query.status) f.status = std::string(domain::to_string(*query.status));
  f.series = query.series;
  f.tag = query.tag;
  f.q = query.q;
  f.after = query.after;
  return f;
}

boost::asio::awaitable<EventPage> list_events(Database& db, const domain::Caller& caller, EventListQuery query) {
  co_return co_await db.run([&](soci::session& s) {
    // The page is one statement, a snapshot by itself. Only include=organiser reads a second
    // time, and then both statements see one moment: a transaction costs three round trips
    // more (BEGIN, SET TRANSACTION, COMMIT), so it is begun only then.
    std::optional<soci::transaction> tx;
    if (query.include_organisers) {
      tx.emplace(s);
      begin_snapshot(s);
    }
    EventPage page;
    db::EventFilter f = event_filter(caller, query);
    f.limit = query.limit + 1;  // one more tells whether there is a next page
    auto rows = db::list_events(s, f);
    if (rows.size() > query.limit) {
      rows.resize(query.limit);
      page.next = std::pair{rows.back().start_us, rows.back().event.id};
    }
    page.items.reserve(rows.size());
    for (auto& row : rows) page.items.push_back(std::move(row.event));
    if (query.include_organisers) {
      std::vector<std::string> ids;
      for (const auto& e : page.items) {
        if (std::find(ids.begin(), ids.end(), e.organiser_id) == ids.end()) ids.push_back(e.organiser_id);
      }
      page.organisers = db::find_organisations(s, ids);
    }
    if (tx) tx->commit();
    return page;
  });
}

boost::asio::awaitable<domain::Event> update_event(Database& db, const domain::Caller& caller, std::string id_or_slug,
                                                   EventPrecondition precondition, EventChange change,
                                                   MailContext mail) {
  require_authenticated(caller);
  co_return co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    auto current = db::find_event(s, id_or_slug, db::RowLock::update);
    if (!current) throw event_not_found();
    require_may_manage(*current, caller);
    precondition(*current);

    EventDraft draft = change(*current);
    domain::Event& next = draft.event;
    const domain::FieldSet unreadable(draft.errors);
    domain::Validator references;
    resolve_organisations(s, next, references);
    if (references.ok() && !unreadable.covers("organiser_id") && next.organiser_id != current->organiser_id &&
        !caller.is_admin()) {
      throw Error(Problem::forbidden, detail("only_admin_moves_event"));
    }
    // (A status that could not be read is a 422 below, not this 409.)
    if (!unreadable.covers("status") && !domain::can_change_status(current->status, next.status)) {
      throw Error(Problem::conflict,
                  detail("no_back_to_draft", {{"status", std::string(domain::to_string(current->status))},
                                              {"example", R"({"status": "cancelled"})"}}));
    }
    domain::Validator errors;
    errors.append(draft.errors);
    errors.append_unreported(references.take());
    default_slug(next);
    validate(next, unreadable, errors);

    next.id = current->id;
    next.version = current->version;
    next.sequence = domain::next_sequence(*current, next);
    // The row lock (FOR UPDATE) also holds off registrations, so the counts stay put until
    // commit: a lower capacity below the confirmed count is refused, a higher one confirms
    // waitlisted registrations in arrival order.
    // (The counts are read after the lock, by a statement of their own: those joined into the
    // locking SELECT may predate a registration it waited for.)
    int promote = 0;
    if (next.capacity != current->capacity) {
      const auto counts = db::seat_counts(s, current->id);
      promote = domain::seats_to_promote(next.capacity, counts.confirmed, counts.waitlisted);
    }
    domain::Event stored = db::update_event(s, next);
    std::vector<std::string> promoted;
    if (promote > 0) {
      promoted = db::promote_waitlisted(s, stored.id, promote);
      stored = *db::find_event(s, stored.id);
    }

    // Written before the last check, which may still roll it back with the change.
    record_event_change(s, stored, event_change_type(*current, stored));
    // The sessions trigger checks a session only when the session is written; when the
    // event moves, its sessions are checked here, against the stored `during`.
    if (auto outside = db::find_session_outside_event(s, stored.id)) {
      throw Error(Problem::conflict,
                  detail("session_outside_event", {{"title", outside->second}, {"id", outside->first}}));
    }
    // Participants hear of it in the same transaction: promotions, and a change their
    // calendars show (a new SEQUENCE) or the cancellation.
    for (const auto& id : promoted) {
      enqueue_registration_message(s, mail, MailKind::registration_promoted, id);
      record_registration_change(s, id, "registration.confirmed");
    }
    if (stored.sequence != current->sequence && current->status != domain::EventStatus::draft) {
      enqueue_event_change_messages(s, mail, stored.id, stored.status == domain::EventStatus::cancelled, promoted);
    }
    tx.commit();
    return stored;
  });
}

boost::asio::awaitable<void> delete_event(Database& db, const domain::Caller& caller, std::string id_or_slug,
                                          EventPrecondition precondition) {
  require_authenticated(caller);
  co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    auto current = db::find_event(s, id_or_slug, db::RowLock::update);
    if (!current) throw event_not_found();
    require_may_manage(*current, caller);
    precondition(*current);
    if (!domain::can_delete(*current)) {
      throw Error(Problem::conflict, detail("delete_only_drafts", {{"example", R"(PATCH {"status": "cancelled"})"}}));
    }
    record_event_change(s, *current, "event.deleted");
    db::delete_event(s, current->id);
    tx.commit();
    return 0;
  });
  co_return;
}

}  // namespace eventd::services
