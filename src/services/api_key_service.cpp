#include "services/api_key_service.hpp"

#include <soci/soci.h>

#include "db/organisation_repository.hpp"
#include "domain/error.hpp"
#include "domain/validation.hpp"
#include "services/auth.hpp"
#include "services/database.hpp"
#include "services/secrets.hpp"

namespace eventd::services {

namespace {
// "evk_" and 4 characters of the random part: enough to tell keys apart in a list, far
// too little to help guess one (24 of 256 bits).
constexpr std::size_t key_prefix_length = 8;
}  // namespace

CreatedApiKey create_api_key(soci::session& session, const NewApiKey& request) {
  domain::ApiKey key;
  key.name = request.name;
  key.role = request.role;
  soci::transaction tx(session);
  domain::Validator errors;
  errors.append(request.errors);
  // Whether organisation_id belongs depends on the role: nothing to say without one.
  const bool role_known = !domain::FieldSet(request.errors).covers("role");
  if (request.organisation && role_known) {
    if (request.role == domain::Role::organiser) {
      if (auto organisation = db::find_organisation(session, *request.organisation)) {
        key.organisation_id = organisation->id;
      } else {
        errors.add("organisation_id", domain::FieldCode("unknown_organisation"));
      }
    } else {
      key.organisation_id = *request.organisation;  // check_api_key refuses it for an admin key
    }
  }
  auto rule_errors = domain::check_api_key(key);
  if (!role_known) std::erase_if(rule_errors, [](const auto& e) { return e.field == "organisation_id"; });
  errors.append_unreported(std::move(rule_errors));
  errors.throw_if_any();

  CreatedApiKey created;
  created.key = new_secret("evk_");
  created.record = db::insert_api_key(session, key, secret_hash(created.key), created.key.substr(0, key_prefix_length));
  tx.commit();
  return created;
}

boost::asio::awaitable<CreatedApiKey> create_api_key(Database& db, const NewApiKey& request) {
  co_return co_await db.run([&request](soci::session& session) { return create_api_key(session, request); });
}

CreatedApiKey create_api_key_blocking(Database& db, const NewApiKey& request) {
  return db.run_blocking([&request](soci::session& session) { return create_api_key(session, request); });
}

boost::asio::awaitable<ApiKeyPage> list_api_keys(Database& db, std::size_t limit,
                                                 const std::optional<db::ApiKeyCursor>& after) {
  // One row more than asked tells whether there is a next page.
  auto rows =
      co_await db.run([limit, &after](soci::session& session) { return db::list_api_keys(session, limit + 1, after); });
  ApiKeyPage page;
  page.has_more = rows.size() > limit;
  if (page.has_more) rows.resize(limit);
  page.items = std::move(rows);
  co_return page;
}

boost::asio::awaitable<CurrentApiKey> current_api_key(Database& db, const domain::Caller& caller) {
  CurrentApiKey current;
  if (caller.key_id() == kEnvironmentAdminKeyId) co_return current;
  const std::string& id = caller.key_id();
  current.record = co_await db.run([&id](soci::session& session) { return db::find_api_key(session, id); });
  // Revoked between authentication and this read: the key no longer identifies anyone.
  if (!current.record || current.record->is_revoked()) {
    throw domain::Error(domain::Problem::unauthorized, domain::detail("unknown_key"));
  }
  co_return current;
}

boost::asio::awaitable<void> revoke_api_key(Database& db, const std::string& id) {
  bool found = co_await db.run([&id](soci::session& session) { return db::revoke_api_key(session, id); });
  if (!found) throw domain::not_found("api_key");
}

}  // namespace eventd::services
