#include "http/handlers/registrations.hpp"

#include "domain/error.hpp"
#include "domain/links.hpp"
#include "domain/registration.hpp"
#include "http/auth.hpp"
#include "http/backend.hpp"
#include "http/conditional.hpp"
#include "http/context.hpp"
#include "http/dto/media_request.hpp"
#include "http/dto/reader.hpp"
#include "http/dto/registration.hpp"
#include "http/handlers/feeds.hpp"
#include "http/json.hpp"
#include "http/mail_context.hpp"
#include "http/pagination.hpp"
#include "http/public_writes.hpp"
#include "services/delegation_service.hpp"
#include "services/media_request_service.hpp"
#include "services/person_service.hpp"
#include "services/personal_feed_service.hpp"
#include "services/registration_service.hpp"

namespace eventd::http::handlers {

namespace {

using domain::Error;
using domain::Problem;

constexpr std::string_view kManageTokenPrefix = "evm_";
constexpr std::size_t kMaxCsvRows = 100000;

// The waitlist position moves without the row changing, so it is part of the tag.
std::string registration_etag(const domain::Registration& r) {
  if (!r.waitlist_position) return etag_for(r.id, r.version);
  return etag_for(r.id, r.version, "w" + std::to_string(*r.waitlist_position));
}

dto::RegistrationLinks links_for(const RequestContext& context, const domain::Registration& r,
                                 const std::optional<std::string>& feed_token,
                                 const std::optional<std::string>& organisation_frontend_url = std::nullopt) {
  const std::string& base = context.backend.public_url;
  dto::RegistrationLinks links;
  links.self = base + "/v1/registrations/" + r.id;
  links.invite = links.self + "/invite.ics";
  links.page = domain::PageLinks(base, context.backend.frontend_url)
                   .for_organisation(organisation_frontend_url)
                   .registration(r.id);
  if (feed_token && !r.is_erased()) {
    auto feed = personal_feed_links(base, *feed_token);
    links.feed = std::move(feed.https);
    links.webcal = std::move(feed.webcal);
    links.plain_invite = base + "/v1/feeds/" + *feed_token + "/invite.ics";
  }
  return links;
}

Response registration_response(const RequestContext& context, int status, const services::RegistrationView& view,
                               const std::optional<std::string>& feed_token) {
  const domain::Registration& r = view.registration;
  Response response = json_response(
      status,
      dto::registration_json(r, links_for(context, r, feed_token, view.organisation_frontend_url), view.entitlement));
  response.headers.set("ETag", registration_etag(r));
  mark_personal(response);
  return response;
}

std::optional<std::string> feed_token_of(const services::RegistrationAccess& access, const domain::Registration& r,
                                         bool by_participant, bool by_resent_token = false) {
  if (by_resent_token) return std::nullopt;  // derived from the first token, not this one
  if (!by_participant || !access.manage_token) return std::nullopt;
  return services::feed_token_for(*access.manage_token, r.feed_generation);
}

bool wants_csv(const Request& request) {
  auto accept = request.headers.get("Accept");
  return accept && accept->find("text/csv") != std::string_view::npos;
}

}  // namespace

// A manage token (evm_...) is the participant, a person token (evu_...) a person who may be
// them; anything else must be an API key.
boost::asio::awaitable<services::RegistrationAccess> registration_access_of(RequestContext& context) {
  services::RegistrationAccess access;
  auto token = bearer_token(context.request);
  if (token && token->starts_with(kManageTokenPrefix)) {
    context.caller_note.credential = "manage_token";
    access.manage_token = *token;
  } else if (token && token->starts_with(services::kPersonTokenPrefix)) {
    context.caller_note.credential = "person_token";
    access.person_token = *token;
  } else if (token && token->starts_with(services::kLeaderTokenPrefix)) {
    context.caller_note.credential = "leader_token";
    access.leader_token = *token;
  } else {
    access.caller = co_await authenticate(context);
  }
  co_return access;
}

boost::asio::awaitable<Response> create_registration(RequestContext& context) {
  co_await check_public_write_rate(context);
  // Public, but a bad key is still a 401 (openapi: on any /v1 request).
  co_await authenticate(context);
  auto key = idempotency_key_of(context.request);
  auto draft = dto::read_registration(parse_json_body(context.request));
  std::optional<services::IdempotencyRequest> idempotency;
  if (key) {
    idempotency = services::IdempotencyRequest{"POST " + context.request.path, *key, context.request.body};
  }
  const RequestContext& ctx = context;
  auto render = [&ctx](const services::NewRegistrationResult& created) {
    nlohmann::json body = dto::registration_json(
        created.registration,
        links_for(ctx, created.registration, created.feed_token, created.organisation_frontend_url),
        created.entitlement);
    body["manage_token"] = created.manage_token;
    return services::StoredResponse{201, ctx.backend.public_url + "/v1/registrations/" + created.registration.id,
                                    body.dump(), registration_etag(created.registration)};
  };
  services::MailContext mail = mail_context_of(context.backend);  // named: see services/mail_outbox.hpp
  auto answer = co_await services::register_participant(context.backend.registrations, context.param("id"),
                                                        std::move(draft), std::move(idempotency), render, mail);
  co_return created_response(answer.response, answer.replayed);
}

namespace {

// The list of an event's registrations (`query` says whose), as JSON pages or one CSV file.
boost::asio::awaitable<Response> registration_list(RequestContext& context, const domain::Caller& caller,
                                                   services::RegistrationListQuery query) {
  const bool csv = wants_csv(context.request);
  if (auto status = context.query.get("status"); status && !status->empty()) {
    query.status = domain::parse_registration_status(*status);
    if (!query.status)
      throw Error(
          Problem::bad_request,
          domain::detail("query_one_of", {{"name", "status"}, {"allowed", "confirmed, waitlisted, cancelled"}}));
  }
  if (auto q = context.query.get("q"); q && !q->empty()) {
    if (q->size() > 300)
      throw Error(Problem::bad_request, domain::detail("query_too_long", {{"name", "q"}, {"max", "300"}}));
    query.q = *q;
  }
  char delimiter = ',';
  if (auto d = context.query.get("delimiter")) {
    if (*d == "semicolon") {
      delimiter = ';';
    } else if (*d != "comma") {
      throw Error(Problem::bad_request, domain::detail("query_delimiter"));
    }
  }
  // Passport details only in the CSV export, and only when asked for (openapi listRegistrations).
  if (auto include = context.query.get("include"); include && !include->empty()) {
    if (*include != "travel_documents" || !csv) {
      throw Error(Problem::bad_request, domain::detail("query_travel_documents_csv_only"));
    }
    query.travel_documents = true;
    query.data_key = context.backend.data_key;
  }
  // The format (CSV or JSON) is no filter: a cursor from the JSON list serves either.
  auto page = read_page(context, {"status", "q", "delegation"});
  query.after_seq = read_seq_cursor(page);
  // A spreadsheet wants the whole list at once.
  query.limit = csv ? kMaxCsvRows : page.limit;
  auto found = co_await services::list_registrations(context.backend.db, caller, context.param("id"), query);
  Response response;
  if (csv) {
    response.status = 200;
    response.body =
        dto::registrations_csv(found.items, delimiter, query.travel_documents ? &found.travel_documents : nullptr);
    response.headers.set("Content-Type", "text/csv; charset=utf-8; header=present");
    response.headers.set("Content-Disposition", "attachment; filename=\"registrations.csv\"");
  } else {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& r : found.items) items.push_back(dto::registration_json(r, links_for(context, r, std::nullopt)));
    std::optional<std::vector<std::string>> next;
    if (found.next_seq) next = {std::to_string(*found.next_seq)};
    response = paged_response(context, page, std::move(items), next);
  }
  response.headers.set("Vary", "Authorization, Accept");
  response.headers.set("Cache-Control", "no-store");
  co_return response;
}

}  // namespace

boost::asio::awaitable<Response> list_registrations(RequestContext& context) {
  auto caller = co_await authenticate(context);
  services::RegistrationListQuery query;
  if (auto delegation = context.query.get("delegation"); delegation && !delegation->empty()) {
    query.delegation_id = std::string(*delegation);
  }
  auto response = co_await registration_list(context, caller, std::move(query));
  co_return response;
}

boost::asio::awaitable<Response> list_delegation_registrations(RequestContext& context) {
  services::RegistrationListQuery query;
  query.delegation_id = context.param("delegation_id");
  domain::Caller caller = domain::Caller::anonymous();
  auto token = bearer_token(context.request);
  if (token && token->starts_with(services::kLeaderTokenPrefix)) {
    context.caller_note.credential = "leader_token";
    query.leader_token = *token;
  } else {
    caller = co_await authenticate(context);
  }
  auto response = co_await registration_list(context, caller, std::move(query));
  co_return response;
}

boost::asio::awaitable<Response> get_registration(RequestContext& context) {
  auto access = co_await registration_access_of(context);
  auto view = co_await services::get_registration(context.backend.db, context.param("id"), access);
  const std::string etag = registration_etag(view.registration);
  if (is_not_modified(context.request, etag, std::nullopt)) {
    Response response = not_modified(etag, std::nullopt);
    mark_personal(response);
    co_return response;
  }
  co_return registration_response(context, 200, view,
                                  feed_token_of(access, view.registration, view.by_participant, view.by_resent_token));
}

boost::asio::awaitable<Response> patch_registration(RequestContext& context) {
  auto access = co_await registration_access_of(context);
  auto patch = parse_json_body(context.request, /*merge_patch=*/true);
  dto::require_object(patch);
  const Request& request = context.request;
  auto change = [&patch, &request](const domain::Registration& current) {
    check_if_match(request, registration_etag(current));
    // A copy read while waitlisted, of a registration promoted since: its status is no change.
    if (auto sent = patch.find("status"); sent != patch.end() && sent->is_string()) {
      const auto was = domain::parse_registration_status(sent->get<std::string>());
      if (was && domain::moves_by_itself(*was, current.status)) patch.erase(sent);
    }
    // Links and the access block depend on who asks; they describe the record, never change it.
    auto read_only = dto::drop_read_only(patch, dto::registration_json(current, {}),
                                         {"id", "event_id", "delegation_id", "status", "erased", "consent_at",
                                          "cancelled_at", "erased_at", "created_at"},
                                         {"waitlist_position", "confirmed_at", "updated_at", "url", "invite_url",
                                          "feed_url", "webcal_url", "links", "access"});
    nlohmann::json document = dto::registration_request_json(current);
    document.merge_patch(patch);
    services::RegistrationDraft draft = dto::read_registration(document);
    draft.errors.insert(draft.errors.end(), read_only.begin(), read_only.end());
    return draft;
  };
  auto view = co_await services::patch_registration(context.backend.db, context.param("id"), access, change);
  co_return registration_response(context, 200, view,
                                  feed_token_of(access, view.registration, view.by_participant, view.by_resent_token));
}

boost::asio::awaitable<Response> delete_registration(RequestContext& context) {
  auto access = co_await registration_access_of(context);
  bool erase = false;
  if (auto value = context.query.get("erase")) {
    if (*value != "true" && *value != "false")
      throw Error(Problem::bad_request, domain::detail("query_boolean", {{"name", "erase"}}));
    erase = *value == "true";
  }
  const Request& request = context.request;
  services::MailContext mail = mail_context_of(context.backend);  // named: see services/mail_outbox.hpp
  co_await services::cancel_registration(
      context.backend.db, context.param("id"), access, erase,
      [&request](const domain::Registration& current) { check_if_match(request, registration_etag(current)); }, mail);
  Response response;
  response.status = 204;
  mark_personal(response);
  co_return response;
}

boost::asio::awaitable<Response> rotate_feed_link(RequestContext& context) {
  auto access = co_await registration_access_of(context);
  auto feed_token = co_await services::rotate_feed_token(context.backend.db, context.param("id"), access);
  auto view = co_await services::get_registration(context.backend.db, context.param("id"), access);
  co_return registration_response(context, 200, view, feed_token);
}

boost::asio::awaitable<Response> registration_invite(RequestContext& context) {
  auto access = co_await registration_access_of(context);
  auto location = location_of(context, false);
  auto feed = co_await services::registration_invitation(context.backend.db, context.param("id"), std::move(access),
                                                         std::move(location));
  co_return feed_response(context, feed);
}

boost::asio::awaitable<Response> export_personal_data(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  auto body = parse_json_body(context.request);
  dto::require_object(body);
  domain::Validator errors;
  dto::ObjectReader reader(body, errors);
  reader.required("email");
  auto email = reader.string("email");
  reader.reject_unknown();
  if (email) errors.email("email", *email);
  errors.throw_if_any();
  auto records = co_await services::personal_data(context.backend.db, caller, *email);
  nlohmann::json registrations = nlohmann::json::array();
  for (const auto& record : records) {
    nlohmann::json item = dto::registration_json(record.registration, {});
    item["event"] = {{"id", record.registration.event_id}, {"slug", record.event_slug}, {"title", record.event_title}};
    registrations.push_back(std::move(item));
  }
  // Journalists' media requests hold personal data too.
  auto media = co_await services::media_personal_data(context.backend.db, caller, *email);
  nlohmann::json media_requests = nlohmann::json::array();
  for (const auto& record : media) {
    nlohmann::json item = dto::media_request_json(record.request, {});
    item["event"] = {{"id", record.request.event_id}, {"slug", record.event_slug}, {"title", record.event_title}};
    media_requests.push_back(std::move(item));
  }
  Response response = json_response(
      200,
      {{"email", *email}, {"registrations", std::move(registrations)}, {"media_requests", std::move(media_requests)}});
  mark_personal(response);
  co_return response;
}

}  // namespace eventd::http::handlers
