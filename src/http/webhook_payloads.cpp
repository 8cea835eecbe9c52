#include "http/webhook_payloads.hpp"

#include "domain/links.hpp"
#include "http/dto/delegation.hpp"
#include "http/dto/event.hpp"
#include "http/dto/media_request.hpp"
#include "http/dto/registration.hpp"
#include "http/dto/session.hpp"
#include "http/dto/task.hpp"
#include "services/webhook_service.hpp"

namespace eventd::http {

void install_webhook_payloads(const std::string& public_url, const std::string& frontend_url) {
  services::WebhookRenderers renderers;
  // As GET /v1/events/{id} answers the event's organiser (the stream link included).
  renderers.event = [public_url, frontend_url](const domain::Event& e) {
    return dto::event_json(e, true, true, public_url, frontend_url).dump();
  };
  // As GET /v1/events/{id}/registrations lists it: no feed link, no access block.
  renderers.registration = [public_url, frontend_url](const domain::Registration& r) {
    dto::RegistrationLinks links;
    links.self = public_url + "/v1/registrations/" + r.id;
    links.invite = links.self + "/invite.ics";
    links.page = domain::PageLinks(public_url, frontend_url).registration(r.id);
    return dto::registration_json(r, links).dump();
  };
  renderers.session = [](const domain::Session& s, const std::string& timezone) {
    return dto::session_json(s, timezone).dump();
  };
  // As the organiser's list of media requests shows it.
  renderers.media_request = [public_url](const domain::MediaRequest& r) {
    dto::MediaRequestExtras extras;
    extras.self = public_url + "/v1/media-requests/" + r.id;
    return dto::media_request_json(r, extras).dump();
  };
  renderers.delegation = [](const domain::Delegation& d) { return dto::delegation_json(d).dump(); };
  renderers.task = [](const domain::Task& t, const std::string& timezone) {
    return dto::task_json(t, timezone).dump();
  };
  services::install_webhook_renderers(std::move(renderers));
}

}  // namespace eventd::http
