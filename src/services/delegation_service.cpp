#include "services/delegation_service.hpp"

#include <soci/soci.h>

#include <algorithm>

#include "db/delegation_repository.hpp"
#include "db/event_repository.hpp"
#include "db/registration_repository.hpp"
#include "domain/event_rules.hpp"
#include "domain/validation.hpp"
#include "services/database.hpp"
#include "services/mail_outbox.hpp"
#include "services/managed_event.hpp"
#include "services/secrets.hpp"
#include "services/webhook_service.hpp"

namespace eventd::services {

namespace {

using domain::detail;
using domain::Error;
using domain::Problem;

domain::Delegation existing(soci::session& s, const std::string& event_id, const std::string& delegation_id,
                            bool lock = false) {
  auto found = db::find_delegation(s, event_id, delegation_id, lock);
  if (!found) throw domain::not_found("delegation");
  return std::move(*found);
}

// The delegations `access` reaches in the event: a leader's own (401 for a token of no
// delegation, 404 for an event that is not theirs), or all of them for its organisers.
std::optional<std::string> leader_scope(soci::session& s, const DelegationAccess& access, const std::string& event_ref,
                                        std::string& event_id) {
  if (!access.leader_token) {
    if (access.caller.is_anonymous()) throw Error(Problem::unauthorized, detail("needs_leader_token_or_key"));
    event_id = managed_event(s, access.caller, event_ref, false).id;
    return std::nullopt;
  }
  const db::LeaderScope leader = leader_of(s, *access.leader_token);
  auto event = db::find_event(s, event_ref);
  if (!event || event->id != leader.event_id) throw domain::not_found("event");
  event_id = event->id;
  return leader.delegation_id;
}

domain::Delegation validated(const domain::Delegation& base, const DelegationDraft& draft) {
  domain::Delegation d = draft.delegation;
  d.id = base.id;
  d.event_id = base.event_id;
  domain::Validator v;
  v.append(draft.errors);
  v.append_unreported(domain::check_delegation(d));
  v.throw_if_any();
  return d;
}

}  // namespace

std::string leader_feed_token_for(std::string_view leader_token) {
  return derive_secret(leader_token, "leader-feed", kLeaderFeedTokenPrefix);
}

db::LeaderScope leader_of(soci::session& s, const std::string& leader_token) {
  auto leader = db::find_leader(s, secret_hash(leader_token));
  if (!leader) throw Error(Problem::unauthorized, detail("unknown_leader_token"));
  return std::move(*leader);
}

boost::asio::awaitable<domain::Delegation> create_delegation(Database& db, const domain::Caller& caller,
                                                             std::string event_ref, DelegationDraft draft) {
  domain::Delegation created = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    const domain::Event event = managed_event(s, caller, event_ref, false);
    domain::Delegation base;
    base.event_id = event.id;
    const domain::Delegation d = validated(base, draft);
    if (db::count_delegations(s, event.id) >= db::kMaxDelegationsPerEvent) {
      throw Error(Problem::conflict,
                  detail("too_many_delegations", {{"max", std::to_string(db::kMaxDelegationsPerEvent)}}));
    }
    const std::string id = db::insert_delegation(s, d);
    domain::Delegation stored = existing(s, event.id, id);
    record_delegation_change(s, event, stored, "delegation.created");
    tx.commit();
    return stored;
  });
  co_return created;
}

boost::asio::awaitable<std::vector<domain::Delegation>> list_delegations(Database& db, DelegationAccess access,
                                                                         std::string event_ref) {
  auto found = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    std::string event_id;
    const auto own = leader_scope(s, access, event_ref, event_id);
    std::vector<domain::Delegation> all = db::list_delegations(s, event_id);
    if (own) std::erase_if(all, [&](const domain::Delegation& d) { return d.id != *own; });
    tx.commit();
    return all;
  });
  co_return found;
}

boost::asio::awaitable<domain::Delegation> get_delegation(Database& db, DelegationAccess access, std::string event_ref,
                                                          std::string delegation_id) {
  auto found = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    std::string event_id;
    const auto own = leader_scope(s, access, event_ref, event_id);
    // Another delegation than the leader's own: as if there were none (token_access.hpp).
    if (own && *own != delegation_id) throw domain::not_found("delegation");
    domain::Delegation d = existing(s, event_id, delegation_id);
    tx.commit();
    return d;
  });
  co_return found;
}

boost::asio::awaitable<domain::Delegation> patch_delegation(Database& db, const domain::Caller& caller,
                                                            std::string event_ref, std::string delegation_id,
                                                            DelegationPatcher patch, const MailContext& mail) {
  auto updated = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    // Under the seats' lock: a quota moves seats like a capacity does.
    const domain::Event event = managed_event(s, caller, event_ref, true);
    const domain::Delegation current = existing(s, event.id, delegation_id, true);
    const domain::Delegation next = validated(current, patch(current));
    if (next.quota && *next.quota < current.confirmed) {
      domain::Validator v;
      v.add("quota", domain::FieldCode("below_confirmed"));
      v.throw_if_any();
    }
    db::update_delegation(s, next);
    const bool more_seats = current.quota && (!next.quota || *next.quota > *current.quota);
    if (more_seats && current.waitlisted > 0) {
      const auto counts = db::seat_counts(s, event.id);
      const int free = event.capacity ? *event.capacity - counts.confirmed : counts.waitlisted;
      for (const auto& id : db::promote_waitlisted(s, event.id, std::min(free, counts.waitlisted))) {
        enqueue_registration_message(s, mail, MailKind::registration_promoted, id);
        record_registration_change(s, id, "registration.confirmed");
      }
    }
    domain::Delegation stored = existing(s, event.id, current.id);
    record_delegation_change(s, event, stored, "delegation.updated");
    tx.commit();
    return stored;
  });
  co_return updated;
}

boost::asio::awaitable<void> delete_delegation(Database& db, const domain::Caller& caller, std::string event_ref,
                                               std::string delegation_id, DelegationPrecondition precondition) {
  co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    const domain::Event event = managed_event(s, caller, event_ref, false);
    const domain::Delegation current = existing(s, event.id, delegation_id, true);
    precondition(current);
    record_delegation_change(s, event, current, "delegation.deleted");
    db::delete_delegation(s, current.id);
    tx.commit();
    return 0;
  });
}

boost::asio::awaitable<LeaderToken> issue_leader_token(Database& db, const domain::Caller& caller,
                                                       std::string event_ref, std::string delegation_id) {
  auto issued = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    const domain::Event event = managed_event(s, caller, event_ref, false);
    const domain::Delegation current = existing(s, event.id, delegation_id, true);
    const std::string token = new_secret(kLeaderTokenPrefix);
    LeaderToken out{current, token, leader_feed_token_for(token)};
    db::set_leader_token(s, current.id, secret_hash(out.token), secret_hash(out.feed_token));
    out.delegation = existing(s, event.id, current.id);
    record_delegation_change(s, event, out.delegation, "delegation.updated");
    tx.commit();
    return out;
  });
  co_return issued;
}

}  // namespace eventd::services
