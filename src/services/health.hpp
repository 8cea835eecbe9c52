#pragma once
#include <boost/asio/awaitable.hpp>
#include <vector>

#include "db/migrations.hpp"

namespace eventd::services {

class Database;

// Ready means: the database answers and every migration this binary knows is applied.
// Throws domain::Error(unavailable) when the database cannot be reached.
boost::asio::awaitable<bool> database_ready(Database& db, const std::vector<db::Migration>& migrations);

}  // namespace eventd::services
