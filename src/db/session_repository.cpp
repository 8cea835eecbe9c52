#include "db/session_repository.hpp"

#include <soci/soci.h>

#include <charconv>
#include <system_error>

#include "db/sql_error.hpp"
#include "db/statement.hpp"
#include "db/support.hpp"

namespace eventd::db {

namespace {

constexpr const char* session_columns =
    "s.id::text, s.event_id::text, s.title, s.description, s.kind, eventd_us(s.starts_at), eventd_us(s.ends_at), "
    "s.location, s.version, eventd_us(s.created_at), eventd_us(s.updated_at), s.sequence, "
    "COALESCE((SELECT string_agg(ss.speaker_id::text, chr(31) ORDER BY ss.position, ss.speaker_id) "
    "FROM session_speakers ss WHERE ss.session_id = s.id), ''), "
    "s.timezone, s.place_name, s.place_street, s.place_postal_code, s.place_city, s.place_country, "
    "s.place_latitude, s.place_longitude, s.transport_mode, s.transport_from, s.transport_to, s.transport_carrier, "
    "s.transport_reference, "
    "COALESCE((SELECT string_agg(sh.organisation_id::text, chr(31) ORDER BY sh.position, sh.organisation_id) "
    "FROM session_hosts sh WHERE sh.session_id = s.id), ''), "
    "COALESCE((SELECT string_agg(sa.delegation_id::text, chr(31) ORDER BY sa.delegation_id) "
    "FROM session_audience sa WHERE sa.session_id = s.id), '')";

// A tombstone (schema/019, 031) in the same shape as session_columns, then who had chosen it.
constexpr const char* tombstone_columns =
    "t.session_id::text, t.event_id::text, t.title, NULL::text, t.kind, eventd_us(t.starts_at), eventd_us(t.ends_at), "
    "t.location, CAST(1 AS bigint), eventd_us(t.deleted_at), eventd_us(t.deleted_at), t.sequence, "
    "COALESCE(array_to_string(t.speaker_ids, chr(31)), ''), "
    "t.timezone, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::float8, NULL::float8, "
    "NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, '', "
    "COALESCE(array_to_string(t.audience, chr(31)), ''), "
    "COALESCE(array_to_string(t.chosen_by, chr(31)), '')";
constexpr std::size_t kChosenByColumn = 28;

// Only the sessions for everyone (no session_audience row): what the public sees.
constexpr const char* everyone_condition =
    " AND NOT EXISTS (SELECT 1 FROM session_audience sa WHERE sa.session_id = s.id)";

std::optional<double> opt_double(const soci::row& row, std::size_t i) {
  if (row.get_indicator(i) == soci::i_null) return std::nullopt;
  return row.get<double>(i);
}

// A double as a bound text the database reads back to the same double (shortest form).
std::string double_text(double value) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc{} ? std::string(buffer, end) : std::string("NaN");
}

std::optional<std::string> optional_double_text(const std::optional<double>& value) {
  if (!value) return std::nullopt;
  return double_text(*value);
}

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
  s.timezone = opt_text(row, 13);
  const auto place_name = opt_text(row, 14);
  const auto place_city = opt_text(row, 17);
  if (place_name || place_city) {  // sessions_place_check: nothing else without one of them
    s.place = domain::Place{place_name,        opt_text(row, 15),   opt_text(row, 16),  place_city,
                            opt_text(row, 18), opt_double(row, 19), opt_double(row, 20)};
  }
  if (auto mode = opt_text(row, 21)) {
    s.transport = domain::Transport{domain::parse_transport_mode(*mode).value_or(domain::TransportMode::other),
                                    opt_text(row, 22), opt_text(row, 23), opt_text(row, 24), opt_text(row, 25)};
  }
  s.host_organisation_ids = split_list(row.get<std::string>(26));
  s.delegation_ids = split_list(row.get<std::string>(27));
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
                                           const std::optional<SessionCursor>& after, std::size_t limit,
                                           bool everyone_only) {
  Params p;
  std::string sql =
      std::string("SELECT ") + session_columns + " FROM sessions s WHERE s.event_id = " + p.add_uuid(event_id);
  if (everyone_only) sql += everyone_condition;
  if (after) {
    sql += " AND (s.starts_at, s.id) > (" + p.add_us(from_us(after->starts_us)) + ", " + p.add_uuid(after->id) + ")";
  }
  sql += " ORDER BY s.starts_at, s.id LIMIT CAST(" + p.add(std::to_string(limit)) + " AS integer)";
  std::vector<domain::Session> out;
  for_each_row(session, sql, p, [&](const soci::row& row) { out.push_back(session_from_row(row)); });
  return out;
}

std::vector<domain::Session> list_sessions_of_events(soci::session& session, const std::vector<std::string>& event_ids,
                                                     bool everyone_only) {
  std::vector<domain::Session> out;
  if (event_ids.empty()) return out;
  Params p;
  const std::string sql = std::string("SELECT ") + session_columns +
                          " FROM sessions s WHERE s.event_id = ANY (CAST(string_to_array(" +
                          p.add(join_list(event_ids)) + ", chr(31)) AS uuid[]))" +
                          (everyone_only ? everyone_condition : "") + " ORDER BY s.event_id, s.starts_at, s.id";
  for_each_row(session, sql, p, [&](const soci::row& row) { out.push_back(session_from_row(row)); });
  return out;
}

std::vector<domain::Session> list_speaker_sessions(soci::session& session, const std::string& speaker_id,
                                                   std::size_t limit, bool everyone_only) {
  std::vector<domain::Session> out;
  if (!is_uuid(speaker_id)) return out;
  Params p;
  const std::string sql = std::string("SELECT ") + session_columns +
                          " FROM sessions s WHERE s.id IN (SELECT ss.session_id FROM session_speakers ss "
                          "WHERE ss.speaker_id = " +
                          p.add_uuid(speaker_id) + ")" + (everyone_only ? everyone_condition : "") +
                          " ORDER BY s.starts_at, s.id LIMIT CAST(" + p.add(std::to_string(limit)) + " AS integer)";
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

// The values of the trip columns (schema/031), in trip_columns' order.
std::string trip_values(Params& p, const domain::Session& s) {
  const domain::Place none;
  const domain::Place& place = s.place ? *s.place : none;
  std::optional<std::string> mode;
  std::optional<std::string> from, to, carrier, reference;
  if (s.transport) {
    mode = std::string(domain::to_string(s.transport->mode));
    from = s.transport->from;
    to = s.transport->to;
    carrier = s.transport->carrier;
    reference = s.transport->reference;
  }
  return p.add(s.timezone) + ", " + p.add(place.name) + ", " + p.add(place.street) + ", " + p.add(place.postal_code) +
         ", " + p.add(place.city) + ", " + p.add(place.country) + ", CAST(" +
         p.add(optional_double_text(place.latitude)) + " AS double precision), CAST(" +
         p.add(optional_double_text(place.longitude)) + " AS double precision), " + p.add(mode) + ", " + p.add(from) +
         ", " + p.add(to) + ", " + p.add(carrier) + ", " + p.add(reference);
}

constexpr const char* trip_columns =
    "timezone, place_name, place_street, place_postal_code, place_city, place_country, place_latitude, "
    "place_longitude, transport_mode, transport_from, transport_to, transport_carrier, transport_reference";

constexpr const char* insert_columns =
    "event_id, title, description, kind, starts_at, ends_at, location, timezone, place_name, place_street, "
    "place_postal_code, place_city, place_country, place_latitude, place_longitude, transport_mode, transport_from, "
    "transport_to, transport_carrier, transport_reference";

std::string insert_session(soci::session& session, const domain::Session& s) {
  Params p;
  const std::string trip_values_fragment = trip_values(p, s);
  std::string sql = "INSERT INTO sessions (" + std::string(insert_columns) + ") VALUES (" + p.add_uuid(s.event_id) +
                    ", " + p.add(s.title) + ", " + p.add(s.description) + ", " +
                    p.add(std::string(domain::to_string(s.kind))) + ", " + p.add_us(s.starts_at) + ", " +
                    p.add_us(s.ends_at) + ", " + p.add(s.location) + ", " + trip_values_fragment +
                    ") RETURNING id::text";
  std::string id;
  for_each_row(session, sql, p, [&](const soci::row& row) { id = row.get<std::string>(0); });
  return id;
}

void update_session(soci::session& session, const domain::Session& s) {
  Params p;
  const std::string trip_values_fragment = trip_values(p, s);
  std::string sql = "UPDATE sessions SET title = " + p.add(s.title) + ", description = " + p.add(s.description) +
                    ", kind = " + p.add(std::string(domain::to_string(s.kind))) +
                    ", starts_at = " + p.add_us(s.starts_at) + ", ends_at = " + p.add_us(s.ends_at) +
                    ", location = " + p.add(s.location) + ", sequence = CAST(" + p.add(std::to_string(s.sequence)) +
                    " AS integer), (" + trip_columns + ") = (" + trip_values_fragment +
                    "), updated_at = now() WHERE id = " + p.add_uuid(s.id);
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

void replace_session_hosts(soci::session& session, const std::string& session_id,
                           const std::vector<std::string>& organisation_ids) {
  Params p;
  execute(session, "DELETE FROM session_hosts WHERE session_id = " + p.add_uuid(session_id), p);
  if (organisation_ids.empty()) return;
  Params q;
  const std::string sql = "INSERT INTO session_hosts (session_id, organisation_id, position) SELECT " +
                          q.add_uuid(session_id) +
                          ", CAST(x.ref AS uuid), CAST(x.ord - 1 AS integer) FROM unnest(string_to_array(" +
                          q.add(join_list(organisation_ids)) + ", chr(31))) WITH ORDINALITY AS x(ref, ord)";
  execute(session, sql, q);
}

void replace_session_audience(soci::session& session, const std::string& session_id, const std::string& event_id,
                              const std::vector<std::string>& delegation_ids) {
  Params p;
  execute(session, "DELETE FROM session_audience WHERE session_id = " + p.add_uuid(session_id), p);
  if (delegation_ids.empty()) return;
  Params q;
  const std::string sql = "INSERT INTO session_audience (session_id, event_id, delegation_id) SELECT " +
                          q.add_uuid(session_id) + ", " + q.add_uuid(event_id) +
                          ", CAST(x AS uuid) FROM unnest(string_to_array(" + q.add(join_list(delegation_ids)) +
                          ", chr(31))) AS x";
  execute(session, sql, q);
}

std::vector<std::optional<std::string>> resolve_delegation_refs(soci::session& session, const std::string& event_id,
                                                                const std::vector<std::string>& refs) {
  std::vector<std::optional<std::string>> out;
  for (const auto& ref : refs) {
    std::optional<std::string> found;
    if (is_uuid(ref)) {
      Params p;
      const std::string sql = "SELECT d.id::text FROM delegations d WHERE d.id = " + p.add_uuid(ref) +
                              " AND d.event_id = " + p.add_uuid(event_id);
      for_each_row(session, sql, p, [&](const soci::row& row) { found = row.get<std::string>(0); });
    }
    out.push_back(std::move(found));
  }
  return out;
}

std::vector<std::string> registrations_in_delegations(soci::session& session,
                                                      const std::vector<std::string>& registration_ids,
                                                      const std::vector<std::string>& delegation_ids) {
  std::vector<std::string> out;
  if (registration_ids.empty() || delegation_ids.empty()) return out;
  Params p;
  const std::string sql = "SELECT r.id::text FROM registrations r WHERE r.id = ANY (CAST(string_to_array(" +
                          p.add(join_list(registration_ids)) +
                          ", chr(31)) AS uuid[])) AND r.delegation_id = ANY (CAST(string_to_array(" +
                          p.add(join_list(delegation_ids)) + ", chr(31)) AS uuid[]))";
  for_each_row(session, sql, p, [&](const soci::row& row) { out.push_back(row.get<std::string>(0)); });
  return out;
}

std::vector<std::string> sessions_not_for_audience(soci::session& session, const std::string& event_id,
                                                   const std::optional<std::string>& delegation_id,
                                                   const std::vector<std::string>& session_ids) {
  std::vector<std::string> refused;
  std::vector<std::string> candidates;
  for (const auto& id : session_ids) {
    if (is_uuid(id)) candidates.push_back(id);
  }
  if (candidates.empty()) return refused;
  // A session with an audience that does not name the delegation (or any, for no delegation).
  Params p;
  const std::string sql =
      "SELECT s.id::text FROM sessions s WHERE s.event_id = " + p.add_uuid(event_id) +
      " AND s.id = ANY (CAST(string_to_array(" + p.add(join_list(candidates)) +
      ", chr(31)) AS uuid[])) AND EXISTS (SELECT 1 FROM session_audience sa WHERE sa.session_id = s.id)"
      " AND NOT EXISTS (SELECT 1 FROM session_audience sa WHERE sa.session_id = s.id AND sa.delegation_id = CAST(" +
      p.add(delegation_id) + " AS uuid)) ORDER BY s.id";
  for_each_row(session, sql, p, [&](const soci::row& row) { refused.push_back(row.get<std::string>(0)); });
  return refused;
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
                 {"sessions_timezone_check", "timezone", FieldCode("invalid_time_zone")},
                 {"sessions_place_check", "place", FieldCode("name_or_city_required")},
                 {"sessions_place_country_check", "place.country", FieldCode("invalid_country")},
                 {"sessions_place_latitude_check",
                  "place.latitude",
                  FieldCode("out_of_range"),
                  {{"min", "-90"}, {"max", "90"}}},
                 {"sessions_place_longitude_check",
                  "place.longitude",
                  FieldCode("out_of_range"),
                  {{"min", "-180"}, {"max", "180"}}},
                 {"sessions_place_coordinates_check", "place.latitude", FieldCode("coordinates_go_together")},
                 {"sessions_transport_check", "transport", FieldCode("only_for_travel")},
                 {"session_hosts_organisation_id_fkey", "host_organisation_ids", FieldCode("unknown_organisation")},
                 {"session_audience_delegation_fkey", "delegation_ids", FieldCode("unknown_delegation")},
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
    out.push_back(SessionTombstone{session_from_row(row), split_list(row.get<std::string>(kChosenByColumn))});
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
