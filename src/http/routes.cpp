#include "http/routes.hpp"

#include "http/handlers/api_keys.hpp"
#include "http/handlers/delegations.hpp"
#include "http/handlers/events.hpp"
#include "http/handlers/feeds.hpp"
#include "http/handlers/me.hpp"
#include "http/handlers/media_requests.hpp"
#include "http/handlers/messages.hpp"
#include "http/handlers/operations.hpp"
#include "http/handlers/organisations.hpp"
#include "http/handlers/pages.hpp"
#include "http/handlers/partner_invitations.hpp"
#include "http/handlers/registrations.hpp"
#include "http/handlers/rooms.hpp"
#include "http/handlers/sessions.hpp"
#include "http/handlers/speakers.hpp"
#include "http/handlers/tasks.hpp"
#include "http/handlers/travel_documents.hpp"
#include "http/handlers/webhooks.hpp"

namespace eventd::http {

Router make_router() {
  using enum Method;
  namespace h = handlers;
  Router router;
  // Operations
  router.add(get, "/healthz", h::healthz);
  router.add(get, "/readyz", h::readyz);
  router.add(get, "/metrics", h::metrics);
  router.add(get, "/openapi.yaml", h::openapi);
  router.add(get, "/docs", h::docs);
  router.add(get, "/docs/redoc.standalone.js", h::docs_script);

  // API keys (admin; /current: any key)
  router.add(post, "/v1/api-keys", h::create_api_key);
  router.add(get, "/v1/api-keys", h::list_api_keys);
  router.add(get, "/v1/api-keys/current", h::current_api_key);
  router.add(delete_, "/v1/api-keys/{id}", h::revoke_api_key);

  // Organisations
  router.add(post, "/v1/organisations", h::create_organisation);
  router.add(get, "/v1/organisations", h::list_organisations);
  router.add(get, "/v1/organisations/{id}", h::get_organisation);
  router.add(patch, "/v1/organisations/{id}", h::patch_organisation);
  router.add(delete_, "/v1/organisations/{id}", h::delete_organisation);

  // Events
  router.add(post, "/v1/events", h::create_event);
  router.add(post, "/v1/events/import", h::import_events);
  router.add(get, "/v1/events", h::list_events);
  router.add(get, "/v1/events/{id}", h::get_event);
  router.add(patch, "/v1/events/{id}", h::patch_event);
  router.add(delete_, "/v1/events/{id}", h::delete_event);

  // Partner invitations (the invited organisation answers)
  router.add(patch, "/v1/events/{id}/partners/{organisation_id}", h::answer_partner_invitation);
  router.add(get, "/v1/organisations/{id}/partner-invitations", h::list_partner_invitations);

  // Sessions (programme items)
  router.add(post, "/v1/events/{id}/sessions", h::create_session);
  router.add(get, "/v1/events/{id}/sessions", h::list_sessions);
  router.add(get, "/v1/events/{id}/sessions/{session_id}", h::get_session);
  router.add(patch, "/v1/events/{id}/sessions/{session_id}", h::patch_session);
  router.add(delete_, "/v1/events/{id}/sessions/{session_id}", h::delete_session);

  // Delegations of a study trip (the organiser; a delegation's leader with its token reads)
  router.add(post, "/v1/events/{id}/delegations", h::create_delegation);
  router.add(get, "/v1/events/{id}/delegations", h::list_delegations);
  router.add(get, "/v1/events/{id}/delegations/{delegation_id}", h::get_delegation);
  router.add(patch, "/v1/events/{id}/delegations/{delegation_id}", h::patch_delegation);
  router.add(delete_, "/v1/events/{id}/delegations/{delegation_id}", h::delete_delegation);
  router.add(post, "/v1/events/{id}/delegations/{delegation_id}/leader-token", h::issue_leader_token);
  router.add(get, "/v1/events/{id}/delegations/{delegation_id}/registrations", h::list_delegation_registrations);

  // Tasks of a study trip (the organiser; each participant's own progress on their registration)
  router.add(post, "/v1/events/{id}/tasks", h::create_task);
  router.add(get, "/v1/events/{id}/tasks", h::list_tasks);
  router.add(get, "/v1/events/{id}/tasks/{task_id}", h::get_task);
  router.add(patch, "/v1/events/{id}/tasks/{task_id}", h::patch_task);
  router.add(delete_, "/v1/events/{id}/tasks/{task_id}", h::delete_task);
  router.add(get, "/v1/events/{id}/tasks/{task_id}/progress", h::task_progress);
  router.add(get, "/v1/registrations/{id}/tasks", h::list_registration_tasks);
  router.add(put, "/v1/registrations/{id}/tasks/{task_id}", h::set_registration_task);
  router.add(put, "/v1/registrations/{id}/travel-document", h::put_travel_document);
  router.add(get, "/v1/registrations/{id}/travel-document", h::get_travel_document);
  router.add(delete_, "/v1/registrations/{id}/travel-document", h::delete_travel_document);

  // Rooms of a study trip and the hotel's rooming list (the organiser only)
  router.add(post, "/v1/events/{id}/rooms", h::create_room);
  router.add(get, "/v1/events/{id}/rooms", h::list_rooms);
  router.add(get, "/v1/events/{id}/rooms/{room_id}", h::get_room);
  router.add(patch, "/v1/events/{id}/rooms/{room_id}", h::patch_room);
  router.add(delete_, "/v1/events/{id}/rooms/{room_id}", h::delete_room);
  router.add(post, "/v1/events/{id}/rooms/{room_id}/assignments", h::create_room_assignment);
  router.add(delete_, "/v1/events/{id}/rooms/{room_id}/assignments/{assignment_id}", h::delete_room_assignment);
  router.add(get, "/v1/events/{id}/rooming-list", h::get_rooming_list);

  // Speakers
  router.add(post, "/v1/speakers", h::create_speaker);
  router.add(get, "/v1/speakers", h::list_speakers);
  router.add(get, "/v1/speakers/{id}", h::get_speaker);
  router.add(patch, "/v1/speakers/{id}", h::patch_speaker);
  router.add(delete_, "/v1/speakers/{id}", h::delete_speaker);
  router.add(get, "/v1/events/{id}/speakers", h::list_event_speakers);

  // Registrations (public POST; the participant with its manage token, or the organiser)
  router.add(post, "/v1/events/{id}/registrations", h::create_registration);
  router.add(get, "/v1/events/{id}/registrations", h::list_registrations);
  router.add(get, "/v1/events/{id}/messages", h::list_event_messages);
  router.add(get, "/v1/registrations/{id}", h::get_registration);
  router.add(patch, "/v1/registrations/{id}", h::patch_registration);
  router.add(delete_, "/v1/registrations/{id}", h::delete_registration);
  router.add(post, "/v1/registrations/{id}/feed-token", h::rotate_feed_link);
  router.add(get, "/v1/registrations/{id}/invite.ics", h::registration_invite);
  router.add(post, "/v1/personal-data/export", h::export_personal_data);

  // One person across events (docs/PARTICIPANTS.md)
  router.add(post, "/v1/me/sign-in", h::request_sign_in);
  router.add(post, "/v1/me/session", h::open_person_session);
  router.add(delete_, "/v1/me/session", h::close_person_session);
  router.add(get, "/v1/me", h::get_me);
  router.add(delete_, "/v1/me", h::erase_me);
  router.add(post, "/v1/me/feed-token", h::renew_person_feed);
  router.add(post, "/v1/me/export", h::export_me);

  // Media-access requests (public POST; the requester with its status token, or the organiser)
  router.add(post, "/v1/events/{id}/media-requests", h::create_media_request);
  router.add(get, "/v1/events/{id}/media-requests", h::list_event_media_requests);
  router.add(get, "/v1/media-requests", h::list_media_requests);
  router.add(get, "/v1/media-requests/{id}", h::get_media_request);
  router.add(patch, "/v1/media-requests/{id}", h::decide_media_request);
  router.add(delete_, "/v1/media-requests/{id}", h::withdraw_media_request);
  router.add(get, "/v1/media-requests/{id}/history", h::media_request_history);
  router.add(post, "/v1/media-requests/{id}/feed-token", h::rotate_media_feed_link);

  // Webhooks (an organisation's organiser, or admin; docs/WEBHOOKS.md)
  router.add(post, "/v1/webhooks", h::create_webhook);
  router.add(get, "/v1/webhooks", h::list_webhooks);
  router.add(get, "/v1/webhooks/{id}", h::get_webhook);
  router.add(patch, "/v1/webhooks/{id}", h::patch_webhook);
  router.add(delete_, "/v1/webhooks/{id}", h::delete_webhook);
  router.add(post, "/v1/webhooks/{id}/secret", h::rotate_webhook_secret);
  router.add(get, "/v1/webhooks/{id}/deliveries", h::list_webhook_deliveries);
  router.add(get, "/v1/webhooks/{id}/deliveries/{delivery_id}", h::get_webhook_delivery);
  router.add(post, "/v1/webhooks/{id}/deliveries/{delivery_id}/replay", h::replay_webhook_delivery);
  router.add(post, "/v1/webhooks/{id}/replay", h::replay_webhooks);
  router.add(get, "/v1/webhook-event-types", h::list_webhook_event_types);

  // Calendar feeds (text/calendar; HEAD is answered by the GET route)
  router.add(get, "/v1/calendar.ics", h::public_calendar);
  router.add(get, "/v1/events/{id}/calendar.ics", h::event_calendar);
  router.add(get, "/v1/organisations/{id}/calendar.ics", h::organisation_calendar);
  router.add(get, "/v1/speakers/{id}/calendar.ics", h::speaker_calendar);
  router.add(get, "/v1/feeds/{token}/calendar.ics", h::personal_calendar);
  router.add(get, "/v1/feeds/{token}/invite.ics", h::personal_invitation);

  // eventd's own pages for participants (HTML; docs/PARTICIPANTS.md)
  router.add(get, "/pages.css", h::page_stylesheet);
  router.add(get, "/problems/{kind}", h::problem_page);
  router.add(get, "/events/{slug}", h::event_page);
  router.add(post, "/events/{slug}/register", h::register_by_form);
  router.add(get, "/registrations/{id}", h::registration_page);
  router.add(post, "/registrations/{id}", h::registration_page_action);
  router.add(get, "/registrations/{id}/invite.ics", h::registration_page_invite);
  router.add(get, "/media-requests/{id}", h::media_request_page);
  router.add(post, "/media-requests/{id}", h::media_request_page_action);
  router.add(get, "/me", h::person_page);
  router.add(post, "/me", h::person_page_action);
  router.add(get, "/me/sign-in", h::sign_in_page);
  router.add(post, "/me/sign-in", h::sign_in_by_form);
  return router;
}

}  // namespace eventd::http
