#include "services/session_service.hpp"

#include <soci/soci.h>
#include <algorithm>
#include <set>
#include <tuple>

#include "db/event_repository.hpp"
#include "db/session_repository.hpp"
#include "db/speaker_repository.hpp"
#include "domain/error.hpp"
#include "domain/event_rules.hpp"
#include "domain/event_time.hpp"
#include "domain/validation.hpp"
#include "services/database.hpp"
#include "services/mail_outbox.hpp"
#include "services/webhook_service.hpp"

namespace eventd::services {

namespace {

// The event, if the caller may see it (404 otherwise: another organisation's draft is not
// disclosed); for writes also that the caller may change it (403).
domain::Event load_event(soci::session& s, const domain::Caller& caller, const std::string& event_ref, bool write) {
  auto event = db::find_event_for_sessions(s, event_ref, write);
  if (!event || !domain::is_visible_to(*event, caller)) throw domain::not_found("event");
  if (write && !caller.can_manage(event->organiser_id)) {
    throw domain::Error(domain::Problem::forbidden, domain::detail("key_not_for_event_organiser"));
  }
  return *event;
}

// A time as written, read in the event's zone (domain/event_time.hpp).
void read_time(domain::Validator& v, std::string_view field, const std::string& text, domain::Instant& target,
               const std::string& zone) {
  if (text.empty()) return;  // missing or malformed: the reader reported it
  domain::EventTime read = domain::read_event_time(text, zone);
  if (read.instant) {
    target = *read.instant;
  } else {
    v.add(std::string(field), read.code, std::move(read.params));
  }
}

// host_organisation_ids (ids or slugs) → ids, each at most once; unknown ones are field
// errors per index.
std::vector<std::string> resolve_hosts(soci::session& s, const std::vector<std::string>& refs, domain::Validator& v) {
  std::vector<std::string> ids;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < refs.size(); ++i) {
    const auto field = domain::indexed_field("host_organisation_ids", i);
    const auto id = db::find_organisation_id(s, refs[i]);
    if (!id) {
      v.add(field, domain::FieldCode("unknown_organisation"));
    } else if (!seen.insert(*id).second) {
      v.add(field, domain::FieldCode("duplicate"));
    } else {
      ids.push_back(*id);
    }
  }
  return ids;
}

// delegation_ids → ids of delegations of this event, each at most once, sorted (the order
// means nothing: an audience is a set, and a set sent back in another order is no change).
std::vector<std::string> resolve_audience(soci::session& s, const std::string& event_id,
                                          const std::vector<std::string>& refs, domain::Validator& v) {
  const auto resolved = db::resolve_delegation_refs(s, event_id, refs);
  std::vector<std::string> ids;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < resolved.size(); ++i) {
    const auto field = domain::indexed_field("delegation_ids", i);
    if (!resolved[i]) {
      v.add(field, domain::FieldCode("unknown_delegation"));
    } else if (!seen.insert(*resolved[i]).second) {
      v.add(field, domain::FieldCode("duplicate"));
    } else {
      ids.push_back(*resolved[i]);
    }
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

// Everything about a session that needs its event or the database: its times, read in its
// own zone or else the event's, the speakers (ids or slugs → ids), the hosts (the same), the
// audience (delegations of this event) and domain::check_session.
domain::Session validated(soci::session& s, const domain::Event& event, const SessionDraft& draft) {
  domain::Session session = draft.session;
  session.event_id = event.id;
  domain::Validator v;
  v.append(draft.errors);
  // An unknown own zone is reported by check_session; the times are then read in the
  // event's zone, so a time with an offset is still understood.
  const bool own_zone = session.timezone && domain::is_valid_timezone(*session.timezone);
  const std::string& zone = own_zone ? *session.timezone : event.timezone;
  read_time(v, "starts_at", draft.starts_at_text, session.starts_at, zone);
  read_time(v, "ends_at", draft.ends_at_text, session.ends_at, zone);
  // A time that could not be read, or not in the event's zone, is reported once and not
  // compared with anything; everything else is still checked, for one 422 with it all.
  const domain::FieldSet unreadable(v.errors());

  auto resolved = db::resolve_speaker_refs(s, session.speaker_ids, event.organiser_id);
  std::vector<std::string> ids;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < resolved.size(); ++i) {
    const auto field = domain::indexed_field("speaker_ids", i);
    if (!resolved[i]) {
      v.add(field, domain::FieldCode("unknown_speaker"));
    } else if (!seen.insert(*resolved[i]).second) {
      v.add(field, domain::FieldCode("duplicate"));
    } else {
      ids.push_back(*resolved[i]);
    }
  }
  // check_session's own repeat check is covered above, per index (a slug and an id can
  // name the same speaker), so it sees the session without speakers.
  auto hosts = resolve_hosts(s, session.host_organisation_ids, v);
  auto audience = resolve_audience(s, event.id, session.delegation_ids, v);
  domain::Session probe = session;
  probe.speaker_ids.clear();
  probe.host_organisation_ids.clear();
  probe.delegation_ids.clear();
  v.append_unreported(domain::check_session(probe, event, unreadable));
  v.throw_if_any();
  session.speaker_ids = std::move(ids);
  session.host_organisation_ids = std::move(hosts);
  session.delegation_ids = std::move(audience);
  return session;
}

// The exclusion constraint fired: the transaction is void, so roll back and find out, from
// what is committed now, which speaker clashes with which session.
[[noreturn]] void throw_clash(soci::session& s, soci::transaction& tx, const domain::Session& session,
                              const std::string& exclude_session_id) {
  tx.rollback();
  for (std::size_t i = 0; i < session.speaker_ids.size(); ++i) {
    auto clash =
        db::find_speaker_clash(s, session.speaker_ids[i], session.starts_at, session.ends_at, exclude_session_id);
    if (!clash) continue;
    const std::string starts = domain::format_in_zone(clash->starts_at, clash->event_timezone);
    const std::string ends = domain::format_in_zone(clash->ends_at, clash->event_timezone);
    throw domain::Error(domain::Problem::speaker_clash,
                        domain::detail("speaker_clash", {{"speaker", clash->speaker_name},
                                                         {"session", clash->session_title},
                                                         {"event", clash->event_title},
                                                         {"starts", starts},
                                                         {"ends", ends}}),
                        {{domain::indexed_field("speaker_ids", i),
                          domain::FieldCode("speaker_clash"),
                          {{"speaker", clash->speaker_name},
                           {"session", clash->session_title},
                           {"session_id", clash->session_id},
                           {"event", clash->event_slug}}}});
  }
  // The other session went away in the meantime; a retry may well succeed.
  throw domain::Error(domain::Problem::speaker_clash, domain::detail("speaker_clash_gone"),
                      {{"speaker_ids", domain::FieldCode("speaker_busy")}});
}

// Runs one write transaction, again when PostgreSQL broke a deadlock by aborting it.
template <class Work>
auto with_retry(soci::session& s, Work work) {
  for (int attempt = 1;; ++attempt) {
    try {
      return work(s);
    } catch (const domain::Error&) {
      throw;
    } catch (const std::exception& e) {
      if (attempt >= 3 || !db::is_retryable(e)) throw;
    }
  }
}

// Participants hear of the programme of an event the public sees, not of a draft's, nor of a
// cancelled event's (they were told of the cancellation).
bool is_told_of_changes(const domain::Event& event) {
  return domain::is_public_status(event.status) && event.status != domain::EventStatus::cancelled;
}

// A change that moves the people who follow the session: its time or its place.
bool moves_people(const domain::Event& event, const domain::Session& before, const domain::Session& after) {
  return is_told_of_changes(event) && (before.starts_at != after.starts_at || before.ends_at != after.ends_at ||
                                       before.location != after.location || before.place != after.place);
}

// Who follows the session and had it in their itinerary: a delegation's leg is news only to
// its delegation's participants (the others who chose no sessions never saw it).
std::vector<std::string> followers_in_audience(soci::session& s, const std::string& event_id,
                                               const domain::Session& session) {
  auto followers = followers_of_session(s, event_id, session.id);
  if (domain::is_for_everyone(session)) return followers;
  return db::registrations_in_delegations(s, followers, session.delegation_ids);
}

// The event's organisers (and admins) see every session; anybody else only those for
// everyone (a delegation's leg is its delegation's business, issue 21).
bool sees_every_session(const domain::Event& event, const domain::Caller& caller) {
  return caller.can_manage(event.organiser_id);
}

}  // namespace

boost::asio::awaitable<SessionInEvent> create_session(Database& db, const domain::Caller& caller, std::string event_ref,
                                                      SessionDraft draft) {
  co_return co_await db.run([&](soci::session& connection) {
    return with_retry(connection, [&](soci::session& s) -> SessionInEvent {
      soci::transaction tx(s);
      const domain::Event event = load_event(s, caller, event_ref, true);
      const domain::Session session = validated(s, event, draft);
      std::optional<domain::Session> stored;
      try {
        const std::string id = db::insert_session(s, session);
        db::add_session_speakers(s, id, session.speaker_ids);
        db::replace_session_hosts(s, id, session.host_organisation_ids);
        db::replace_session_audience(s, id, event.id, session.delegation_ids);
        stored = db::find_session(s, event.id, id);
      } catch (const std::exception& e) {
        if (db::is_speaker_clash(e)) throw_clash(s, tx, session, "");
        db::throw_if_session_constraint(e);
        throw;
      }
      record_session_change(s, event, *stored, "session.created");
      tx.commit();
      return {*stored, event.timezone};
    });
  });
}

boost::asio::awaitable<SessionPage> list_sessions(Database& db, const domain::Caller& caller, std::string event_ref,
                                                  std::optional<db::SessionCursor> after, std::size_t limit) {
  co_return co_await db.run([&](soci::session& s) -> SessionPage {
    soci::transaction tx(s);  // one snapshot for the event and its sessions
    const domain::Event event = load_event(s, caller, event_ref, false);
    SessionPage page;
    page.timezone = event.timezone;
    page.items = db::list_sessions(s, event.id, after, limit + 1, !sees_every_session(event, caller));
    if (page.items.size() > limit) {
      page.items.resize(limit);
      page.has_more = true;
    }
    tx.commit();
    return page;
  });
}

boost::asio::awaitable<SessionInEvent> get_session(Database& db, const domain::Caller& caller, std::string event_ref,
                                                   std::string session_id) {
  co_return co_await db.run([&](soci::session& s) -> SessionInEvent {
    soci::transaction tx(s);
    const domain::Event event = load_event(s, caller, event_ref, false);
    auto session = db::find_session(s, event.id, session_id);
    // A delegation's leg is not disclosed to anyone else: the answer of no session.
    if (!session || (!sees_every_session(event, caller) && !domain::is_for_everyone(*session))) {
      throw domain::not_found("session");
    }
    tx.commit();
    return {*session, event.timezone};
  });
}

boost::asio::awaitable<SessionInEvent> patch_session(Database& db, const domain::Caller& caller, std::string event_ref,
                                                     std::string session_id, SessionPatcher patch,
                                                     const MailContext& mail) {
  co_return co_await db.run([&](soci::session& connection) {
    return with_retry(connection, [&](soci::session& s) -> SessionInEvent {
      soci::transaction tx(s);
      const domain::Event event = load_event(s, caller, event_ref, true);
      const auto current = db::find_session(s, event.id, session_id, true);
      if (!current) throw domain::not_found("session");
      domain::Session session = validated(s, event, patch(*current, event.timezone));
      session.id = current->id;

      const bool speakers_changed = session.speaker_ids != current->speaker_ids;
      const bool visible = domain::is_subscriber_visible_change(*current, session);
      session.sequence = domain::next_sequence(*current, session);
      if (!visible && session.description == current->description) {
        tx.commit();
        return {*current, event.timezone};
      }
      std::optional<domain::Session> stored;
      try {
        // Speakers leave before the session moves, so nobody clashes with an old line-up.
        if (speakers_changed) db::clear_session_speakers(s, session.id);
        // A calendar-visible change bumps `sequence`, which also bumps `version` (the ETag)
        // when only speaker_ids changed and no column of the session itself did.
        db::update_session(s, session);
        if (speakers_changed) db::add_session_speakers(s, session.id, session.speaker_ids);
        if (session.host_organisation_ids != current->host_organisation_ids) {
          db::replace_session_hosts(s, session.id, session.host_organisation_ids);
        }
        if (session.delegation_ids != current->delegation_ids) {
          db::replace_session_audience(s, session.id, event.id, session.delegation_ids);
        }
        stored = db::find_session(s, event.id, session.id);
      } catch (const std::exception& e) {
        if (db::is_speaker_clash(e)) throw_clash(s, tx, session, session.id);
        db::throw_if_session_constraint(e);
        throw;
      }
      if (moves_people(event, *current, session)) {
        enqueue_change_notices(s, mail, followers_in_audience(s, event.id, *current));
      }
      record_session_change(s, event, *stored, "session.updated");
      tx.commit();
      return {*stored, event.timezone};
    });
  });
}

boost::asio::awaitable<void> delete_session(Database& db, const domain::Caller& caller, std::string event_ref,
                                            std::string session_id, SessionPrecondition precondition,
                                            const MailContext& mail) {
  co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    const domain::Event event = load_event(s, caller, event_ref, true);
    const auto current = db::find_session(s, event.id, session_id, true);
    if (!current) throw domain::not_found("session");
    precondition(*current);
    // Who followed it, read before the deletion takes their choices with it.
    const bool told = is_told_of_changes(event);
    const auto followers = told ? followers_in_audience(s, event.id, *current) : std::vector<std::string>{};
    record_session_change(s, event, *current, "session.deleted");
    db::delete_session(s, event.id, current->id);
    if (told) enqueue_change_notices(s, mail, followers);
    tx.commit();
    return 0;
  });
}

}  // namespace eventd::services
