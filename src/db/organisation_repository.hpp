#pragma once
// SQL for organisations.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/organisation.hpp"

namespace soci {
class session;
}

namespace eventd::db {

// Inserts slug, name, kind, website, description; id, version and times come from the
// database. 409 (field `slug`) when the slug is taken.
domain::Organisation insert_organisation(soci::session& session, const domain::Organisation& organisation);

// By id (UUID) or slug. `for_update` locks the row until the transaction ends, for
// read-check-write sequences (If-Match, merge patch, delete).
std::optional<domain::Organisation> find_organisation(soci::session& session, std::string_view id_or_slug,
                                                      bool for_update = false);

// Several organisations by id (UUIDs) in one query, in no particular order; unknown ids are skipped.
std::vector<domain::Organisation> find_organisations(soci::session& session, const std::vector<std::string>& ids);

// The keyset position of a list page: the last row's (name, id).
struct OrganisationCursor {
  std::string name;
  std::string id;
};

// Ordered by (name, id) (organisations_name_idx); at most `limit` rows after `after`.
std::vector<domain::Organisation> list_organisations(soci::session& session, std::size_t limit,
                                                     const std::optional<OrganisationCursor>& after);

// Writes slug, name, kind, website, description and updated_at = now() of the row with
// `organisation.id`; the trigger bumps `version`. Returns the stored row. 409 on a taken slug.
domain::Organisation update_organisation(soci::session& session, const domain::Organisation& organisation);

// The events that still refer to the organisation (as organiser or partner): their total
// number and the slugs of the first few, for a 409 that says what to fix.
struct OrganisationReferences {
  long long events = 0;
  std::vector<std::string> first_slugs;
};
OrganisationReferences organisation_references(soci::session& session, const std::string& id);

// Deletes by id (its API keys go with it, speakers lose organisation_id). 409 when events
// still refer to it (the foreign keys are ON DELETE RESTRICT). False when there is no such row.
bool delete_organisation(soci::session& session, const std::string& id);

}  // namespace eventd::db
