#include "db/person_repository.hpp"

#include <soci/soci.h>

#include <nlohmann/json.hpp>

#include "db/statement.hpp"

namespace eventd::db {

namespace {

std::string interval_fragment(Params& p, std::chrono::seconds s) {
  return "make_interval(secs => CAST(" + p.add(std::to_string(s.count())) + " AS double precision))";
}

std::string hash_fragment(Params& p, const std::string& hex) { return "decode(" + p.add(hex) + ", 'hex')"; }

std::string uuid_fragment(Params& p, const std::optional<std::string>& id) { return "CAST(" + p.add(id) + " AS uuid)"; }

}  // namespace

void insert_person_code(soci::session& session, const NewPersonCode& code) { insert_person_codes(session, {code}); }

void insert_person_codes(soci::session& session, const std::vector<NewPersonCode>& codes) {
  if (codes.empty()) return;
  // One statement for any number of codes (one prepared plan): they travel as a JSON array.
  nlohmann::json input = nlohmann::json::array();
  for (const auto& code : codes) {
    input.push_back(
        {{"hash", code.code_hash},
         {"email", code.email},
         {"organisation_id", code.organisation_id ? nlohmann::json(*code.organisation_id) : nlohmann::json()},
         {"purpose", code.purpose == CodePurpose::sign_in ? "sign_in" : "mail_link"},
         {"lifetime_s", code.lifetime.count()}});
  }
  Params p;
  execute(session,
          "INSERT INTO person_codes (code_hash, email, organisation_id, purpose, expires_at) "
          "SELECT decode(x.hash, 'hex'), eventd_address(x.email), CAST(x.organisation_id AS uuid), x.purpose, "
          "now() + x.lifetime_s * interval '1 second' FROM jsonb_to_recordset(CAST(" +
              p.add(input.dump()) +
              " AS jsonb)) AS x(hash text, email text, organisation_id text, purpose text, lifetime_s bigint)",
          p);
}

int count_recent_sign_in_codes(soci::session& session, const std::string& email, std::chrono::seconds window) {
  Params p;
  int count = 0;
  const std::string sql = "SELECT count(*)::int4 FROM person_codes WHERE email = eventd_address(" + p.add(email) +
                          ") AND purpose = 'sign_in' AND created_at > now() - " + interval_fragment(p, window);
  for_each_row(session, sql, p, [&](const soci::row& row) { count = row.get<int>(0); });
  return count;
}

bool has_person_records(soci::session& session, const std::string& email) {
  Params p;
  bool found = false;
  const std::string address = p.add(email);
  // The same plan whether or not the address is known: both indexes are probed every time.
  const std::string sql =
      "SELECT ((EXISTS (SELECT 1 FROM registrations WHERE eventd_address(email) = eventd_address(" + address +
      ") AND email IS NOT NULL)) OR (EXISTS (SELECT 1 FROM media_requests WHERE eventd_address(email) = "
      "eventd_address(" +
      address + ") AND email IS NOT NULL)))::int4";
  for_each_row(session, sql, p, [&](const soci::row& row) { found = row.get<int>(0) == 1; });
  return found;
}

std::optional<PersonScopeRow> spend_person_code(soci::session& session, const std::string& code_hash) {
  Params p;
  std::optional<PersonScopeRow> out;
  const std::string sql = "UPDATE person_codes SET used_at = now() WHERE code_hash = " + hash_fragment(p, code_hash) +
                          " AND used_at IS NULL AND expires_at > now() RETURNING email, organisation_id::text";
  for_each_row(session, sql, p, [&](const soci::row& row) {
    out = PersonScopeRow{row.get<std::string>(0), opt_text(row, 1)};
  });
  return out;
}

domain::Instant insert_person_session(soci::session& session, const NewPersonSession& row) {
  Params p;
  domain::Instant expires{};
  const std::string sql = "INSERT INTO person_sessions (token_hash, email, organisation_id, expires_at) VALUES (" +
                          hash_fragment(p, row.token_hash) + ", eventd_address(" + p.add(row.email) + "), " +
                          uuid_fragment(p, row.organisation_id) + ", now() + " + interval_fragment(p, row.lifetime) +
                          ") RETURNING eventd_us(expires_at)";
  for_each_row(session, sql, p, [&](const soci::row& r) { expires = from_us(r.get<long long>(0)); });
  return expires;
}

std::optional<PersonSessionRow> find_person_session(soci::session& session, const std::string& token_hash) {
  Params p;
  std::optional<PersonSessionRow> out;
  const std::string sql =
      "SELECT email, organisation_id::text, sealed_feed_token FROM person_sessions "
      "WHERE token_hash = " +
      hash_fragment(p, token_hash) + " AND expires_at > now()";
  for_each_row(session, sql, p, [&](const soci::row& row) {
    out = PersonSessionRow{row.get<std::string>(0), opt_text(row, 1), opt_text(row, 2)};
  });
  return out;
}

bool delete_person_session(soci::session& session, const std::string& token_hash) {
  Params p;
  bool deleted = false;
  const std::string sql =
      "DELETE FROM person_sessions WHERE token_hash = " + hash_fragment(p, token_hash) + " RETURNING 1";
  for_each_row(session, sql, p, [&](const soci::row&) { deleted = true; });
  return deleted;
}

bool person_feed_exists(soci::session& session, const std::string& email) {
  Params p;
  bool found = false;
  const std::string sql = "SELECT 1 FROM person_feeds WHERE email = eventd_address(" + p.add(email) + ")";
  for_each_row(session, sql, p, [&](const soci::row&) { found = true; });
  return found;
}

void replace_person_feed(soci::session& session, const std::string& email, const std::string& feed_token_hash,
                         const std::string& session_token_hash, const std::string& sealed_feed_token) {
  Params p;
  const std::string address = p.add(email);
  const std::string sql =
      "WITH feed AS (INSERT INTO person_feeds (email, feed_token_hash) VALUES (eventd_address(" + address + "), " +
      hash_fragment(p, feed_token_hash) +
      ") ON CONFLICT (email) DO UPDATE SET feed_token_hash = EXCLUDED.feed_token_hash, created_at = now()), "
      // Other sessions' sealed copies are of the old token: they show nothing any more.
      "others AS (UPDATE person_sessions SET sealed_feed_token = NULL WHERE email = eventd_address(" +
      address + ") AND token_hash <> " + hash_fragment(p, session_token_hash) +
      ") UPDATE person_sessions SET sealed_feed_token = " + p.add(sealed_feed_token) +
      " WHERE token_hash = " + hash_fragment(p, session_token_hash);
  execute(session, sql, p);
}

std::optional<std::string> find_person_feed_email(soci::session& session, const std::string& feed_token_hash) {
  Params p;
  std::optional<std::string> out;
  const std::string sql = "SELECT email FROM person_feeds WHERE feed_token_hash = " + hash_fragment(p, feed_token_hash);
  for_each_row(session, sql, p, [&](const soci::row& row) { out = row.get<std::string>(0); });
  return out;
}

void delete_person(soci::session& session, const std::string& email) {
  Params p;
  const std::string address = p.add(email);
  const std::string sql =
      "WITH codes AS (DELETE FROM person_codes WHERE email = eventd_address(" + address +
      ")), sessions AS (DELETE FROM person_sessions WHERE email = eventd_address(" + address +
      ")), feeds AS (DELETE FROM person_feeds WHERE email = eventd_address(" + address +
      ")) DELETE FROM mail_outbox WHERE kind = 'person_sign_in' AND eventd_address(recipient_email) = eventd_address(" +
      address + ")";
  execute(session, sql, p);
}

long long drop_expired_person_secrets(soci::session& session) {
  Params p;
  long long count = 0;
  const std::string sql =
      "WITH codes AS (DELETE FROM person_codes WHERE expires_at < now() - interval '1 day' RETURNING 1), "
      "sessions AS (DELETE FROM person_sessions WHERE expires_at < now() RETURNING 1) "
      "SELECT (SELECT count(*) FROM codes) + (SELECT count(*) FROM sessions)";
  for_each_row(session, sql, p, [&](const soci::row& row) { count = row.get<long long>(0); });
  return count;
}

}  // namespace eventd::db
