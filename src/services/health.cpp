#include "services/health.hpp"

#include <soci/soci.h>

#include "services/database.hpp"

namespace eventd::services {

boost::asio::awaitable<bool> database_ready(Database& db, const std::vector<db::Migration>& migrations) {
  co_return co_await db.run(
      [&migrations](soci::session& session) { return db::is_fully_migrated(session, migrations); });
}

}  // namespace eventd::services
