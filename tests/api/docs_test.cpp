// GET /docs: the API reference page and everything it loads come from eventd itself.
#include <doctest/doctest.h>

#include <regex>

#include "support/test_server.hpp"

using namespace eventd::test;

namespace {
// The src/href attributes of a page, resolved against /docs (a file at the root).
std::vector<std::string> local_references(const std::string& page) {
  std::vector<std::string> references;
  std::regex attribute(R"re((?:src|href|spec-url)="([^"]*)")re");
  for (auto it = std::sregex_iterator(page.begin(), page.end(), attribute); it != std::sregex_iterator(); ++it) {
    references.push_back((*it)[1]);
  }
  return references;
}
}  // namespace

TEST_CASE("GET /docs serves the reference page, its renderer and the contract, all from eventd") {
  TestServer server;
  auto page = server.get("/docs");
  REQUIRE(page.status == 200);
  CHECK(page.header("Content-Type") == "text/html; charset=utf-8");
  CHECK(page.header("Content-Security-Policy").starts_with("default-src 'self';"));
  CHECK(page.body.find("<redoc spec-url=\"openapi.yaml\">") != std::string::npos);

  auto references = local_references(page.body);
  REQUIRE(references.size() == 3);  // the contract for the <noscript> link, for Redoc, and the script
  for (const auto& reference : references) {
    INFO(reference);
    // Relative, so nothing comes from another host, and the page works under any prefix.
    CHECK(reference.find("//") == std::string::npos);
    auto loaded = server.get("/" + reference);
    CHECK(loaded.status == 200);
  }

  auto script = server.get("/docs/redoc.standalone.js");
  REQUIRE(script.status == 200);
  CHECK(script.header("Content-Type") == "text/javascript; charset=utf-8");
  CHECK(script.body.size() > 500'000);
  CHECK(script.body.find("Redoc") != std::string::npos);
  CHECK(script.body.find("cdn.redoc.ly") == std::string::npos);

  auto contract = server.get("/openapi.yaml");
  CHECK(contract.header("Content-Type") == "application/yaml; charset=utf-8");
  CHECK(contract.body.starts_with("openapi: 3.1.0"));

  CHECK(server.request("HEAD", "/docs").status == 200);
  CHECK(server.request("POST", "/docs", "{}").status == 405);
}
