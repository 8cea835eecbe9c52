#include "db/registration_repository.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "db/event_repository.hpp"
#include "db/statement.hpp"
#include "db/support.hpp"
#include "domain/delegation.hpp"

namespace eventd::db {

namespace {

// Column order is relied on by registration_from_row. The waitlist position is counted
// under the same snapshot as the row (registrations_waitlist_idx).
constexpr const char* registration_columns =
    "r.id::text, r.event_id::text, r.status, "
    // A delegation's member waits in its delegation's queue; anyone else behind every
    // waitlisted registration of the event (domain/delegation.hpp).
    "CASE WHEN r.status <> 'waitlisted' THEN NULL "
    "  WHEN r.delegation_id IS NULL THEN (SELECT count(*) FROM registrations w WHERE w.event_id = r.event_id "
    "    AND w.status = 'waitlisted' AND w.seq <= r.seq) "
    "  ELSE (SELECT count(*) FROM registrations w WHERE w.delegation_id = r.delegation_id "
    "    AND w.status = 'waitlisted' AND w.seq <= r.seq) END, "
    "r.name, r.email, r.organisation, r.country, r.needs, "
    "COALESCE((SELECT string_agg(x.session_id::text, chr(31) ORDER BY x.session_id) "
    "          FROM registration_sessions x WHERE x.registration_id = r.id), ''), "
    "eventd_us(r.consent_at), eventd_us(r.confirmed_at), eventd_us(r.cancelled_at), eventd_us(r.erased_at), "
    "r.feed_generation, r.version, eventd_us(r.created_at), eventd_us(r.updated_at), r.seq, "
    "e.organiser_id::text, encode(r.manage_token_hash, 'hex'), COALESCE(encode(r.resent_token_hash, 'hex'), ''), "
    "r.delegation_id::text";

// How many columns registration_columns has: a query that adds its own reads them from here.
constexpr std::size_t kRegistrationColumnCount = 23;

constexpr const char* registration_from = " FROM registrations r JOIN events e ON e.id = r.event_id";

struct Row {
  RegistrationRecord record;
  long long seq = 0;
};

Row from_row(const soci::row& row) {
  Row out;
  domain::Registration& r = out.record.registration;
  r.id = row.get<std::string>(0);
  r.event_id = row.get<std::string>(1);
  r.status = domain::parse_registration_status(row.get<std::string>(2)).value_or(domain::RegistrationStatus::cancelled);
  if (row.get_indicator(3) != soci::i_null) r.waitlist_position = static_cast<int>(row.get<long long>(3));
  r.erased_at = opt_instant(row, 13);
  if (!r.erased_at) {
    domain::Participant p;
    p.name = row.get<std::string>(4);
    p.email = row.get<std::string>(5);
    p.organisation = opt_text(row, 6);
    p.country = opt_text(row, 7);
    p.needs = opt_text(row, 8);
    r.participant = std::move(p);
  }
  r.session_ids = split_list(row.get<std::string>(9));
  r.consent_at = from_us(row.get<long long>(10));
  r.confirmed_at = opt_instant(row, 11);
  r.cancelled_at = opt_instant(row, 12);
  r.feed_generation = row.get<int>(14);
  r.version = row.get<long long>(15);
  r.created_at = from_us(row.get<long long>(16));
  r.updated_at = from_us(row.get<long long>(17));
  out.seq = row.get<long long>(18);
  out.record.organiser_id = row.get<std::string>(19);
  out.record.manage_token_hash = row.get<std::string>(20);
  out.record.resent_token_hash = row.get<std::string>(21);
  r.delegation_id = opt_text(row, 22);
  return out;
}

std::optional<Row> find_one(soci::session& session, const std::string& condition, Params& params,
                            bool for_update = false) {
  std::optional<Row> found;
  std::string sql = std::string("SELECT ") + registration_columns + registration_from + " WHERE " + condition;
  if (for_update) sql += " FOR UPDATE OF r";
  for_each_row(session, sql, params, [&](const soci::row& row) { found = from_row(row); });
  return found;
}

void throw_if_registration_constraint(const std::exception& e) {
  using domain::FieldCode;
  throw_if_constraint(
      e, {
             {"registrations_email_key", domain::Problem::duplicate_registration, domain::detail("email_registered")},
             // schema/026: the database's own count of the seats (eventd decides before it)
             {"event_registration_counts_capacity_check", domain::Problem::event_full},
             // schema/030: the same for a delegation's quota, and a delegation of another event
             {"delegations_quota_held_check", domain::Problem::event_full, domain::detail("delegation_full")},
             {"registrations_delegation_fkey", "delegation_id", FieldCode("unknown_delegation")},
             {"registration_sessions_session_id_fkey", "session_ids", FieldCode("unknown_programme_item")},
             {"registrations_name_check", "name", FieldCode("length_between"), {{"min", "1"}, {"max", "200"}}},
             {"registrations_email_check", "email", FieldCode("length_between"), {{"min", "3"}, {"max", "254"}}},
             {"registrations_organisation_check", "organisation", FieldCode("too_long"), {{"max", "200"}}},
             {"registrations_country_check", "country", FieldCode("invalid_country")},
             {"registrations_needs_check", "needs", FieldCode("too_long"), {{"max", "2000"}}},
         });
}

void replace_sessions(soci::session& session, const std::string& id, const std::vector<std::string>& session_ids) {
  Params p;
  const std::string rid = p.add_uuid(id);
  execute(session, "DELETE FROM registration_sessions WHERE registration_id = " + rid, p);
  if (session_ids.empty()) return;
  Params q;
  const std::string reg = q.add_uuid(id);
  const std::string ids = q.add(join_list(session_ids));
  execute(session,
          "INSERT INTO registration_sessions (registration_id, session_id) "
          "SELECT " +
              reg + ", CAST(x AS uuid) FROM unnest(string_to_array(" + ids +
              ", chr(31))) AS x "
              "ON CONFLICT DO NOTHING",
          q);
}

// The chosen sessions of new registrations (session_ids as the client sent them) in one
// statement; each record's session_ids become the stored ones (canonical, in the order
// registration_columns reads them).
void add_sessions(soci::session& session, std::vector<RegistrationRecord>& records) {
  nlohmann::json pairs = nlohmann::json::array();
  for (const auto& record : records) {
    for (const auto& id : record.registration.session_ids) {
      pairs.push_back({{"r", record.registration.id}, {"s", id}});
    }
  }
  if (pairs.empty()) return;
  std::map<std::string, std::vector<std::string>> stored;
  Params p;
  for_each_row(session,
               "INSERT INTO registration_sessions (registration_id, session_id) "
               "SELECT CAST(x.r AS uuid), CAST(x.s AS uuid) FROM jsonb_to_recordset(CAST(" +
                   p.add(pairs.dump()) +
                   " AS jsonb)) AS x(r text, s text) ON CONFLICT DO NOTHING "
                   "RETURNING registration_id::text, session_id::text",
               p, [&](const soci::row& row) { stored[row.get<std::string>(0)].push_back(row.get<std::string>(1)); });
  for (auto& record : records) {
    auto& ids = stored[record.registration.id];
    std::sort(ids.begin(), ids.end());
    record.registration.session_ids = std::move(ids);
  }
}

nlohmann::json json_or_null(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

std::optional<domain::Event> lock_event_for_seats(soci::session& session, const std::string& event_id_or_slug) {
  return find_event(session, event_id_or_slug, RowLock::no_key_update);
}

SeatCounts seat_counts(soci::session& session, const std::string& event_id) {
  SeatCounts counts;
  Params p;
  for_each_row(session,
               "SELECT confirmed, waitlisted FROM event_registration_counts WHERE event_id = " + p.add_uuid(event_id),
               p, [&](const soci::row& row) {
                 counts.confirmed = row.get<int>(0);
                 counts.waitlisted = row.get<int>(1);
               });
  return counts;
}

RegistrationRecord insert_registration(soci::session& session, const NewRegistration& r) {
  auto inserted = insert_registrations(session, {r});
  if (inserted.empty()) {
    throw domain::Error(domain::Problem::duplicate_registration, domain::detail("email_registered"));
  }
  // Read again for what only the table knows: the waitlist position.
  return std::move(*find_registration(session, inserted.front().registration.id));
}

std::vector<RegistrationRecord> insert_registrations(soci::session& session, const std::vector<NewRegistration>& rows) {
  std::vector<RegistrationRecord> out;
  if (rows.empty()) return out;
  // One statement for any number of rows (one prepared plan): the rows travel as a JSON
  // array, inserted in its order (ORDER BY i), so seq follows the order of `rows`.
  nlohmann::json input = nlohmann::json::array();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const NewRegistration& r = rows[i];
    const domain::Participant& who = r.participant;
    input.push_back({{"i", i},
                     {"event_id", r.event_id},
                     {"status", domain::to_string(r.status)},
                     {"name", who.name},
                     {"email", who.email},
                     {"organisation", json_or_null(who.organisation)},
                     {"country", json_or_null(who.country)},
                     {"needs", json_or_null(who.needs)},
                     {"manage", r.manage_token_hash},
                     {"feed", r.feed_token_hash},
                     {"delegation", json_or_null(r.delegation_id)}});
  }
  Params p;
  // The same columns as registration_columns, for what RETURNING can know: the rows'
  // waitlist positions and chosen sessions are filled in below and by the caller.
  const std::string sql =
      "INSERT INTO registrations AS r (event_id, status, name, email, organisation, country, needs, consent_at, "
      "manage_token_hash, feed_token_hash, confirmed_at, delegation_id) "
      "SELECT CAST(x.event_id AS uuid), x.status, x.name, x.email, x.organisation, x.country, x.needs, now(), "
      "decode(x.manage, 'hex'), decode(x.feed, 'hex'), CASE WHEN x.status = 'confirmed' THEN now() END, "
      "CAST(x.delegation AS uuid) "
      "FROM jsonb_to_recordset(CAST(" +
      p.add(input.dump()) +
      " AS jsonb)) AS x(i int, event_id text, status text, name text, email text, organisation text, country text, "
      "needs text, manage text, feed text, delegation text) ORDER BY x.i "
      // The arbiter is registrations_email_key (its columns and predicate).
      "ON CONFLICT (event_id, lower(email)) WHERE status <> 'cancelled' AND email IS NOT NULL DO NOTHING "
      "RETURNING r.id::text, r.event_id::text, r.status, NULL::int8, r.name, r.email, r.organisation, r.country, "
      "r.needs, '', eventd_us(r.consent_at), eventd_us(r.confirmed_at), eventd_us(r.cancelled_at), "
      "eventd_us(r.erased_at), r.feed_generation, r.version, eventd_us(r.created_at), eventd_us(r.updated_at), r.seq, "
      "(SELECT e.organiser_id::text FROM events e WHERE e.id = r.event_id), encode(r.manage_token_hash, 'hex'), '', "
      "r.delegation_id::text";
  std::vector<Row> inserted;
  try {
    for_each_row(session, sql, p, [&](const soci::row& row) { inserted.push_back(from_row(row)); });
    // RETURNING's order is not promised: back into the order of `rows` by seq.
    std::sort(inserted.begin(), inserted.end(), [](const Row& a, const Row& b) { return a.seq < b.seq; });
    std::map<std::string, const NewRegistration*> by_token;
    for (const auto& r : rows) by_token[r.manage_token_hash] = &r;
    for (auto& row : inserted) {
      out.push_back(std::move(row.record));
      out.back().registration.session_ids = by_token.at(out.back().manage_token_hash)->session_ids;
    }
    add_sessions(session, out);
  } catch (const std::exception& e) {
    throw_if_registration_constraint(e);
    throw;
  }
  return out;
}

std::optional<RegistrationRecord> find_registration(soci::session& session, const std::string& id, bool for_update) {
  if (!is_uuid(id)) return std::nullopt;
  Params p;
  auto row = find_one(session, "r.id = " + p.add_uuid(id), p, for_update);
  if (!row) return std::nullopt;
  return std::move(row->record);
}

std::optional<std::string> find_registration_id_by_manage_hash(soci::session& session, const std::string& hash) {
  Params p;
  std::optional<std::string> id;
  for_each_row(session,
               "SELECT id::text FROM registrations WHERE manage_token_hash = decode(" + p.add(hash) +
                   ", 'hex') OR resent_token_hash = decode(" + p.add(hash) + ", 'hex')",
               p, [&](const soci::row& row) { id = row.get<std::string>(0); });
  return id;
}

std::optional<std::string> find_live_registration_by_email(soci::session& session, const std::string& event_id,
                                                           const std::string& email) {
  Params p;
  std::optional<std::string> id;
  // The same condition as registrations_email_key, so this finds exactly what the insert would hit.
  for_each_row(session,
               "SELECT id::text FROM registrations WHERE event_id = " + p.add_uuid(event_id) +
                   " AND lower(email) = lower(" + p.add(email) +
                   ") AND status <> 'cancelled' AND email IS NOT NULL FOR UPDATE",
               p, [&](const soci::row& row) { id = row.get<std::string>(0); });
  return id;
}

bool claim_link_resend(soci::session& session, const std::string& id, std::chrono::seconds interval) {
  Params p;
  bool claimed = false;
  for_each_row(session,
               "UPDATE registrations SET link_resent_at = now() WHERE id = " + p.add_uuid(id) +
                   " AND (link_resent_at IS NULL OR link_resent_at <= now() - make_interval(secs => CAST(" +
                   p.add(std::to_string(interval.count())) + " AS double precision))) RETURNING 1",
               p, [&](const soci::row&) { claimed = true; });
  return claimed;
}

void promote_resent_token(soci::session& session, const std::string& id) {
  Params p;
  execute(session,
          "UPDATE registrations SET manage_token_hash = resent_token_hash, resent_token_hash = NULL "
          "WHERE resent_token_hash IS NOT NULL AND id = " +
              p.add_uuid(id),
          p);
}

std::optional<RegistrationRecord> find_registration_by_feed_hash(soci::session& session, const std::string& hash) {
  Params p;
  auto row = find_one(session, "r.feed_token_hash = decode(" + p.add(hash) + ", 'hex')", p);
  if (!row) return std::nullopt;
  return std::move(row->record);
}

std::vector<std::string> foreign_session_ids(soci::session& session, const std::string& event_id,
                                             const std::vector<std::string>& session_ids) {
  std::vector<std::string> foreign;
  std::vector<std::string> candidates;
  for (const auto& id : session_ids) (is_uuid(id) ? candidates : foreign).push_back(id);
  if (candidates.empty()) return foreign;
  Params p;
  const std::string sql = "SELECT x FROM unnest(string_to_array(" + p.add(join_list(candidates)) +
                          ", chr(31))) AS x WHERE NOT EXISTS (SELECT 1 FROM sessions s WHERE s.id = CAST(x AS uuid) "
                          "AND s.event_id = " +
                          p.add_uuid(event_id) + ")";
  for_each_row(session, sql, p, [&](const soci::row& row) { foreign.push_back(row.get<std::string>(0)); });
  return foreign;
}

void update_participant(soci::session& session, const std::string& id, const domain::Participant& participant,
                        const std::vector<std::string>& session_ids) {
  Params p;
  const std::string sql =
      "UPDATE registrations SET name = " + p.add(participant.name) + ", email = " + p.add(participant.email) +
      ", organisation = " + p.add(participant.organisation) + ", country = " + p.add(participant.country) +
      ", needs = " + p.add(participant.needs) + ", updated_at = now() WHERE id = " + p.add_uuid(id);
  try {
    execute(session, sql, p);
    replace_sessions(session, id, session_ids);
  } catch (const std::exception& e) {
    throw_if_registration_constraint(e);
    throw;
  }
}

void cancel_registration(soci::session& session, const std::string& id) {
  Params p;
  execute(session,
          "UPDATE registrations SET status = 'cancelled', cancelled_at = now(), updated_at = now() "
          "WHERE status <> 'cancelled' AND id = " +
              p.add_uuid(id),
          p);
}

void erase_registration(soci::session& session, const std::string& id, const std::string& reason) {
  Params p;
  const std::string rid = p.add_uuid(id);
  execute(session,
          "UPDATE registrations SET name = NULL, email = NULL, organisation = NULL, country = NULL, needs = NULL, "
          "erased_at = now(), erased_reason = " +
              p.add(reason) + ", updated_at = now() WHERE erased_at IS NULL AND id = " + rid,
          p);
  // The chosen sessions say something about the person too.
  replace_sessions(session, id, {});
}

std::vector<std::string> promote_waitlisted(soci::session& session, const std::string& event_id, int n) {
  std::vector<std::string> ids;
  if (n <= 0) return ids;
  // The waitlist in order, each with whether its delegation has a seat left; a registration
  // whose delegation is at its quota waits, and the next one in line gets the seat.
  Params p;
  const std::string event = p.add_uuid(event_id);
  const std::string sql =
      "SELECT r.id::text, r.delegation_id::text, d.quota, "
      "(SELECT count(*) FROM registrations c WHERE c.delegation_id = r.delegation_id AND c.status = 'confirmed') "
      "FROM registrations r LEFT JOIN delegations d ON d.id = r.delegation_id "
      "WHERE r.event_id = " +
      event +
      " AND r.status = 'waitlisted' ORDER BY r.seq "
      // Only a delegation's member is ever passed over, so the first n plus those hold every
      // registration this may promote: an event without delegations reads n rows, as before.
      "LIMIT CAST(" +
      p.add(std::to_string(n)) +
      " AS bigint) + (SELECT count(*) FROM registrations w WHERE w.event_id = " + p.add_uuid(event_id) +
      " AND w.status = 'waitlisted' AND w.delegation_id IS NOT NULL) FOR UPDATE OF r";
  std::map<std::string, domain::DelegationSeats> seats;
  for_each_row(session, sql, p, [&](const soci::row& row) {
    if (static_cast<int>(ids.size()) >= n) return;
    auto delegation = opt_text(row, 1);
    if (delegation) {
      auto [it, fresh] = seats.try_emplace(*delegation);
      if (fresh) {
        if (row.get_indicator(2) != soci::i_null) it->second.quota = row.get<int>(2);
        it->second.confirmed = static_cast<int>(row.get<long long>(3));
      }
      if (!it->second.has_room()) return;
      ++it->second.confirmed;
    }
    ids.push_back(row.get<std::string>(0));
  });
  if (ids.empty()) return ids;
  Params q;
  execute(session,
          "UPDATE registrations SET status = 'confirmed', confirmed_at = now(), updated_at = now() "
          "WHERE id = ANY (CAST(string_to_array(" +
              q.add(join_list(ids)) + ", chr(31)) AS uuid[]))",
          q);
  return ids;
}

void rotate_feed_token(soci::session& session, const std::string& id, int generation, const std::string& feed_hash) {
  Params p;
  execute(session,
          "UPDATE registrations SET feed_generation = CAST(" + p.add(std::to_string(generation)) +
              " AS int), feed_token_hash = decode(" + p.add(feed_hash) +
              ", 'hex'), updated_at = now() WHERE id = " + p.add_uuid(id),
          p);
}

std::vector<RegistrationListRow> list_registrations(soci::session& session, const RegistrationFilter& f) {
  Params p;
  std::string sql = std::string("SELECT ") + registration_columns + registration_from +
                    " WHERE r.event_id = " + p.add_uuid(f.event_id);
  if (f.status) sql += " AND r.status = " + p.add(*f.status);
  if (f.delegation_id) sql += " AND r.delegation_id = " + p.add_uuid(*f.delegation_id);
  if (f.q) {
    const std::string q = p.add(*f.q);
    // registrations_search_trgm_idx serves the ILIKE over the same expression.
    sql +=
        " AND (coalesce(r.name, '') || ' ' || coalesce(r.email, '') || ' ' || coalesce(r.organisation, '')) "
        "ILIKE '%' || eventd_like_escape(" +
        q + ") || '%'";
  }
  if (f.after_seq) sql += " AND r.seq > CAST(" + p.add(std::to_string(*f.after_seq)) + " AS bigint)";
  sql += " ORDER BY r.seq LIMIT CAST(" + p.add(std::to_string(f.limit)) + " AS int)";
  std::vector<RegistrationListRow> out;
  for_each_row(session, sql, p, [&](const soci::row& row) {
    Row r = from_row(row);
    out.push_back({std::move(r.record.registration), r.seq});
  });
  return out;
}

std::vector<PersonalRecord> registrations_of_email(soci::session& session, const std::string& email,
                                                   const std::optional<std::string>& organisation_id) {
  Params p;
  std::string sql = std::string("SELECT ") + registration_columns +
                    ", e.slug, e.title, eventd_us(lower(e.during)), e.timezone, "
                    "(SELECT o.frontend_url FROM organisations o WHERE o.id = e.organiser_id)" +
                    registration_from + " WHERE eventd_address(r.email) = eventd_address(" + p.add(email) + ")";
  if (organisation_id) sql += " AND e.organiser_id = " + p.add_uuid(*organisation_id);
  sql += " ORDER BY r.created_at, r.id";
  std::vector<PersonalRecord> out;
  for_each_row(session, sql, p, [&](const soci::row& row) {
    Row r = from_row(row);
    constexpr std::size_t extra = kRegistrationColumnCount;
    out.push_back({std::move(r.record.registration), row.get<std::string>(extra), row.get<std::string>(extra + 1),
                   opt_instant(row, extra + 2), row.get<std::string>(extra + 3), opt_text(row, extra + 4)});
  });
  return out;
}

long long anonymise_registrations_of_ended_events(soci::session& session, domain::Instant cutoff) {
  Params p;
  long long count = 0;
  const std::string sql =
      "WITH erased AS (UPDATE registrations r SET name = NULL, email = NULL, organisation = NULL, country = NULL, "
      "needs = NULL, erased_at = now(), erased_reason = 'retention', updated_at = now() "
      "FROM events e WHERE e.id = r.event_id AND r.erased_at IS NULL AND upper(e.during) < " +
      p.add_us(cutoff) +
      " RETURNING r.id), "
      "unchosen AS (DELETE FROM registration_sessions x USING erased WHERE x.registration_id = erased.id) "
      "SELECT count(*) FROM erased";
  for_each_row(session, sql, p, [&](const soci::row& row) { count = row.get<long long>(0); });
  return count;
}

}  // namespace eventd::db
