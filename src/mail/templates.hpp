#pragma once
// The messages' texts, from templates/mail/<lang>/<kind>.txt and .html compiled into the
// binary. The .txt template starts with "Subject: ..." and a blank line.
#include <string>
#include <string_view>
#include <vector>

#include "mail/template.hpp"

namespace eventd::mail {

struct RenderedText {
  std::string language;  // the one used: the event's, or "en" when there are no templates for it
  std::string subject;
  std::string text;  // CRLF line ends
  std::string html;  // CRLF line ends
};

// The primary subtag of `language` ("sv-SE" -> "sv") when templates exist for it, else "en".
std::string template_language(std::string_view language);

// Throws TemplateError for an unknown kind or a template that names an unknown value.
RenderedText render_mail(std::string_view kind, std::string_view language, const Values& values);

// The template files' names ("sv/registration_confirmed.txt", ...), for tests.
std::vector<std::string> template_names();

}  // namespace eventd::mail
