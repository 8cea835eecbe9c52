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

std::filesystem::path fresh_directory(const std::string& kind) {
  static std::atomic<unsigned> counter{0};
  auto directory = std::filesystem::temp_directory_path() /
                   ("eventd-" + kind + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
  std::filesystem::create_directories(directory);
  return directory;
}
}  // namespace

TestCertificates::TestCertificates() : directory_(fresh_directory("tls")) {
  // EC keys: quick to make. Each leaf names its host in subjectAltName, as verifiers require.
  const std::string script = R"(set -e
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out "$1.key"; }
ca() { key "$1"; openssl req -x509 -new -key "$1.key" -out "$1.pem" -days 2 -subj "/CN=$2"; }
leaf() {
  key "$1"
  openssl req -new -key "$1.key" -out "$1.csr" -subj "/CN=$2"
  printf 'subjectAltName=%s
basicConstraints=CA:FALSE
' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$4.pem" -CAkey "$4.key" -CAcreateserial -out "$1.pem" -days 2 -extfile "$1.ext"
}
ca ca "eventd test CA"
ca rogue-ca "somebody else's CA"
leaf server 127.0.0.1 "IP:127.0.0.1" ca
leaf untrusted 127.0.0.1 "IP:127.0.0.1" rogue-ca
leaf other-name mail.example.org "DNS:mail.example.org" ca
)";
  const std::string script_path = (directory_ / "make.sh").string();
  {
    std::ofstream out(script_path);
    out << script;
  }
  const std::string command = "cd '" + directory_.string() + "' && sh make.sh > make.log 2>&1";
  if (std::system(command.c_str()) != 0) {
    throw std::runtime_error("openssl could not make the test certificates: " + read_text(directory_ / "make.log"));
  }
}

TestCertificates::~TestCertificates() {
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

SmtpSink::SmtpSink(SmtpSinkOptions options) : options_(std::move(options)), directory_(fresh_directory("smtp")) {
  launch(0);
}

std::string SmtpSink::url() const {
  const bool smtps = options_.tls == SmtpSinkOptions::Tls::smtps;
  std::string url = smtps ? "smtps://" : "smtp://";
  if (!options_.login.empty()) url += options_.login + "@";
  url += "127.0.0.1:" + std::to_string(port_);
  if (options_.tls == SmtpSinkOptions::Tls::starttls) url += "?starttls=required";
  return url;
}

SmtpSink::~SmtpSink() {
  process_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

void SmtpSink::launch(unsigned short port) {
  std::vector<std::string> command{checker_python(), EVENTD_SOURCE_DIR "/tests/tools/smtp_sink.py",
                                   std::to_string(port), directory_.string()};
  if (options_.tls != SmtpSinkOptions::Tls::none) {
    command.push_back(options_.tls == SmtpSinkOptions::Tls::starttls ? "--starttls" : "--tls");
    command.push_back(options_.files.cert);
    command.push_back(options_.files.key);
  }
  if (!options_.login.empty()) {
    command.push_back("--login");
    command.push_back(options_.login);
  }
  process_ = std::make_unique<Process>(command, std::map<std::string, std::string>{});
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
