#include "db/speaker_repository.hpp"

#include <soci/soci.h>
#include <algorithm>
#include <cctype>
#include <map>

#include "db/sql_error.hpp"
#include "db/statement.hpp"
#include "db/support.hpp"

namespace eventd::db {

namespace {

constexpr const char* speaker_columns =
    "sp.id::text, sp.slug, sp.name, sp.title, sp.affiliation, sp.organisation_id::text, sp.bio, sp.email, "
    "sp.phone, sp.version, eventd_us(sp.created_at), eventd_us(sp.updated_at), sp.owner_organisation_id::text, "
    "sp.photo_url";

// The speaker appears in an event the public sees (any status but draft), or did in a session
// deleted from one that is not over yet: its feeds still show that session as cancelled
// (schema/019), so the speaker's feed must still answer.
constexpr const char* public_appearance =
    "(EXISTS (SELECT 1 FROM session_speakers ss JOIN sessions x ON x.id = ss.session_id JOIN events e ON e.id = "
    "x.event_id WHERE ss.speaker_id = sp.id AND e.status <> 'draft') OR EXISTS (SELECT 1 FROM session_tombstones t "
    "JOIN events e ON e.id = t.event_id WHERE sp.id = ANY (t.speaker_ids) AND e.status <> 'draft' AND "
    "upper(e.during) > now()))";

domain::Speaker speaker_from_row(const soci::row& row) {
  domain::Speaker s;
  s.id = row.get<std::string>(0);
  s.slug = row.get<std::string>(1);
  s.name = row.get<std::string>(2);
  s.title = opt_text(row, 3);
  s.affiliation = opt_text(row, 4);
  s.organisation_id = opt_text(row, 5);
  s.bio = opt_text(row, 6);
  s.email = opt_text(row, 7);
  s.phone = opt_text(row, 8);
  s.version = row.get<long long>(9);
  s.created_at = from_us(row.get<long long>(10));
  s.updated_at = from_us(row.get<long long>(11));
  s.owner_organisation_id = opt_text(row, 12);
  s.photo_url = opt_text(row, 13);
  return s;
}

std::vector<domain::Speaker> speakers(soci::session& session, const std::string& sql, Params& params) {
  std::vector<domain::Speaker> out;
  for_each_row(session, sql, params, [&](const soci::row& row) { out.push_back(speaker_from_row(row)); });
  return out;
}

// Accent-insensitive comparison for `q` ("petren" finds "Alice Petrén"): translate() folds
// the Latin letters with diacritics that Swedish and its neighbours use.
constexpr const char* fold_from = "áàâäåãāÁÀÂÄÅÃĀéèêëēÉÈÊËĒíìîïÍÌÎÏóòôöõøÓÒÔÖÕØúùûüÚÙÛÜýÿÝçÇñÑ";
constexpr const char* fold_to = "aaaaaaaaaaaaaaeeeeeeeeeeiiiiiiiioooooooooooouuuuuuuuyyyccnn";

std::string folded(const std::string& expression) {
  return std::string("translate(lower(") + expression + "), '" + fold_from + "', '" + fold_to + "')";
}

[[noreturn]] void rethrow_write_error(const std::exception& e, const domain::Speaker& speaker) {
  if (auto sql = sql_error(e); sql && sql->constraint == "speakers_slug_key") {
    throw domain::Error(domain::Problem::slug_taken, domain::detail("speaker_slug_taken", {{"slug", speaker.slug}}),
                        {{"slug", domain::FieldCode("slug_taken")}});
  }
  using domain::FieldCode;
  throw_if_constraint(
      e, {
             {"speakers_slug_check", "slug", FieldCode("invalid_slug")},
             {"speakers_name_check", "name", FieldCode("length_between"), {{"min", "1"}, {"max", "300"}}},
             {"speakers_title_check", "title", FieldCode("too_long"), {{"max", "300"}}},
             {"speakers_affiliation_check", "affiliation", FieldCode("too_long"), {{"max", "300"}}},
             {"speakers_bio_check", "bio", FieldCode("too_long"), {{"max", "20000"}}},
             {"speakers_email_check", "email", FieldCode("invalid_email")},
             {"speakers_phone_check", "phone", FieldCode("invalid_phone")},
             {"speakers_photo_url_check",
              "photo_url",
              FieldCode("invalid_url"),
              {{"max", std::to_string(domain::kMaxPhotoUrlLength)}}},
             {"speakers_organisation_id_fkey", "organisation_id", FieldCode("unknown_organisation")},
             {"speakers_owner_organisation_id_fkey", "owner_organisation_id", FieldCode("unknown_organisation")},
             {"speakers_owner_in_sessions_check",
              "owner_organisation_id",
              FieldCode("speaker_in_sessions"),
              {},
              domain::Problem::conflict},
         });
  throw;
}

}  // namespace

std::optional<domain::Speaker> find_speaker(soci::session& session, const std::string& id_or_slug, bool for_update) {
  Params params;
  std::string sql = std::string("SELECT ") + speaker_columns + " FROM speakers sp WHERE ";
  sql += is_uuid(id_or_slug) ? "sp.id = CAST(" + params.add(id_or_slug) + " AS uuid)"
                             : "sp.slug = " + params.add(id_or_slug);
  if (for_update) sql += " FOR UPDATE";
  auto found = speakers(session, sql, params);
  if (found.empty()) return std::nullopt;
  return found.front();
}

std::optional<domain::Instant> speaker_programme_changed_at(soci::session& session, const std::string& speaker_id) {
  Params p;
  std::optional<domain::Instant> out;
  for_each_row(
      session,
      "SELECT eventd_us(changed_at) FROM speaker_programme_changes WHERE speaker_id = " + p.add_uuid(speaker_id), p,
      [&](const soci::row& row) { out = from_us(row.get<long long>(0)); });
  return out;
}

domain::Speaker insert_speaker(soci::session& session, const domain::Speaker& speaker) {
  Params p;
  std::string sql =
      "INSERT INTO speakers AS sp (slug, name, title, affiliation, organisation_id, owner_organisation_id, bio, "
      "photo_url, email, phone) VALUES (";
  sql += p.add(speaker.slug) + ", " + p.add(speaker.name) + ", " + p.add(speaker.title) + ", " +
         p.add(speaker.affiliation) + ", CAST(" + p.add(speaker.organisation_id) + " AS uuid), CAST(" +
         p.add(speaker.owner_organisation_id) + " AS uuid), " + p.add(speaker.bio) + ", " + p.add(speaker.photo_url) +
         ", " + p.add(speaker.email) + ", " + p.add(speaker.phone) + ") RETURNING " + speaker_columns;
  try {
    return speakers(session, sql, p).at(0);
  } catch (const std::exception& e) {
    rethrow_write_error(e, speaker);
  }
}

domain::Speaker update_speaker(soci::session& session, const domain::Speaker& speaker) {
  Params p;
  std::string sql = "UPDATE speakers AS sp SET slug = " + p.add(speaker.slug) + ", name = " + p.add(speaker.name) +
                    ", title = " + p.add(speaker.title) + ", affiliation = " + p.add(speaker.affiliation) +
                    ", organisation_id = CAST(" + p.add(speaker.organisation_id) +
                    " AS uuid), owner_organisation_id = CAST(" + p.add(speaker.owner_organisation_id) +
                    " AS uuid), bio = " + p.add(speaker.bio) + ", photo_url = " + p.add(speaker.photo_url) +
                    ", email = " + p.add(speaker.email) + ", phone = " + p.add(speaker.phone) +
                    ", updated_at = now() WHERE sp.id = CAST(" + p.add(speaker.id) + " AS uuid) RETURNING " +
                    speaker_columns;
  try {
    return speakers(session, sql, p).at(0);
  } catch (const std::exception& e) {
    rethrow_write_error(e, speaker);
  }
}

bool delete_speaker(soci::session& session, const domain::Speaker& speaker) {
  try {
    std::string id = speaker.id;
    soci::statement st = (session.prepare << "DELETE FROM speakers WHERE id = CAST(:id AS uuid)", soci::use(id));
    st.execute(true);
    return st.get_affected_rows() > 0;
  } catch (const std::exception& e) {
    throw_if_constraint(e, {{"session_speakers_speaker_id_fkey", domain::Problem::in_use,
                             domain::detail("speaker_still_speaks", {{"name", speaker.name}})}});
    throw;
  }
}

bool speaker_is_public(soci::session& session, const std::string& speaker_id) {
  Params p;
  bool found = false;
  for_each_row(
      session,
      std::string("SELECT 1 FROM speakers sp WHERE sp.id = ") + p.add_uuid(speaker_id) + " AND " + public_appearance, p,
      [&](const soci::row&) { found = true; });
  return found;
}

std::vector<domain::Speaker> list_speakers(soci::session& session, const SpeakerFilter& filter) {
  Params p;
  std::string sql = std::string("SELECT ") + speaker_columns + " FROM speakers sp WHERE ";
  if (filter.all_records) {
    sql += "TRUE";
  } else if (filter.owner) {
    sql += "(sp.owner_organisation_id = " + p.add_uuid(*filter.owner) + " OR " + public_appearance + ")";
  } else {
    sql += public_appearance;
  }
  if (filter.organisation) {
    sql += " AND sp.organisation_id = (SELECT o.id FROM organisations o WHERE ";
    sql += is_uuid(*filter.organisation) ? "o.id = CAST(" + p.add(*filter.organisation) + " AS uuid))"
                                         : "o.slug = " + p.add(*filter.organisation) + ")";
  }
  if (filter.q) {
    // schema/001_catalogue.sql: name ILIKE '%' || eventd_like_escape($q) || '%' OR $q <% name,
    // plus the same containment with diacritics folded on both sides.
    sql += " AND (sp.name ILIKE '%' || eventd_like_escape(" + p.add(*filter.q) + ") || '%' OR " + p.add(*filter.q) +
           " <% sp.name OR " + folded("sp.name") + " LIKE '%' || eventd_like_escape(" + folded(p.add(*filter.q)) +
           ") || '%')";
  }
  if (filter.after) {
    sql += " AND (sp.name, sp.id) > (" + p.add(filter.after->name) + ", CAST(" + p.add(filter.after->id) + " AS uuid))";
  }
  sql += " ORDER BY sp.name, sp.id LIMIT CAST(" + p.add(std::to_string(filter.limit)) + " AS integer)";
  return speakers(session, sql, p);
}

std::vector<domain::Speaker> list_event_speakers(soci::session& session, const std::string& event_id,
                                                 const std::optional<SpeakerCursor>& after, std::size_t limit) {
  Params p;
  std::string sql = std::string("SELECT ") + speaker_columns +
                    " FROM speakers sp WHERE EXISTS (SELECT 1 FROM session_speakers ss JOIN sessions s ON s.id = "
                    "ss.session_id WHERE ss.speaker_id = sp.id AND s.event_id = CAST(" +
                    p.add(event_id) + " AS uuid))";
  if (after) sql += " AND (sp.name, sp.id) > (" + p.add(after->name) + ", CAST(" + p.add(after->id) + " AS uuid))";
  sql += " ORDER BY sp.name, sp.id LIMIT CAST(" + p.add(std::to_string(limit)) + " AS integer)";
  return speakers(session, sql, p);
}

std::vector<std::optional<std::string>> resolve_speaker_refs(soci::session& session,
                                                             const std::vector<std::string>& refs,
                                                             const std::string& owner_organisation_id) {
  std::vector<std::optional<std::string>> out(refs.size());
  if (refs.empty()) return out;
  std::vector<std::string> ids, slugs;
  auto lower = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
  };
  for (const auto& ref : refs) (is_uuid(ref) ? ids : slugs).push_back(is_uuid(ref) ? lower(ref) : ref);
  Params p;
  std::string sql = "SELECT sp.id::text, sp.slug FROM speakers sp WHERE sp.owner_organisation_id = " +
                    p.add_uuid(owner_organisation_id) + " AND (sp.id = ANY (CAST(string_to_array(" +
                    p.add(join_list(ids)) + ", chr(31)) AS uuid[])) OR sp.slug = ANY (string_to_array(" +
                    p.add(join_list(slugs)) + ", chr(31))))";
  std::map<std::string, std::string> by_id, by_slug;
  for_each_row(session, sql, p, [&](const soci::row& row) {
    auto id = row.get<std::string>(0);
    by_id[id] = id;
    by_slug[row.get<std::string>(1)] = id;
  });
  for (std::size_t i = 0; i < refs.size(); ++i) {
    const auto& table = is_uuid(refs[i]) ? by_id : by_slug;
    auto it = table.find(is_uuid(refs[i]) ? lower(refs[i]) : refs[i]);
    if (it != table.end()) out[i] = it->second;
  }
  return out;
}

std::optional<std::string> speaker_organisation_id(soci::session& session, const std::string& id_or_slug) {
  Params p;
  std::string sql = "SELECT o.id::text FROM organisations o WHERE ";
  sql += is_uuid(id_or_slug) ? "o.id = CAST(" + p.add(id_or_slug) + " AS uuid)" : "o.slug = " + p.add(id_or_slug);
  std::optional<std::string> id;
  for_each_row(session, sql, p, [&](const soci::row& row) { id = row.get<std::string>(0); });
  return id;
}

}  // namespace eventd::db
