#pragma once
// The `data` of a webhook message is the resource as its route returns it to its organiser:
// the services write the message in the change's transaction, and this gives them that form
// (services/webhook_service.hpp, WebhookRenderers).
#include <string>

namespace eventd::http {

// Once at start-up, before the server takes requests.
void install_webhook_payloads(const std::string& public_url, const std::string& frontend_url);

}  // namespace eventd::http
