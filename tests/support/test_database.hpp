#pragma once
// A fresh, empty PostgreSQL database per test fixture, on the cluster that scripts/test
// started (EVENTD_TEST_DATABASE_URL points at its maintenance database). Dropped at the end.
#include <string>

namespace eventd::test {

class TestDatabase {
 public:
  TestDatabase();
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

  // Runs SQL directly (for checks that must not go through the API).
  void exec(const std::string& sql) const;
  std::string scalar(const std::string& sql) const;  // first column of the first row, "" for NULL

 private:
  std::string name_;
  std::string url_;
};

// The admin URL from the environment; fails the test run loudly when it is missing.
std::string maintenance_url();
// Replaces the database name of a postgresql:// URL.
std::string with_database(const std::string& url, const std::string& database);

}  // namespace eventd::test
