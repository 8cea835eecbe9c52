#pragma once
// What a message written by a request links to and is sent as: one place for every handler.
#include "http/backend.hpp"
#include "services/mail_outbox.hpp"

namespace eventd::http {

inline services::MailContext mail_context_of(const Backend& backend) {
  services::MailContext mail;
  mail.public_url = backend.public_url;
  mail.sender_email = backend.mail_from_address;
  mail.change_notice_delay = backend.change_notice_delay;
  mail.frontend_url = backend.frontend_url;
  return mail;
}

}  // namespace eventd::http
