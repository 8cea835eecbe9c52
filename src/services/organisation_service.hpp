#pragma once
// Use cases of /v1/organisations. Who may call them (admin for writes) is checked by the
// handler before the body is read; here are the transactions and the domain rules.
#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "db/organisation_repository.hpp"
#include "domain/organisation.hpp"

// Parameters are references to the caller's locals (alive while it awaits) and the work
// handed to the database captures by reference: g++ 12 destroys some non-trivial
// temporaries of a co_await expression twice, so none are made.

namespace eventd::services {

class Database;

struct OrganisationPage {
  std::vector<domain::Organisation> items;
  bool has_more = false;  // a row follows the last item
};

// Validates (check_organisation) and inserts. 409 on a taken slug.
boost::asio::awaitable<domain::Organisation> create_organisation(Database& db,
                                                                 const domain::Organisation& organisation);

// 404 when there is no organisation with this id or slug.
boost::asio::awaitable<domain::Organisation> get_organisation(Database& db, const std::string& id_or_slug);

boost::asio::awaitable<OrganisationPage> list_organisations(Database& db, std::size_t limit,
                                                            const std::optional<db::OrganisationCursor>& after);

// Runs on the database thread, inside the transaction, with the row locked: checks
// preconditions (If-Match) and returns the changed organisation (merge patch + reading),
// throwing domain::Error to abort. The id, version and times of the result are ignored.
using OrganisationChange = std::function<domain::Organisation(const domain::Organisation& current)>;

// One transaction: SELECT ... FOR UPDATE, `change`, validation, UPDATE. An unchanged
// record is not written (its version and updated_at stay). 404, 409, 412, 422.
boost::asio::awaitable<domain::Organisation> update_organisation(Database& db, const std::string& id_or_slug,
                                                                 const OrganisationChange& change);

// Runs inside the delete's transaction with the row locked (If-Match → 412).
using OrganisationPrecondition = std::function<void(const domain::Organisation& current)>;

// 404; 409 while events refer to it as organiser or partner.
boost::asio::awaitable<void> delete_organisation(Database& db, const std::string& id_or_slug,
                                                 const OrganisationPrecondition& precondition);

}  // namespace eventd::services
