#include "db/session_repository.hpp"

#include <soci/soci.h>

#include "db/sql_error.hpp"
#include "db/statement.hpp"
#include "db/support.hpp"

namespace eventd::db {

namespace {

constexpr const char* session_columns =
    "s.id::text, s.event_id::text, s.title, s.description, s.kind, eventd_us(s.starts_at), eventd_us(s.ends_at), "
    "s.location, s.version, eventd_us(s.created_at), eventd_us(s.updated_at), s.sequence, "
    "COALESCE((SELECT string_agg(ss.speaker_id::text, chr(31) ORDER BY ss.position, ss.speaker_id) "
    "FROM session_speakers ss WHERE ss.session_id = s.id), '')";

// A tombstone (schema/019) in the same shape as session_columns.
constexpr const char* tombstone_columns =
    "t.session_id::text, t.event_id::text, t.title, NULL::text, t.kind, eventd_us(t.starts_at), eventd_us(t.ends_at), "
    "t.location, CAST(1 AS bigint), eventd_us(t.deleted_at), eventd_us(t.deleted_at), t.sequence, "
    "COALESCE(array_to_string(t.speaker_ids, chr(31)), ''), COALESCE(array_to_string(t.chosen_by, chr(31)), '')";

domain::Session session_from_row(const soci::row& row) {
  domain::Session s;
  s.id = row.get<std::string>(0);
  s.event_id = row.get<std::string>(1);
  s.title = row.get<std::string>(2);
  s.description = opt_text(row, 3);
  s.kind = domain::parse_session_kind(row.get<std::string>(4)).value_or(domain::SessionKind::other);
  s.starts_at = from_us(row.get<long long>(5));
  s.ends_at = from_us(row.get<long long>(6));
  s.location = opt_text(row, 7);
  s.version = row.get<long long>(8);
  s.created_at = from_us(row.get<long long>(9));
  s.updated_at = from_us(row.get<long long>(10));
  s.sequence = row.get<int>(11);
  s.speaker_ids = split_list(row.get<std::string>(12));
  return s;
}

}  // namespace

std::optional<domain::Event> find_event_for_sessions(soci::session& session, const std::string& id_or_slug, bool lock) {
  Params p;
  std::string sql =
      "SELECT e.id::text, e.slug, e.title, e.organiser_id::text, e.status, e.timezone, "
      "CASE WHEN e.all_day THEN 1 ELSE 0 END, eventd_us(e.starts_at), eventd_us(e.ends_at), "
      "to_char(e.starts_on, 'YYYY-MM-DD'), to_char(e.ends_on, 'YYYY-MM-DD') FROM events e WHERE ";
  sql += is_uuid(id_or_slug) ? "e.id = " + p.add_uuid(id_or_slug) : "e.slug = " + p.add(id_or_slug);
  if (lock) sql += " FOR NO KEY UPDATE";
  std::optional<domain::Event> found;
  for_each_row(session, sql, p, [&](const soci::row& row) {
    domain::Event e;
    e.id = row.get<std::string>(0);
    e.slug = row.get<std::string>(1);
    e.title = row.get<std::string>(2);
    e.organiser_id = row.get<std::string>(3);
    e.status = domain::parse_event_status(row.get<std::string>(4)).value_or(domain::EventStatus::draft);
    e.timezone = row.get<std::string>(5);
    e.all_day = row.get<int>(6) != 0;
    if (row.get_indicator(7) != soci::i_null) e.starts_at = from_us(row.get<long long>(7));
    if (row.get_indicator(8) != soci::i_null) e.ends_at = from_us(row.get<long long>(8));
    if (auto d = opt_text(row, 9)) e.starts_on = domain::parse_date(*d);
    if (auto d = opt_text(row, 10)) e.ends_on = domain::parse_date(*d);
    found = std::move(e);
  });
  return found;
}

std::vector<domain::Session> list_sessions(soci::session& session, const std::string& event_id,
                                           const std::optional<SessionCursor>& after, std::size_t limit) {
  Params p;
  std::string sql =
      std::string("SELECT ") + session_columns + " FROM sessions s WHERE s.event_id = " + p.add_uuid(event_id);
  if (after) {
    sql += " AND (s.starts_at, s.id) > (" + p.add_us(from_us(after->starts_us)) + ", " + p.add_uuid(after->id) + ")";
  }
  sql += " ORDER BY s.starts_at, s.id LIMIT CAST(" + p.add(std::to_string(limit)) + " AS integer)";
  std::vector<domain::Session> out;
  for_each_row(session, sql, p, [&](const soci::row& row) { out.push_back(session_from_row(row)); });
  return out;
}

std::vector<domain::Session> list_sessions_of_events(soci::session& session,
                                                     const std::vector<std::string>& event_ids) {
  std::vector<domain::Session> out;
  if (event_ids.empty()) return out;
  Params p;
  const std::string sql = std::string("SELECT ") + session_columns +
                          " FROM sessions s WHERE s.event_id = ANY (CAST(string_to_array(" +
                          p.add(join_list(event_ids)) + ", chr(31)) AS uuid[])) ORDER BY s.event_id, s.starts_at, s.id";
  for_each_row(session, sql, p, [&](const soci::row& row) { out.push_back(session_from_row(row)); });
  return out;
}

std::vector<domain::Session> list_speaker_sessions(soci::session& session, const std::string& speaker_id,
                                                   std::size_t limit) {
  std::vector<domain::Session> out;
  if (!is_uuid(speaker_id)) return out;
  Params p;
  const std::string sql = std::string("SELECT ") + session_columns +
                          " FROM sessions s WHERE s.id IN (SELECT ss.session_id FROM session_speakers ss "
                          "WHERE ss.speaker_id = " +
                          p.add_uuid(speaker_id) + ") ORDER BY s.starts_at, s.id LIMIT CAST(" +
                          p.add(std::to_string(limit)) + " AS integer)";
  for_each_row(session, sql, p, [&](const soci::row& row) { out.push_back(session_from_row(row)); });
  return out;
}

std::optional<domain::Session> find_session(soci::session& session, const std::string& event_id,
                                            const std::string& session_id, bool for_update) {
  if (!is_uuid(session_id)) return std::nullopt;
  Params p;
  std::string sql = std::string("SELECT ") + session_columns +
                    " FROM sessions s WHERE s.id = " + p.add_uuid(session_id) +
                    " AND s.event_id = " + p.add_uuid(event_id);
  if (for_update) sql += " FOR UPDATE";
  std::optional<domain::Session> found;
  for_each_row(session, sql, p, [&](const soci::row& row) { found = session_from_row(row); });
  return found;
}

std::string insert_session(soci::session& session, const domain::Session& s) {
  Params p;
  std::string sql = "INSERT INTO sessions (event_id, title, description, kind, starts_at, ends_at, location) VALUES (" +
                    p.add_uuid(s.event_id) + ", " + p.add(s.title) + ", " + p.add(s.description) + ", " +
                    p.add(std::string(domain::to_string(s.kind))) + ", " + p.add_us(s.starts_at) + ", " +
                    p.add_us(s.ends_at) + ", " + p.add(s.location) + ") RETURNING id::text";
  std::string id;
  for_each_row(session, sql, p, [&](const soci::row& row) { id = row.get<std::string>(0); });
  return id;
}

void update_session(soci::session& session, const domain::Session& s) {
  Params p;
  std::string sql = "UPDATE sessions SET title = " + p.add(s.title) + ", description = " + p.add(s.description) +
                    ", kind = " + p.add(std::string(domain::to_string(s.kind))) +
                    ", starts_at = " + p.add_us(s.starts_at) + ", ends_at = " + p.add_us(s.ends_at) +
                    ", location = " + p.add(s.location) + ", sequence = CAST(" + p.add(std::to_string(s.sequence)) +
                    " AS integer)" + ", updated_at = now() WHERE id = " + p.add_uuid(s.id);
  execute(session, sql, p);
}

bool delete_session(soci::session& session, const std::string& event_id, const std::string& session_id) {
  if (!is_uuid(session_id)) return false;
  std::string sid = session_id, eid = event_id;
  soci::statement st =
      (session.prepare << "DELETE FROM sessions WHERE id = CAST(:id AS uuid) AND event_id = CAST(:e AS uuid)",
       soci::use(sid), soci::use(eid));
  st.execute(true);
  if (st.get_affected_rows() == 0) return false;
  // A feed's Last-Modified is the newest updated_at of its rows; a deleted programme item
  // leaves no row behind, so its event carries the change (calendar clients that only send
  // If-Modified-Since would otherwise keep the item).
  session << "UPDATE events SET updated_at = now() WHERE id = CAST(:e AS uuid)", soci::use(eid);
  return true;
}

void clear_session_speakers(soci::session& session, const std::string& session_id) {
  Params p;
  execute(session, "DELETE FROM session_speakers WHERE session_id = " + p.add_uuid(session_id), p);
}

void add_session_speakers(soci::session& session, const std::string& session_id,
                          const std::vector<std::string>& speaker_ids) {
  if (speaker_ids.empty()) return;
  // `during` is filled by the session_speakers_during trigger from the session's times.
  Params p;
  std::string sql = "INSERT INTO session_speakers (session_id, speaker_id, position) SELECT " + p.add_uuid(session_id) +
                    ", CAST(x.ref AS uuid), CAST(x.ord - 1 AS integer) FROM unnest(string_to_array(" +
                    p.add(join_list(speaker_ids)) + ", chr(31))) WITH ORDINALITY AS x(ref, ord)";
  execute(session, sql, p);
}

bool is_speaker_clash(const std::exception& error) {
  auto sql = sql_error(error);
  return sql && sql->sqlstate == exclusion_violation && sql->constraint == "session_speakers_no_overlap";
}

bool is_retryable(const std::exception& error) {
  auto sql = sql_error(error);
  return sql && (sql->sqlstate == deadlock_detected || sql->sqlstate == serialization_failure);
}

void throw_if_session_constraint(const std::exception& error) {
  using domain::FieldCode;
  throw_if_constraint(
      error, {
                 {"sessions_within_event_check", "starts_at", FieldCode("outside_event")},
                 {"sessions_time_check", "ends_at", FieldCode("must_be_after"), {{"other", "starts_at"}}},
                 {"sessions_title_check", "title", FieldCode("length_between"), {{"min", "1"}, {"max", "300"}}},
                 {"sessions_description_check", "description", FieldCode("too_long"), {{"max", "20000"}}},
                 {"sessions_kind_check", "kind", FieldCode("unknown_kind")},
                 {"sessions_location_check", "location", FieldCode("too_long"), {{"max", "300"}}},
                 {"session_speakers_speaker_id_fkey", "speaker_ids", FieldCode("unknown_speaker")},
                 {"session_speakers_owner_check", "speaker_ids", FieldCode("unknown_speaker")},
             });
}

std::vector<SessionTombstone> list_session_tombstones(soci::session& session, const std::vector<std::string>& event_ids,
                                                      domain::Instant now) {
  std::vector<SessionTombstone> out;
  if (event_ids.empty()) return out;
  Params p;
  const std::string sql = std::string("SELECT ") + tombstone_columns +
                          " FROM session_tombstones t JOIN events e ON e.id = t.event_id"
                          " WHERE t.event_id = ANY (CAST(string_to_array(" +
                          p.add(join_list(event_ids)) + ", chr(31)) AS uuid[])) AND upper(e.during) > " +
                          p.add_us(now) + " ORDER BY t.event_id, t.starts_at, t.session_id";
  for_each_row(session, sql, p, [&](const soci::row& row) {
    out.push_back(SessionTombstone{session_from_row(row), split_list(row.get<std::string>(13))});
  });
  return out;
}

long long delete_session_tombstones_of_ended_events(soci::session& session, domain::Instant now) {
  Params p;
  const std::string sql =
      "WITH gone AS (DELETE FROM session_tombstones t USING events e WHERE e.id = t.event_id AND upper(e.during) <= " +
      p.add_us(now) + " RETURNING 1) SELECT count(*) FROM gone";
  long long count = 0;
  for_each_row(session, sql, p, [&](const soci::row& row) { count = row.get<long long>(0); });
  return count;
}

std::vector<domain::Session> list_speaker_tombstones(soci::session& session, const std::string& speaker_id,
                                                     domain::Instant now, std::size_t limit) {
  std::vector<domain::Session> out;
  if (!is_uuid(speaker_id)) return out;
  Params p;
  const std::string sql = std::string("SELECT ") + tombstone_columns +
                          " FROM session_tombstones t JOIN events e ON e.id = t.event_id"
                          " WHERE t.speaker_ids @> ARRAY[" +
                          p.add_uuid(speaker_id) + "] AND upper(e.during) > " + p.add_us(now) +
                          " ORDER BY t.starts_at, t.session_id LIMIT CAST(" + p.add(std::to_string(limit)) +
                          " AS integer)";
  for_each_row(session, sql, p, [&](const soci::row& row) { out.push_back(session_from_row(row)); });
  return out;
}

std::optional<SpeakerClash> find_speaker_clash(soci::session& session, const std::string& speaker_id,
                                               domain::Instant starts, domain::Instant ends,
                                               const std::string& exclude_session_id) {
  Params p;
  std::string sql =
      "SELECT sp.name, s.id::text, s.title, e.title, e.slug, e.timezone, eventd_us(s.starts_at), eventd_us(s.ends_at) "
      "FROM session_speakers ss JOIN sessions s ON s.id = ss.session_id JOIN events e ON e.id = s.event_id "
      "JOIN speakers sp ON sp.id = ss.speaker_id WHERE ss.active AND ss.speaker_id = " +
      p.add_uuid(speaker_id) + " AND ss.during && tstzrange(" + p.add_us(starts) + ", " + p.add_us(ends) +
      ", '[)') AND s.id <> " +
      p.add_uuid(exclude_session_id.empty() ? "00000000-0000-0000-0000-000000000000" : exclude_session_id) +
      " ORDER BY s.starts_at, s.id LIMIT 1";
  std::optional<SpeakerClash> clash;
  for_each_row(session, sql, p, [&](const soci::row& row) {
    clash = SpeakerClash{row.get<std::string>(0),        row.get<std::string>(1),       row.get<std::string>(2),
                         row.get<std::string>(3),        row.get<std::string>(4),       row.get<std::string>(5),
                         from_us(row.get<long long>(6)), from_us(row.get<long long>(7))};
  });
  return clash;
}

}  // namespace eventd::db
