#include "ics/lint.hpp"

#include "ics/text.hpp"

namespace eventd::ics {

namespace {

std::string at(std::size_t line) { return "line " + std::to_string(line) + ": "; }

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != prefix[i]) return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> lint_ics(std::string_view text) {
  std::vector<std::string> problems;
  constexpr std::size_t kMaxProblems = 100;
  auto report = [&](std::string p) {
    if (problems.size() < kMaxProblems) problems.push_back(std::move(p));
  };
  if (text.empty()) {
    report("empty calendar");
    return problems;
  }

  // Physical lines, checked byte by byte.
  std::vector<std::string> logical;  // unfolded content lines
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    ++line_no;
    const std::size_t lf = text.find('\n', pos);
    std::string_view line;
    if (lf == std::string_view::npos) {
      line = text.substr(pos);
      report(at(line_no) + "does not end in CRLF");
      pos = text.size();
    } else {
      line = text.substr(pos, lf - pos);
      pos = lf + 1;
      if (line.empty() || line.back() != '\r') {
        report(at(line_no) + "bare LF (line ends without CR)");
      } else {
        line.remove_suffix(1);
      }
    }
    if (line.find('\r') != std::string_view::npos) report(at(line_no) + "bare CR inside the line");
    if (line.size() > kMaxLineOctets) {
      report(at(line_no) + std::to_string(line.size()) + " octets (max " + std::to_string(kMaxLineOctets) + ")");
    }
    if (!is_valid_utf8(line)) report(at(line_no) + "invalid UTF-8 (or a sequence split by folding)");
    for (char c : line) {
      const auto u = static_cast<unsigned char>(c);
      if ((u < 0x20 && c != '\t' && c != '\r') || u == 0x7F) {
        report(at(line_no) + "control character 0x" + std::to_string(u));
        break;
      }
    }
    if (line.empty()) {
      report(at(line_no) + "empty line");
      continue;
    }
    if (line.front() == ' ' || line.front() == '\t') {
      if (line.size() == 1) report(at(line_no) + "empty continuation line");
      if (logical.empty()) {
        report(at(line_no) + "continuation line without a line to continue");
      } else {
        logical.back().append(line.substr(1));
      }
    } else {
      logical.emplace_back(line);
    }
  }

  // Structure: BEGIN/END nesting, over the unfolded lines.
  std::vector<std::string> stack;
  for (std::size_t i = 0; i < logical.size(); ++i) {
    const std::string& l = logical[i];
    if (starts_with_ci(l, "BEGIN:")) {
      stack.push_back(l.substr(6));
    } else if (starts_with_ci(l, "END:")) {
      const std::string name = l.substr(4);
      if (stack.empty()) {
        report("END:" + name + " without BEGIN");
      } else if (stack.back() != name) {
        report("END:" + name + " closes BEGIN:" + stack.back());
        stack.pop_back();
      } else {
        stack.pop_back();
      }
    } else if (l.find(':') == std::string::npos) {
      report("content line without ':' (" + l.substr(0, 40) + ")");
    }
    if (i == 0 && l != "BEGIN:VCALENDAR") report("does not start with BEGIN:VCALENDAR");
  }
  for (const auto& open : stack) report("BEGIN:" + open + " without END");
  if (!logical.empty() && logical.back() != "END:VCALENDAR") report("does not end with END:VCALENDAR");
  return problems;
}

}  // namespace eventd::ics
