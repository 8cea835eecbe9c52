#include "db/api_key_repository.hpp"

#include <soci/soci.h>

#include "db/support.hpp"

namespace eventd::db {

namespace {

constexpr const char* key_columns =
    "id::text, name, role, COALESCE(organisation_id::text, ''), key_prefix, eventd_us(created_at), "
    "COALESCE(eventd_us(last_used_at), -1), COALESCE(eventd_us(revoked_at), -1)";

domain::ApiKey key_from_row(const soci::row& row) {
  domain::ApiKey key;
  key.id = row.get<std::string>(0);
  key.name = row.get<std::string>(1);
  key.role = domain::parse_role(row.get<std::string>(2)).value_or(domain::Role::organiser);
  if (auto organisation = row.get<std::string>(3); !organisation.empty()) key.organisation_id = organisation;
  key.key_prefix = row.get<std::string>(4);
  key.created_at = from_us(row.get<long long>(5));
  if (auto used = row.get<long long>(6); used >= 0) key.last_used_at = from_us(used);
  if (auto revoked = row.get<long long>(7); revoked >= 0) key.revoked_at = from_us(revoked);
  return key;
}

}  // namespace

std::optional<domain::ApiKey> find_api_key_by_hash(soci::session& session, const std::string& key_hash) {
  soci::row row;
  session << std::string("SELECT ") + key_columns + " FROM api_keys WHERE key_hash = decode(:hash, 'hex')",
      soci::use(key_hash), soci::into(row);
  if (!session.got_data()) return std::nullopt;
  return key_from_row(row);
}

std::optional<domain::ApiKey> find_api_key(soci::session& session, const std::string& id) {
  if (!is_uuid(id)) return std::nullopt;
  soci::row row;
  session << std::string("SELECT ") + key_columns + " FROM api_keys WHERE id = CAST(:id AS uuid)", soci::use(id),
      soci::into(row);
  if (!session.got_data()) return std::nullopt;
  return key_from_row(row);
}

domain::ApiKey insert_api_key(soci::session& session, const domain::ApiKey& key, const std::string& key_hash,
                              const std::string& key_prefix) {
  std::string role(domain::to_string(key.role));
  std::string organisation = key.organisation_id.value_or("");
  soci::row row;
  try {
    session << std::string(
                   "INSERT INTO api_keys (name, key_hash, key_prefix, role, organisation_id) "
                   "VALUES (:name, decode(:hash, 'hex'), :prefix, :role, CAST(NULLIF(:organisation, '') AS uuid)) "
                   "RETURNING ") +
                   key_columns,
        soci::use(key.name), soci::use(key_hash), soci::use(key_prefix), soci::use(role), soci::use(organisation),
        soci::into(row);
  } catch (const std::exception& e) {
    using domain::FieldCode;
    throw_if_constraint(e,
                        {
                            {"api_keys_key_hash_key", domain::Problem::conflict, domain::detail("key_hash_exists")},
                            {"api_keys_organisation_id_fkey", "organisation_id", FieldCode("unknown_organisation")},
                            {"api_keys_organisation_check", "organisation_id", FieldCode("organisation_for_role")},
                            {"api_keys_name_check", "name", FieldCode("too_long"), {{"max", "200"}}},
                            {"api_keys_role_check", "role", FieldCode("not_one_of"), {{"allowed", "admin, organiser"}}},
                        });
    throw;
  }
  return key_from_row(row);
}

std::vector<domain::ApiKey> list_api_keys(soci::session& session, std::size_t limit,
                                          const std::optional<ApiKeyCursor>& after) {
  std::vector<domain::ApiKey> keys;
  // Keyset pagination: the row comparison continues after the last row of the previous
  // page, so keys created in between land after it and nothing repeats or is skipped.
  long long row_limit = static_cast<long long>(limit);
  if (after) {
    soci::rowset<soci::row> rows =
        (session.prepare
             << std::string("SELECT ") + key_columns +
                    " FROM api_keys WHERE (created_at, id) > (eventd_ts(:after_us), CAST(:after_id AS uuid)) "
                    "ORDER BY created_at, id LIMIT :limit",
         soci::use(after->created_at_us), soci::use(after->id), soci::use(row_limit));
    for (const auto& row : rows) keys.push_back(key_from_row(row));
  } else {
    soci::rowset<soci::row> rows = (session.prepare << std::string("SELECT ") + key_columns +
                                                           " FROM api_keys ORDER BY created_at, id LIMIT :limit",
                                    soci::use(row_limit));
    for (const auto& row : rows) keys.push_back(key_from_row(row));
  }
  return keys;
}

bool revoke_api_key(soci::session& session, const std::string& id) {
  if (!is_uuid(id)) return false;
  std::string found;
  soci::indicator indicator = soci::i_null;
  session << "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = CAST(:id AS uuid) "
             "RETURNING id::text",
      soci::use(id), soci::into(found, indicator);
  return session.got_data();
}

}  // namespace eventd::db
