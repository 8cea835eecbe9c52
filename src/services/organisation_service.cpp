#include "services/organisation_service.hpp"

#include <soci/soci.h>

#include "domain/error.hpp"
#include "services/database.hpp"

namespace eventd::services {

namespace {

void validate(const domain::Organisation& organisation) {
  auto errors = domain::check_organisation(organisation);
  if (!errors.empty()) throw domain::validation(std::move(errors));
}

bool same_content(const domain::Organisation& a, const domain::Organisation& b) {
  return a.slug == b.slug && a.name == b.name && a.kind == b.kind && a.website == b.website &&
         a.description == b.description && a.email == b.email && a.frontend_url == b.frontend_url;
}

domain::Error still_referenced(const domain::Organisation& organisation, const db::OrganisationReferences& refs) {
  std::string slugs;
  for (std::size_t i = 0; i < refs.first_slugs.size(); ++i) {
    if (i) slugs += ", ";
    slugs += refs.first_slugs[i];
  }
  if (refs.events > static_cast<long long>(refs.first_slugs.size())) slugs += ", ...";
  domain::MessageParams params{{"name", organisation.name}, {"count", std::to_string(refs.events)}, {"events", slugs}};
  return domain::Error(domain::Problem::in_use, refs.events == 1
                                                    ? domain::detail("organisation_in_use_one", std::move(params))
                                                    : domain::detail("organisation_in_use", std::move(params)));
}

}  // namespace

boost::asio::awaitable<domain::Organisation> create_organisation(Database& db,
                                                                 const domain::Organisation& organisation) {
  validate(organisation);
  co_return co_await db.run(
      [&organisation](soci::session& session) { return db::insert_organisation(session, organisation); });
}

boost::asio::awaitable<domain::Organisation> get_organisation(Database& db, const std::string& id_or_slug) {
  auto found =
      co_await db.run([&id_or_slug](soci::session& session) { return db::find_organisation(session, id_or_slug); });
  if (!found) throw domain::not_found("organisation");
  co_return *found;
}

boost::asio::awaitable<OrganisationPage> list_organisations(Database& db, std::size_t limit,
                                                            const std::optional<db::OrganisationCursor>& after) {
  // One row more than asked tells whether there is a next page.
  auto rows = co_await db.run(
      [limit, &after](soci::session& session) { return db::list_organisations(session, limit + 1, after); });
  OrganisationPage page;
  page.has_more = rows.size() > limit;
  if (page.has_more) rows.resize(limit);
  page.items = std::move(rows);
  co_return page;
}

boost::asio::awaitable<domain::Organisation> update_organisation(Database& db, const std::string& id_or_slug,
                                                                 const OrganisationChange& change) {
  co_return co_await db.run([&id_or_slug, &change](soci::session& session) {
    soci::transaction tx(session);
    auto current = db::find_organisation(session, id_or_slug, /*for_update=*/true);
    if (!current) throw domain::not_found("organisation");
    domain::Organisation changed = change(*current);
    changed.id = current->id;
    validate(changed);
    if (same_content(changed, *current)) {
      tx.commit();
      return *current;
    }
    auto stored = db::update_organisation(session, changed);
    tx.commit();
    return stored;
  });
}

boost::asio::awaitable<void> delete_organisation(Database& db, const std::string& id_or_slug,
                                                 const OrganisationPrecondition& precondition) {
  co_await db.run([&id_or_slug, &precondition](soci::session& session) {
    soci::transaction tx(session);
    // The lock also keeps new events from referring to it until we are done: their
    // foreign-key check takes a KEY SHARE lock on this row.
    auto current = db::find_organisation(session, id_or_slug, /*for_update=*/true);
    if (!current) throw domain::not_found("organisation");
    precondition(*current);
    auto references = db::organisation_references(session, current->id);
    if (references.events > 0) throw still_referenced(*current, references);
    db::delete_organisation(session, current->id);
    tx.commit();
  });
}

}  // namespace eventd::services
