#include "support/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace eventd::test {

Process::Process(std::vector<std::string> argv, std::map<std::string, std::string> env) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::dup2(pipe_fds[1], STDERR_FILENO);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    for (const auto& [key, value] : env) ::setenv(key.c_str(), value.c_str(), 1);
    std::vector<char*> args;
    for (auto& arg : argv) args.push_back(arg.data());
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    std::fprintf(stderr, "exec %s failed: %s\n", args[0], std::strerror(errno));
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  stderr_fd_ = pipe_fds[0];
  ::fcntl(stderr_fd_, F_SETFL, O_NONBLOCK);
}

Process::~Process() {
  if (!exited_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  if (stderr_fd_ >= 0) ::close(stderr_fd_);
}

void Process::read_available(int timeout_ms) {
  pollfd fd{stderr_fd_, POLLIN, 0};
  if (::poll(&fd, 1, timeout_ms) <= 0) return;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(stderr_fd_, buffer, sizeof buffer)) > 0) output_.append(buffer, static_cast<std::size_t>(n));
}

std::string Process::wait_for_line(const std::string& text, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto found = output_.find(text, scanned_);
    if (found != std::string::npos) {
      auto start = output_.rfind('\n', found);
      start = start == std::string::npos ? 0 : start + 1;
      auto end = output_.find('\n', found);
      if (end != std::string::npos) {
        scanned_ = end;
        return output_.substr(start, end - start);
      }
    }
    if (std::chrono::steady_clock::now() >= deadline) return "";
    read_available(50);
  }
}

void Process::signal(int sig) {
  if (!exited_) ::kill(pid_, sig);
}

int Process::wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!exited_) {
    int status = 0;
    pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      exited_ = true;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    read_available(20);
  }
  read_available(0);
  return exit_code_;
}

ServeProcess::ServeProcess(const std::string& database_url, std::map<std::string, std::string> extra_env)
    : process({EVENTD_BINARY, "serve"}, [&] {
        std::map<std::string, std::string> env = {{"EVENTD_DATABASE_URL", database_url},
                                                  {"EVENTD_LISTEN", "127.0.0.1:0"},
                                                  {"EVENTD_THREADS", "2"},
                                                  {"EVENTD_DB_POOL", "2"}};
        for (auto& [key, value] : extra_env) env[key] = value;
        return env;
      }()) {
  std::string line = process.wait_for_line("listening", std::chrono::seconds(30));
  // text: address=127.0.0.1:PORT; json: "address":"127.0.0.1:PORT"
  auto at = line.find("address");
  at = at == std::string::npos ? at : line.find("127.0.0.1:", at);
  if (at == std::string::npos) {
    throw std::runtime_error("eventd did not start; its output:\n" + process.output());
  }
  port = static_cast<unsigned short>(std::stoi(line.substr(at + std::strlen("127.0.0.1:"))));
}

}  // namespace eventd::test
