#pragma once
// RFC 5322 / MIME messages: UTF-8 everywhere, non-ASCII header text as RFC 2047 encoded
// words, bodies in base64, CRLF line ends.
//   multipart/mixed
//     multipart/alternative: text/plain, text/html
//     text/calendar; method=...   (the iTIP invitation, when there is one)
#include <optional>
#include <string>
#include <string_view>

namespace eventd::mail {

struct Mailbox {
  std::string name;   // may be empty
  std::string email;  // addr-spec
};

struct Attachment {
  std::string content_type;  // e.g. text/calendar; charset=UTF-8; method=REQUEST
  std::string filename;      // e.g. invite.ics
  std::string content;
};

struct Message {
  Mailbox to;
  std::string subject;
  std::string text;
  std::string html;
  std::optional<Attachment> attachment;
  std::string message_id;     // without <>, e.g. <uuid>@<host>
  std::string date;           // RFC 5322 date-time
  std::string boundary_seed;  // makes the MIME boundaries unique to this message
};

// The message without a From header (the sender adds it: the sender address is the
// deployment's, not the change's). Lines end in CRLF.
std::string compose(const Message& message);

// "From: " + the mailbox, folded and encoded; for the sender.
std::string header_line(std::string_view name, std::string_view value);
std::string format_mailbox(const Mailbox& mailbox);

// "Name <a@b>" or "a@b" -> Mailbox; nullopt when there is no plausible address.
std::optional<Mailbox> parse_mailbox(std::string_view text);

// RFC 2047 encoded words (B encoding) when the text is not plain ASCII; the text unchanged
// otherwise. Words are at most 75 characters and split between UTF-8 characters.
std::string encode_words(std::string_view text);

std::string base64_lines(std::string_view data);  // 76 characters per line, CRLF
std::string rfc5322_date(long long unix_seconds);

}  // namespace eventd::mail
