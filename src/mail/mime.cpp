#include "mail/mime.hpp"

#include <ctime>

namespace eventd::mail {

namespace {

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    unsigned n = (static_cast<unsigned char>(data[i]) << 16) | (static_cast<unsigned char>(data[i + 1]) << 8) |
                 static_cast<unsigned char>(data[i + 2]);
    out += kBase64[(n >> 18) & 63];
    out += kBase64[(n >> 12) & 63];
    out += kBase64[(n >> 6) & 63];
    out += kBase64[n & 63];
  }
  if (i < data.size()) {
    unsigned n = static_cast<unsigned char>(data[i]) << 16;
    if (i + 1 < data.size()) n |= static_cast<unsigned char>(data[i + 1]) << 8;
    out += kBase64[(n >> 18) & 63];
    out += kBase64[(n >> 12) & 63];
    out += i + 1 < data.size() ? kBase64[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

bool is_plain_ascii(std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x7f || u < 0x20) return false;
  }
  return true;
}

// Length of the UTF-8 sequence starting with this byte (1 for anything unexpected).
std::size_t utf8_length(unsigned char lead) {
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  if (lead >= 0xc0) return 2;
  return 1;
}

std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string part_headers(std::string_view content_type, std::string_view disposition) {
  std::string out = "Content-Type: " + std::string(content_type) + "\r\nContent-Transfer-Encoding: base64\r\n";
  if (!disposition.empty()) out += "Content-Disposition: " + std::string(disposition) + "\r\n";
  return out + "\r\n";
}

}  // namespace

std::string base64_lines(std::string_view data) {
  const std::string encoded = base64(data);
  std::string out;
  for (std::size_t i = 0; i < encoded.size(); i += 76) out += encoded.substr(i, 76) + "\r\n";
  return out;
}

std::string encode_words(std::string_view text) {
  if (is_plain_ascii(text)) return std::string(text);
  // "=?UTF-8?B?" + 4/3 of the bytes + "?=" <= 75: at most 45 bytes of text per word.
  constexpr std::size_t kMaxBytes = 45;
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = pos;
    while (end < text.size()) {
      const std::size_t n = utf8_length(static_cast<unsigned char>(text[end]));
      if (end + n - pos > kMaxBytes) break;
      end += n;
    }
    if (end == pos) end = std::min(text.size(), pos + 1);
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(text.substr(pos, end - pos)) + "?=";
    pos = end;
  }
  return out;
}

std::string format_mailbox(const Mailbox& mailbox) {
  if (mailbox.name.empty()) return "<" + mailbox.email + ">";
  const std::string name = is_plain_ascii(mailbox.name) ? quoted(mailbox.name) : encode_words(mailbox.name);
  return name + " <" + mailbox.email + ">";
}

std::string header_line(std::string_view name, std::string_view value) {
  return std::string(name) + ": " + std::string(value) + "\r\n";
}

std::optional<Mailbox> parse_mailbox(std::string_view text) {
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '"')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '"')) s.remove_suffix(1);
    return std::string(s);
  };
  Mailbox out;
  const auto open = text.find('<');
  if (open != std::string_view::npos) {
    const auto close = text.find('>', open);
    if (close == std::string_view::npos) return std::nullopt;
    out.name = trim(text.substr(0, open));
    out.email = trim(text.substr(open + 1, close - open - 1));
  } else {
    out.email = trim(text);
  }
  const auto at = out.email.find('@');
  if (at == std::string::npos || at == 0 || at + 1 == out.email.size()) return std::nullopt;
  for (char c : out.email) {
    if (c == ' ' || c == '\r' || c == '\n' || c == '<' || c == '>') return std::nullopt;
  }
  return out;
}

std::string rfc5322_date(long long unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
                months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buffer;
}

std::string compose(const Message& m) {
  const std::string mixed = "=_mixed_" + m.boundary_seed;
  const std::string alternative = "=_alt_" + m.boundary_seed;
  std::string out;
  out += header_line("To", format_mailbox(m.to));
  out += header_line("Subject", encode_words(m.subject));
  out += header_line("Date", m.date);
  out += header_line("Message-ID", "<" + m.message_id + ">");
  out += header_line("MIME-Version", "1.0");
  // RFC 3834: no vacation replies to messages nobody typed.
  out += header_line("Auto-Submitted", "auto-generated");

  std::string body;
  body += "--" + alternative + "\r\n" + part_headers("text/plain; charset=UTF-8", "") + base64_lines(m.text);
  body += "--" + alternative + "\r\n" + part_headers("text/html; charset=UTF-8", "") + base64_lines(m.html);
  body += "--" + alternative + "--\r\n";
  if (!m.attachment) {
    out += header_line("Content-Type", "multipart/alternative; boundary=\"" + alternative + "\"");
    return out + "\r\n" + body;
  }
  out += header_line("Content-Type", "multipart/mixed; boundary=\"" + mixed + "\"");
  out += "\r\n--" + mixed + "\r\n";
  out += "Content-Type: multipart/alternative; boundary=\"" + alternative + "\"\r\n\r\n" + body;
  out += "--" + mixed + "\r\n";
  out += part_headers(m.attachment->content_type, "attachment; filename=\"" + m.attachment->filename + "\"");
  out += base64_lines(m.attachment->content);
  out += "--" + mixed + "--\r\n";
  return out;
}

}  // namespace eventd::mail
