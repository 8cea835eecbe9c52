#include "support/ics_check.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace eventd::test {

namespace {

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_all(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

}  // namespace

std::string checker_python() {
  if (const char* p = std::getenv("EVENTD_PYTHON"); p != nullptr && *p != '\0') return p;
  if (std::filesystem::exists("/usr/bin/python3")) return "/usr/bin/python3";
  return "python3";
}

IcsCheck run_ics_checker(const std::string& text, bool details) {
  static std::atomic<unsigned> counter{0};
  const auto dir = std::filesystem::temp_directory_path();
  const std::string stem = "eventd-ics-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
  const auto ics_path = dir / (stem + ".ics");
  const auto out_path = dir / (stem + ".out");
  write_all(ics_path, text);
  const std::string cmd = checker_python() + " '" + EVENTD_SOURCE_DIR "/tests/tools/check_ics.py' " +
                          (details ? "--details '" : "'") + ics_path.string() + "' > '" + out_path.string() + "' 2>&1";
  IcsCheck run;
  const int rc = std::system(cmd.c_str());
  run.status = rc == -1 ? -1 : WEXITSTATUS(rc);
  run.output = read_all(out_path);
  std::filesystem::remove(ics_path);
  std::filesystem::remove(out_path);
  return run;
}

std::string unfold(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 3, "\r\n ") == 0) {
      i += 2;
      continue;
    }
    out += text[i];
  }
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(unfold(text));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(line);
  }
  return out;
}

}  // namespace eventd::test
