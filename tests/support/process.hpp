#pragma once
// The eventd binary as a child process, for what only a process shows: signals, restarts.
#include <sys/types.h>
#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace eventd::test {

class Process {
 public:
  // Starts `argv` with the environment extended by `env`; stdout and stderr are captured.
  Process(std::vector<std::string> argv, std::map<std::string, std::string> env);
  ~Process();  // SIGKILL if still running
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Reads stderr until a line contains `text`; returns that line, or "" after the timeout.
  std::string wait_for_line(const std::string& text, std::chrono::milliseconds timeout);
  void signal(int sig);
  // Exit code once the process has ended, or -1 after the timeout.
  int wait(std::chrono::milliseconds timeout);
  const std::string& output() const { return output_; }

 private:
  void read_available(int timeout_ms);
  pid_t pid_ = -1;
  int stderr_fd_ = -1;
  std::string output_;
  std::size_t scanned_ = 0;
  bool exited_ = false;
  int exit_code_ = -1;
};

// Starts `eventd serve` on a free port over `database_url`; returns the port from its log.
struct ServeProcess {
  ServeProcess(const std::string& database_url, std::map<std::string, std::string> extra_env = {});
  Process process;
  unsigned short port = 0;
};

}  // namespace eventd::test
