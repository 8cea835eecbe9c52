#include "db/delegation_repository.hpp"

#include <soci/soci.h>

#include "db/sql_error.hpp"
#include "db/statement.hpp"
#include "db/support.hpp"

namespace eventd::db {

namespace {

// Column order is relied on by delegation_from_row.
constexpr const char* delegation_columns =
    "d.id::text, d.event_id::text, d.name, d.country, d.contact_name, d.contact_email, d.contact_phone, d.quota, "
    "(SELECT count(*) FROM registrations r WHERE r.delegation_id = d.id AND r.status = 'confirmed'), "
    "(SELECT count(*) FROM registrations r WHERE r.delegation_id = d.id AND r.status = 'waitlisted'), "
    "CASE WHEN d.leader_token_hash IS NULL THEN 0 ELSE 1 END, d.version, eventd_us(d.created_at), "
    "eventd_us(d.updated_at)";

domain::Delegation delegation_from_row(const soci::row& row) {
  domain::Delegation d;
  d.id = row.get<std::string>(0);
  d.event_id = row.get<std::string>(1);
  d.name = row.get<std::string>(2);
  d.country = opt_text(row, 3);
  d.contact.name = opt_text(row, 4);
  d.contact.email = opt_text(row, 5);
  d.contact.phone = opt_text(row, 6);
  if (row.get_indicator(7) != soci::i_null) d.quota = row.get<int>(7);
  d.confirmed = static_cast<int>(row.get<long long>(8));
  d.waitlisted = static_cast<int>(row.get<long long>(9));
  d.has_leader_token = row.get<int>(10) != 0;
  d.version = row.get<long long>(11);
  d.created_at = from_us(row.get<long long>(12));
  d.updated_at = from_us(row.get<long long>(13));
  return d;
}

std::optional<std::string> quota_text(const domain::Delegation& d) {
  if (!d.quota) return std::nullopt;
  return std::to_string(*d.quota);
}

void throw_if_delegation_constraint(const std::exception& e) {
  using domain::FieldCode;
  throw_if_constraint(
      e, {
             {"delegations_name_key", domain::Problem::conflict, domain::detail("delegation_name_taken")},
             {"delegations_name_check", "name", FieldCode("length_between"), {{"min", "1"}, {"max", "200"}}},
             {"delegations_country_check", "country", FieldCode("invalid_country")},
             {"delegations_contact_check", "contact", FieldCode("too_long"), {{"max", "254"}}},
             {"delegations_quota_check", "quota", FieldCode("negative_quota")},
             // schema/030: more confirmed than the new quota (the service counts first)
             {"delegations_quota_held_check", "quota", FieldCode("below_confirmed")},
         });
}

}  // namespace

std::optional<domain::Delegation> find_delegation(soci::session& session, const std::string& event_id,
                                                  const std::string& delegation_id, bool lock) {
  if (!is_uuid(delegation_id)) return std::nullopt;
  Params p;
  std::string sql = std::string("SELECT ") + delegation_columns +
                    " FROM delegations d WHERE d.id = " + p.add_uuid(delegation_id) +
                    " AND d.event_id = " + p.add_uuid(event_id);
  if (lock) sql += " FOR NO KEY UPDATE";
  std::optional<domain::Delegation> found;
  for_each_row(session, sql, p, [&](const soci::row& row) { found = delegation_from_row(row); });
  return found;
}

std::vector<domain::Delegation> list_delegations(soci::session& session, const std::string& event_id) {
  Params p;
  const std::string sql = std::string("SELECT ") + delegation_columns +
                          " FROM delegations d WHERE d.event_id = " + p.add_uuid(event_id) +
                          " ORDER BY lower(d.name), d.id";
  std::vector<domain::Delegation> out;
  for_each_row(session, sql, p, [&](const soci::row& row) { out.push_back(delegation_from_row(row)); });
  return out;
}

std::size_t count_delegations(soci::session& session, const std::string& event_id) {
  Params p;
  long long n = 0;
  for_each_row(session, "SELECT count(*) FROM delegations WHERE event_id = " + p.add_uuid(event_id), p,
               [&](const soci::row& row) { n = row.get<long long>(0); });
  return static_cast<std::size_t>(n);
}

std::string insert_delegation(soci::session& session, const domain::Delegation& d) {
  Params p;
  const std::string sql =
      "INSERT INTO delegations (event_id, name, country, contact_name, contact_email, contact_phone, quota) "
      "VALUES (" +
      p.add_uuid(d.event_id) + ", " + p.add(d.name) + ", " + p.add(d.country) + ", " + p.add(d.contact.name) + ", " +
      p.add(d.contact.email) + ", " + p.add(d.contact.phone) + ", CAST(" + p.add(quota_text(d)) +
      " AS integer)) RETURNING id::text";
  std::string id;
  try {
    for_each_row(session, sql, p, [&](const soci::row& row) { id = row.get<std::string>(0); });
  } catch (const std::exception& e) {
    throw_if_delegation_constraint(e);
    throw;
  }
  return id;
}

void update_delegation(soci::session& session, const domain::Delegation& d) {
  Params p;
  const std::string sql = "UPDATE delegations SET name = " + p.add(d.name) + ", country = " + p.add(d.country) +
                          ", contact_name = " + p.add(d.contact.name) + ", contact_email = " + p.add(d.contact.email) +
                          ", contact_phone = " + p.add(d.contact.phone) + ", quota = CAST(" + p.add(quota_text(d)) +
                          " AS integer), updated_at = now() WHERE id = " + p.add_uuid(d.id);
  try {
    execute(session, sql, p);
  } catch (const std::exception& e) {
    throw_if_delegation_constraint(e);
    throw;
  }
}

void delete_delegation(soci::session& session, const std::string& delegation_id) {
  Params p;
  try {
    execute(session, "DELETE FROM delegations WHERE id = " + p.add_uuid(delegation_id), p);
  } catch (const std::exception& e) {
    // Any table that names a delegation keeps it (ON DELETE RESTRICT).
    if (auto sql = sql_error(e); sql && sql->sqlstate == foreign_key_violation) {
      throw domain::Error(domain::Problem::conflict, domain::detail("delegation_in_use"));
    }
    throw;
  }
}

void set_leader_token(soci::session& session, const std::string& delegation_id, const std::string& token_hash,
                      const std::string& feed_hash) {
  Params p;
  execute(session,
          "UPDATE delegations SET leader_token_hash = decode(" + p.add(token_hash) +
              ", 'hex'), leader_feed_hash = decode(" + p.add(feed_hash) +
              ", 'hex'), updated_at = now() WHERE id = " + p.add_uuid(delegation_id),
          p);
}

namespace {

// `column` is one of the two hash columns, named by the callers below.
std::optional<LeaderScope> find_leader_by(soci::session& session, const char* column, const std::string& hash) {
  Params p;
  std::optional<LeaderScope> found;
  const std::string sql = std::string("SELECT id::text, event_id::text FROM delegations WHERE ") +
                          column +  // sql-safe: a column name of this file
                          " = decode(" + p.add(hash) + ", 'hex')";
  for_each_row(session, sql, p, [&](const soci::row& row) {
    found = LeaderScope{row.get<std::string>(0), row.get<std::string>(1)};
  });
  return found;
}

}  // namespace

std::optional<LeaderScope> find_leader(soci::session& session, const std::string& token_hash) {
  return find_leader_by(session, "leader_token_hash", token_hash);
}

std::optional<LeaderScope> find_leader_feed(soci::session& session, const std::string& feed_hash) {
  return find_leader_by(session, "leader_feed_hash", feed_hash);
}

}  // namespace eventd::db
