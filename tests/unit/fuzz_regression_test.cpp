// Replays the fuzz corpus and every crash reproducer (tests/fuzz/) in the ordinary build, so
// what fuzzing once found stays fixed even where clang and libFuzzer are not used. A
// violated property aborts (see tests/fuzz/fuzz_inputs.hpp).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "fuzz/fuzz_inputs.hpp"
#include "http/routes.hpp"

namespace fs = std::filesystem;
using namespace eventd;

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Runs every file under tests/fuzz/<kind>/<target>/ through its target; returns how many.
std::size_t replay(const std::string& kind) {
  fuzz::initialise();
  std::size_t count = 0;
  const fs::path root = fs::path(EVENTD_SOURCE_DIR) / "tests" / "fuzz" / kind;
  if (!fs::exists(root)) return 0;
  for (const auto& directory : fs::directory_iterator(root)) {
    if (!directory.is_directory()) continue;
    const std::string name = directory.path().filename().string();
    REQUIRE_MESSAGE(fuzz::targets().contains(name), "no fuzz target named " << name);
    for (const auto& file : fs::directory_iterator(directory.path())) {
      if (!file.is_regular_file() || file.path().filename().string().starts_with(".")) continue;
      INFO(file.path().string());
      fuzz::targets().at(name)(read_file(file.path()));
      ++count;
    }
  }
  return count;
}

}  // namespace

TEST_CASE("fuzzing: every crash reproducer is handled now") {
  MESSAGE("replayed " << replay("crashes") << " reproducers");
}

TEST_CASE("fuzzing: the kept corpus runs clean") {
  CHECK(replay("corpus") > 50);  // the seeds at least
}

TEST_CASE("fuzzing: the router target matches against the service's own route table") {
  std::set<std::pair<std::string, std::string>> service, fuzzed;
  auto router = http::make_router();
  for (const auto& route : router.routes()) service.emplace(std::string(http::to_string(route.method)), route.pattern);
  for (const auto& route : fuzz::route_table()) fuzzed.insert(route);
  CHECK(service == fuzzed);
}
