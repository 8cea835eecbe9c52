#include "support/smtp_sink.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/ics_check.hpp"

namespace eventd::test {

namespace {
std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}
}  // namespace

SmtpSink::SmtpSink() {
  static std::atomic<unsigned> counter{0};
  directory_ = std::filesystem::temp_directory_path() /
               ("eventd-smtp-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
  std::filesystem::create_directories(directory_);
  launch(0);
}

SmtpSink::~SmtpSink() {
  process_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

void SmtpSink::launch(unsigned short port) {
  process_ = std::make_unique<Process>(
      std::vector<std::string>{checker_python(), EVENTD_SOURCE_DIR "/tests/tools/smtp_sink.py", std::to_string(port),
                               directory_.string()},
      std::map<std::string, std::string>{});
  const std::string line = process_->wait_for_line("listening on ", std::chrono::seconds(20));
  if (line.empty()) throw std::runtime_error("the SMTP sink did not start: " + process_->output());
  port_ = static_cast<unsigned short>(std::stoi(line.substr(line.find("listening on ") + 13)));
}

void SmtpSink::stop() { process_.reset(); }

void SmtpSink::start() { launch(port_); }

std::vector<std::filesystem::path> SmtpSink::messages() const {
  std::vector<std::filesystem::path> out;
  for (const auto& entry : std::filesystem::directory_iterator(directory_)) {
    if (entry.path().extension() == ".eml" && entry.path().filename().string()[0] != '.') out.push_back(entry.path());
  }
  return out;
}

std::size_t SmtpSink::wait_for(std::size_t count, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const std::size_t n = messages().size();
    if (n >= count || std::chrono::steady_clock::now() >= deadline) return n;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
}

nlohmann::json read_mail(const std::filesystem::path& path) {
  const auto out_path = path.string() + ".json";
  const std::string cmd = checker_python() + " '" EVENTD_SOURCE_DIR "/tests/tools/check_mail.py' '" + path.string() +
                          "' > '" + out_path + "' 2>&1";
  const int rc = std::system(cmd.c_str());
  const std::string output = read_text(out_path);
  std::filesystem::remove(out_path);
  nlohmann::json parsed = nlohmann::json::parse(output, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) parsed = nlohmann::json{{"error", output}};
  parsed["parse_status"] = rc == -1 ? -1 : WEXITSTATUS(rc);
  return parsed;
}

}  // namespace eventd::test
