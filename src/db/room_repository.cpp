#include "db/room_repository.hpp"

#include <soci/soci.h>

#include <cctype>

#include "db/sql_error.hpp"
#include "db/statement.hpp"
#include "db/support.hpp"

namespace eventd::db {

namespace {

using domain::Date;

// Column order is relied on by room_from_row.
constexpr const char* room_columns =
    "r.id::text, r.event_id::text, r.name, r.hotel, r.beds, to_char(r.first_night, 'YYYY-MM-DD'), "
    "to_char(r.last_night, 'YYYY-MM-DD'), r.version, eventd_us(r.created_at), eventd_us(r.updated_at)";

// Column order is relied on by assignment_from_row.
constexpr const char* assignment_columns =
    "a.id::text, a.room_id::text, a.registration_id::text, g.name, to_char(a.first_night, 'YYYY-MM-DD'), "
    "to_char(a.last_night, 'YYYY-MM-DD'), eventd_us(a.created_at)";

constexpr const char* assignment_order_clause = " ORDER BY a.first_night, g.name NULLS LAST, a.id";

Date date_at(const soci::row& row, std::size_t i) {
  auto date = domain::parse_date(row.get<std::string>(i));
  if (!date) throw std::runtime_error("a date column that is no date");
  return *date;
}

std::optional<Date> opt_date(const soci::row& row, std::size_t i) {
  if (row.get_indicator(i) == soci::i_null) return std::nullopt;
  return date_at(row, i);
}

domain::Room room_from_row(const soci::row& row) {
  domain::Room room;
  room.id = row.get<std::string>(0);
  room.event_id = row.get<std::string>(1);
  room.name = row.get<std::string>(2);
  room.hotel = row.get<std::string>(3);
  room.beds = row.get<int>(4);
  room.first_night = date_at(row, 5);
  room.last_night = date_at(row, 6);
  room.version = row.get<long long>(7);
  room.created_at = from_us(row.get<long long>(8));
  room.updated_at = from_us(row.get<long long>(9));
  return room;
}

domain::RoomAssignment assignment_from_row(const soci::row& row) {
  domain::RoomAssignment a;
  a.id = row.get<std::string>(0);
  a.room_id = row.get<std::string>(1);
  a.registration_id = row.get<std::string>(2);
  a.name = opt_text(row, 3);
  a.first_night = date_at(row, 4);
  a.last_night = date_at(row, 5);
  a.created_at = from_us(row.get<long long>(6));
  return a;
}

std::string add_date(Params& p, Date d) { return "CAST(" + p.add(domain::format_date(d)) + " AS date)"; }

// The night a trigger of schema/032 names at the end of its message; `fallback` when the
// message has none (the exclusion constraint's names ranges, not nights).
std::string night_named_in(const std::exception& e, Date fallback) {
  const auto sql = sql_error(e);
  if (sql) {
    const std::string& m = sql->message;
    for (std::size_t end = m.size(); end >= 10; --end) {
      const auto night = domain::parse_date(std::string_view(m).substr(end - 10, 10));
      if (night) return domain::format_date(*night);
    }
  }
  return domain::format_date(fallback);
}

void throw_if_room_constraint(const std::exception& e, Date night) {
  using domain::FieldCode;
  throw_if_constraint(e,
                      {
                          {"rooms_name_key", domain::Problem::conflict, domain::detail("room_name_taken")},
                          {"rooms_name_check", "name", FieldCode("length_between"), {{"min", "1"}, {"max", "50"}}},
                          {"rooms_hotel_check", "hotel", FieldCode("length_between"), {{"min", "1"}, {"max", "200"}}},
                          {"rooms_beds_check", "beds", FieldCode("out_of_range"), {{"min", "1"}, {"max", "100"}}},
                          {"rooms_nights_check", "last_night", FieldCode("too_many_nights"), {{"max", "90"}}},
                          // schema/032: the room's nights or beds changed under its assignments
                          {"rooms_nights_held_check", domain::Problem::conflict,
                           domain::detail("room_nights_in_use", {{"night", night_named_in(e, night)}})},
                          {"rooms_beds_held_check", domain::Problem::conflict,
                           domain::detail("room_beds_in_use", {{"night", night_named_in(e, night)}})},
                      });
}

void throw_if_assignment_constraint(const std::exception& e, const domain::Room& room, Date first_night) {
  using domain::FieldCode;
  const domain::MessageParams room_nights = {{"first", domain::format_date(room.first_night)},
                                             {"last", domain::format_date(room.last_night)}};
  throw_if_constraint(
      e,
      {
          {"room_assignments_one_bed_excl", domain::Problem::conflict,
           domain::detail("bed_taken", {{"night", night_named_in(e, first_night)}})},
          {"room_assignments_beds_check", domain::Problem::conflict,
           domain::detail("room_full",
                          {{"night", night_named_in(e, first_night)}, {"beds", std::to_string(room.beds)}})},
          {"room_assignments_within_room_check", "first_night", FieldCode("outside_room_nights"), room_nights},
          {"room_assignments_nights_check", "last_night", FieldCode("must_not_be_before"), {{"other", "first_night"}}},
          {"room_assignments_confirmed_check", "registration_id", FieldCode("not_confirmed")},
          {"room_assignments_registration_fkey", "registration_id", FieldCode("unknown_registration")},
      });
}

// The assignments of the rooms a condition selects, attached to their rooms.
void attach_assignments(soci::session& session, std::vector<domain::Room>& rooms, const std::string& rooms_condition,
                        Params& p) {
  const std::string sql = std::string("SELECT ") + assignment_columns +
                          " FROM room_assignments a JOIN registrations g ON g.id = a.registration_id WHERE " +
                          rooms_condition + assignment_order_clause;
  for_each_row(session, sql, p, [&](const soci::row& row) {
    domain::RoomAssignment a = assignment_from_row(row);
    for (auto& room : rooms) {
      if (room.id == a.room_id) {
        room.assignments.push_back(std::move(a));
        break;
      }
    }
  });
}

}  // namespace

std::optional<domain::Room> find_room(soci::session& session, const std::string& event_id, const std::string& room_id,
                                      bool lock) {
  if (!is_uuid(room_id)) return std::nullopt;
  Params p;
  std::string sql = std::string("SELECT ") + room_columns + " FROM rooms r WHERE r.id = " + p.add_uuid(room_id) +
                    " AND r.event_id = " + p.add_uuid(event_id);
  if (lock) sql += " FOR NO KEY UPDATE";
  std::vector<domain::Room> found;
  for_each_row(session, sql, p, [&](const soci::row& row) { found.push_back(room_from_row(row)); });
  if (found.empty()) return std::nullopt;
  Params q;
  const std::string room_condition = "a.room_id = " + q.add_uuid(room_id);
  attach_assignments(session, found, room_condition, q);
  return std::move(found.front());
}

std::vector<domain::Room> list_rooms(soci::session& session, const std::string& event_id) {
  Params p;
  const std::string sql = std::string("SELECT ") + room_columns +
                          " FROM rooms r WHERE r.event_id = " + p.add_uuid(event_id) +
                          " ORDER BY lower(r.hotel), lower(r.name), r.id";
  std::vector<domain::Room> out;
  for_each_row(session, sql, p, [&](const soci::row& row) { out.push_back(room_from_row(row)); });
  if (out.empty()) return out;
  Params q;
  const std::string event_condition = "a.event_id = " + q.add_uuid(event_id);
  attach_assignments(session, out, event_condition, q);
  return out;
}

std::size_t count_rooms(soci::session& session, const std::string& event_id) {
  Params p;
  long long n = 0;
  for_each_row(session, "SELECT count(*) FROM rooms WHERE event_id = " + p.add_uuid(event_id), p,
               [&](const soci::row& row) { n = row.get<long long>(0); });
  return static_cast<std::size_t>(n);
}

std::string insert_room(soci::session& session, const domain::Room& room) {
  Params p;
  const std::string sql = "INSERT INTO rooms (event_id, name, hotel, beds, first_night, last_night) VALUES (" +
                          p.add_uuid(room.event_id) + ", " + p.add(room.name) + ", " + p.add(room.hotel) + ", CAST(" +
                          p.add(std::to_string(room.beds)) + " AS integer), " + add_date(p, room.first_night) + ", " +
                          add_date(p, room.last_night) + ") RETURNING id::text";
  std::string id;
  try {
    for_each_row(session, sql, p, [&](const soci::row& row) { id = row.get<std::string>(0); });
  } catch (const std::exception& e) {
    throw_if_room_constraint(e, room.first_night);
    throw;
  }
  return id;
}

void update_room(soci::session& session, const domain::Room& room) {
  Params p;
  const std::string sql =
      "UPDATE rooms SET name = " + p.add(room.name) + ", hotel = " + p.add(room.hotel) + ", beds = CAST(" +
      p.add(std::to_string(room.beds)) + " AS integer), first_night = " + add_date(p, room.first_night) +
      ", last_night = " + add_date(p, room.last_night) + ", updated_at = now() WHERE id = " + p.add_uuid(room.id);
  try {
    execute(session, sql, p);
  } catch (const std::exception& e) {
    throw_if_room_constraint(e, room.first_night);
    throw;
  }
}

void delete_room(soci::session& session, const std::string& room_id) {
  Params p;
  execute(session, "DELETE FROM rooms WHERE id = " + p.add_uuid(room_id), p);
}

std::optional<std::string> lock_registration_status(soci::session& session, const std::string& event_id,
                                                    const std::string& registration_id) {
  if (!is_uuid(registration_id)) return std::nullopt;
  Params p;
  std::optional<std::string> status;
  for_each_row(session,
               "SELECT status FROM registrations WHERE id = " + p.add_uuid(registration_id) +
                   " AND event_id = " + p.add_uuid(event_id) + " FOR NO KEY UPDATE",
               p, [&](const soci::row& row) { status = row.get<std::string>(0); });
  return status;
}

std::optional<Date> first_night_with_bed(soci::session& session, const std::string& registration_id, Date first,
                                         Date last) {
  Params p;
  const std::string first_sql = add_date(p, first);
  const std::string last_sql = add_date(p, last);
  const std::string sql =
      "SELECT to_char(min(greatest(a.first_night, " + first_sql +
      ")), 'YYYY-MM-DD') FROM room_assignments a WHERE a.registration_id = " + p.add_uuid(registration_id) +
      " AND a.first_night <= " + last_sql + " AND a.last_night >= " + first_sql;
  std::optional<Date> night;
  for_each_row(session, sql, p, [&](const soci::row& row) { night = opt_date(row, 0); });
  return night;
}

std::optional<Date> first_full_night(soci::session& session, const std::string& room_id, int beds, Date first,
                                     Date last) {
  Params p;
  const std::string first_sql = add_date(p, first);
  const std::string last_sql = add_date(p, last);
  const std::string sql =
      "SELECT to_char(min(n), 'YYYY-MM-DD') FROM (SELECT n::date AS n FROM room_assignments a, "
      "generate_series(a.first_night, a.last_night, interval '1 day') n WHERE a.room_id = " +
      p.add_uuid(room_id) + " AND n::date BETWEEN " + first_sql + " AND " + last_sql +
      " GROUP BY n HAVING count(*) >= CAST(" + p.add(std::to_string(beds)) + " AS integer)) full_nights";
  std::optional<Date> night;
  for_each_row(session, sql, p, [&](const soci::row& row) { night = opt_date(row, 0); });
  return night;
}

std::optional<Date> first_night_outside(soci::session& session, const std::string& room_id, Date first, Date last) {
  Params p;
  const std::string first_sql = add_date(p, first);
  const std::string last_sql = add_date(p, last);
  const std::string sql =
      "SELECT to_char(min(n::date), 'YYYY-MM-DD') FROM room_assignments a, "
      "generate_series(a.first_night, a.last_night, interval '1 day') n WHERE a.room_id = " +
      p.add_uuid(room_id) + " AND (n::date < " + first_sql + " OR n::date > " + last_sql + ")";
  std::optional<Date> night;
  for_each_row(session, sql, p, [&](const soci::row& row) { night = opt_date(row, 0); });
  return night;
}

std::string insert_assignment(soci::session& session, const domain::Room& room, const std::string& registration_id,
                              Date first_night, Date last_night) {
  Params p;
  const std::string sql =
      "INSERT INTO room_assignments (event_id, room_id, registration_id, first_night, last_night) VALUES (" +
      p.add_uuid(room.event_id) + ", " + p.add_uuid(room.id) + ", " + p.add_uuid(registration_id) + ", " +
      add_date(p, first_night) + ", " + add_date(p, last_night) + ") RETURNING id::text";
  std::string id;
  try {
    for_each_row(session, sql, p, [&](const soci::row& row) { id = row.get<std::string>(0); });
  } catch (const std::exception& e) {
    throw_if_assignment_constraint(e, room, first_night);
    throw;
  }
  return id;
}

std::optional<domain::RoomAssignment> find_assignment(soci::session& session, const std::string& room_id,
                                                      const std::string& assignment_id) {
  if (!is_uuid(assignment_id)) return std::nullopt;
  Params p;
  const std::string sql = std::string("SELECT ") + assignment_columns +
                          " FROM room_assignments a JOIN registrations g ON g.id = a.registration_id WHERE a.id = " +
                          p.add_uuid(assignment_id) + " AND a.room_id = " + p.add_uuid(room_id);
  std::optional<domain::RoomAssignment> found;
  for_each_row(session, sql, p, [&](const soci::row& row) { found = assignment_from_row(row); });
  return found;
}

void delete_assignment(soci::session& session, const std::string& assignment_id) {
  Params p;
  execute(session, "DELETE FROM room_assignments WHERE id = " + p.add_uuid(assignment_id), p);
}

std::vector<domain::RoomNight> rooming_list(soci::session& session, const std::string& event_id) {
  Params p;
  // One row per room and night, and one more per occupant beyond the first (a LEFT JOIN:
  // a room nobody sleeps in that night is listed too, the hotel counts on it).
  const std::string sql =
      "SELECT to_char(n, 'YYYY-MM-DD'), r.id::text, r.hotel, r.name, r.beds, g.id::text, g.name, d.name, g.needs "
      "FROM rooms r CROSS JOIN LATERAL generate_series(r.first_night, r.last_night, interval '1 day') n "
      "LEFT JOIN room_assignments a ON a.room_id = r.id AND n::date BETWEEN a.first_night AND a.last_night "
      "LEFT JOIN registrations g ON g.id = a.registration_id "
      "LEFT JOIN delegations d ON d.id = g.delegation_id "
      "WHERE r.event_id = " +
      p.add_uuid(event_id) + " ORDER BY n, lower(r.hotel), lower(r.name), r.id, g.name NULLS LAST, g.id";
  std::vector<domain::RoomNight> out;
  for_each_row(session, sql, p, [&](const soci::row& row) {
    const Date night = date_at(row, 0);
    const std::string room_id = row.get<std::string>(1);
    if (out.empty() || out.back().night != night || out.back().room_id != room_id) {
      out.push_back(
          domain::RoomNight{night, room_id, row.get<std::string>(2), row.get<std::string>(3), row.get<int>(4), {}});
    }
    if (row.get_indicator(5) != soci::i_null) {
      out.back().occupants.push_back(
          domain::RoomOccupant{row.get<std::string>(5), opt_text(row, 6), opt_text(row, 7), opt_text(row, 8)});
    }
  });
  return out;
}

}  // namespace eventd::db
