#include "db/organisation_repository.hpp"

#include <soci/soci.h>

#include "db/sql_error.hpp"
#include "db/support.hpp"

namespace eventd::db {

namespace {

constexpr const char* organisation_columns =
    "id::text, slug, name, kind, website, description, version, eventd_us(created_at), eventd_us(updated_at), email, "
    "frontend_url";

domain::Organisation organisation_from_row(const soci::row& row) {
  domain::Organisation o;
  o.id = row.get<std::string>(0);
  o.slug = row.get<std::string>(1);
  o.name = row.get<std::string>(2);
  // organisations_kind_check admits only known kinds
  o.kind = domain::parse_organisation_kind(row.get<std::string>(3)).value_or(domain::OrganisationKind::other);
  if (row.get_indicator(4) != soci::i_null) o.website = row.get<std::string>(4);
  if (row.get_indicator(5) != soci::i_null) o.description = row.get<std::string>(5);
  o.version = row.get<long long>(6);
  o.created_at = from_us(row.get<long long>(7));
  o.updated_at = from_us(row.get<long long>(8));
  if (row.get_indicator(9) != soci::i_null) o.email = row.get<std::string>(9);
  if (row.get_indicator(10) != soci::i_null) o.frontend_url = row.get<std::string>(10);
  return o;
}

// Constraint violations of an INSERT or UPDATE: the domain checks run first, so these are a
// last line (a race on the slug, or a rule only the database knows).
void map_write_error(const std::exception& e, const domain::Organisation& o) {
  using domain::FieldCode;
  auto sql = sql_error(e);
  if (sql && sql->constraint == "organisations_slug_key") {
    throw domain::Error(domain::Problem::slug_taken, domain::detail("organisation_slug_taken", {{"slug", o.slug}}),
                        {{"slug", FieldCode("slug_taken")}});
  }
  throw_if_constraint(
      e, {
             {"organisations_slug_check", "slug", FieldCode("invalid_slug")},
             {"organisations_name_check", "name", FieldCode("length_between"), {{"min", "1"}, {"max", "300"}}},
             {"organisations_kind_check", "kind", FieldCode("unknown_kind")},
             {"organisations_website_check", "website", FieldCode("invalid_url"), {{"max", "2000"}}},
             {"organisations_description_check", "description", FieldCode("too_long"), {{"max", "20000"}}},
             {"organisations_email_check", "email", FieldCode("invalid_email")},
             {"organisations_frontend_url_check", "frontend_url", FieldCode("not_base_url"), {{"max", "500"}}},
         });
}

struct NullableText {
  std::string value;
  soci::indicator indicator = soci::i_null;
  explicit NullableText(const std::optional<std::string>& text) {
    if (text) {
      value = *text;
      indicator = soci::i_ok;
    }
  }
};

}  // namespace

domain::Organisation insert_organisation(soci::session& session, const domain::Organisation& organisation) {
  std::string kind(domain::to_string(organisation.kind));
  NullableText website(organisation.website);
  NullableText description(organisation.description);
  NullableText email(organisation.email);
  NullableText frontend_url(organisation.frontend_url);
  soci::row row;
  try {
    session << std::string(
                   "INSERT INTO organisations (slug, name, kind, website, description, email, frontend_url) "
                   "VALUES (:slug, :name, :kind, :website, :description, :email, :frontend_url) RETURNING ") +
                   organisation_columns,
        soci::use(organisation.slug), soci::use(organisation.name), soci::use(kind),
        soci::use(website.value, website.indicator), soci::use(description.value, description.indicator),
        soci::use(email.value, email.indicator), soci::use(frontend_url.value, frontend_url.indicator), soci::into(row);
  } catch (const std::exception& e) {
    map_write_error(e, organisation);
    throw;
  }
  return organisation_from_row(row);
}

std::optional<domain::Organisation> find_organisation(soci::session& session, std::string_view id_or_slug,
                                                      bool for_update) {
  std::string key(id_or_slug);
  soci::row row;
  session << std::string("SELECT ") + organisation_columns + " FROM organisations WHERE " +
                 id_or_slug_condition(id_or_slug, "") + (for_update ? " FOR UPDATE" : ""),
      soci::use(key, "key"), soci::into(row);
  if (!session.got_data()) return std::nullopt;
  return organisation_from_row(row);
}

std::vector<domain::Organisation> find_organisations(soci::session& session, const std::vector<std::string>& ids) {
  std::vector<domain::Organisation> organisations;
  if (ids.empty()) return organisations;
  std::string joined = join_list(ids);
  soci::rowset<soci::row> rows = (session.prepare << std::string("SELECT ") + organisation_columns +
                                                         " FROM organisations WHERE id = ANY (CAST(string_to_array("
                                                         ":ids, chr(31)) AS uuid[]))",
                                  soci::use(joined, "ids"));
  for (const auto& row : rows) organisations.push_back(organisation_from_row(row));
  return organisations;
}

std::vector<domain::Organisation> list_organisations(soci::session& session, std::size_t limit,
                                                     const std::optional<OrganisationCursor>& after) {
  std::vector<domain::Organisation> organisations;
  long long row_limit = static_cast<long long>(limit);
  // Keyset pagination on (name, id): a row inserted between pages sorts before or after
  // the cursor and never shifts the rows that follow it, so nothing repeats or is skipped.
  if (after) {
    soci::rowset<soci::row> rows =
        (session.prepare << std::string("SELECT ") + organisation_columns +
                                " FROM organisations WHERE (name, id) > (:after_name, CAST(:after_id AS uuid)) "
                                "ORDER BY name, id LIMIT :limit",
         soci::use(after->name), soci::use(after->id), soci::use(row_limit));
    for (const auto& row : rows) organisations.push_back(organisation_from_row(row));
  } else {
    soci::rowset<soci::row> rows = (session.prepare << std::string("SELECT ") + organisation_columns +
                                                           " FROM organisations ORDER BY name, id LIMIT :limit",
                                    soci::use(row_limit));
    for (const auto& row : rows) organisations.push_back(organisation_from_row(row));
  }
  return organisations;
}

domain::Organisation update_organisation(soci::session& session, const domain::Organisation& organisation) {
  std::string kind(domain::to_string(organisation.kind));
  NullableText website(organisation.website);
  NullableText description(organisation.description);
  NullableText email(organisation.email);
  NullableText frontend_url(organisation.frontend_url);
  soci::row row;
  try {
    session << std::string(
                   "UPDATE organisations SET slug = :slug, name = :name, kind = :kind, website = :website, "
                   "description = :description, email = :email, frontend_url = :frontend_url, updated_at = now() "
                   "WHERE id = CAST(:id AS uuid) RETURNING ") +
                   organisation_columns,
        soci::use(organisation.slug), soci::use(organisation.name), soci::use(kind),
        soci::use(website.value, website.indicator), soci::use(description.value, description.indicator),
        soci::use(email.value, email.indicator), soci::use(frontend_url.value, frontend_url.indicator),
        soci::use(organisation.id), soci::into(row);
  } catch (const std::exception& e) {
    map_write_error(e, organisation);
    throw;
  }
  if (!session.got_data()) throw domain::not_found("organisation");
  return organisation_from_row(row);
}

OrganisationReferences organisation_references(soci::session& session, const std::string& id) {
  OrganisationReferences references;
  soci::rowset<soci::row> rows =
      (session.prepare << "WITH target AS (SELECT CAST(:id AS uuid) AS id), "
                          "referring AS ("
                          "  SELECT e.id FROM events e JOIN target t ON e.organiser_id = t.id"
                          "  UNION"
                          "  SELECT p.event_id FROM event_partners p JOIN target t ON p.organisation_id = t.id) "
                          "SELECT e.slug, count(*) OVER () FROM referring r JOIN events e ON e.id = r.id "
                          "ORDER BY e.slug LIMIT 3",
       soci::use(id));
  for (const auto& row : rows) {
    references.first_slugs.push_back(row.get<std::string>(0));
    references.events = row.get<long long>(1);
  }
  return references;
}

bool delete_organisation(soci::session& session, const std::string& id) {
  std::string deleted;
  soci::indicator indicator = soci::i_null;
  try {
    session << "DELETE FROM organisations WHERE id = CAST(:id AS uuid) RETURNING id::text", soci::use(id),
        soci::into(deleted, indicator);
  } catch (const std::exception& e) {
    // The service counts the referring events first; this covers an event added meanwhile.
    throw_if_constraint(
        e,
        {
            {"events_organiser_id_fkey", domain::Problem::in_use, domain::detail("organisation_organises_events")},
            {"event_partners_organisation_id_fkey", domain::Problem::in_use, domain::detail("organisation_is_partner")},
        });
    throw;
  }
  return session.got_data();
}

}  // namespace eventd::db
