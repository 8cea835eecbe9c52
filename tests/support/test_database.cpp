#include "support/test_database.hpp"

#include "db/pool.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <cstdlib>
#include <random>
#include <stdexcept>

namespace eventd::test {

std::string maintenance_url() {
  const char* url = std::getenv("EVENTD_TEST_DATABASE_URL");
  if (!url || !*url) {
    throw std::runtime_error(
        "EVENTD_TEST_DATABASE_URL is not set: run the tests with scripts/test, which starts PostgreSQL");
  }
  return url;
}

std::string with_database(const std::string& url, const std::string& database) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) throw std::runtime_error("test database URL must be a postgresql:// URI");
  auto slash = url.find('/', scheme_end + 3);
  auto query = url.find('?', scheme_end + 3);
  std::string base = url.substr(0, slash == std::string::npos ? std::min(query, url.size()) : slash);
  std::string tail = query == std::string::npos ? "" : url.substr(query);
  return base + "/" + database + tail;
}

TestDatabase::TestDatabase() {
  std::random_device random;
  name_ = "eventd_test_" + std::to_string(random()) + std::to_string(random());
  soci::session admin(*soci::factory_postgresql(), db::keyword_conninfo(maintenance_url()));
  admin << "CREATE DATABASE " + name_ + " TEMPLATE template0 ENCODING 'UTF8'";
  url_ = with_database(maintenance_url(), name_);
}

TestDatabase::~TestDatabase() {
  try {
    soci::session admin(*soci::factory_postgresql(), db::keyword_conninfo(maintenance_url()));
    admin << "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)";
  } catch (...) {
    // A leftover test database is harmless; the cluster is private to the test run.
  }
}

void TestDatabase::exec(const std::string& sql) const {
  soci::session session(*soci::factory_postgresql(), db::keyword_conninfo(url_));
  session << sql;
}

std::string TestDatabase::scalar(const std::string& sql) const {
  soci::session session(*soci::factory_postgresql(), db::keyword_conninfo(url_));
  std::string value;
  soci::indicator indicator;
  session << sql, soci::into(value, indicator);
  return indicator == soci::i_ok ? value : "";
}

}  // namespace eventd::test
