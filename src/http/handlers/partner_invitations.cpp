#include "http/handlers/partner_invitations.hpp"

#include <charconv>

#include "db/support.hpp"
#include "domain/error.hpp"
#include "http/auth.hpp"
#include "http/backend.hpp"
#include "http/conditional.hpp"
#include "http/context.hpp"
#include "http/dto/partner_invitation.hpp"
#include "http/dto/reader.hpp"
#include "http/json.hpp"
#include "http/pagination.hpp"
#include "services/partner_invitation_service.hpp"

namespace eventd::http::handlers {

namespace {

// The cursor is the last row's (invited_at in microseconds, event id).
std::optional<db::PartnerInvitationCursor> read_cursor(const Page& page) {
  if (!page.after) return std::nullopt;
  const auto& key = *page.after;
  db::PartnerInvitationCursor cursor;
  const bool ok = key.size() == 2 && db::is_uuid(key[1]) &&
                  std::from_chars(key[0].data(), key[0].data() + key[0].size(), cursor.invited_at_us).ec == std::errc{};
  if (!ok) throw domain::Error(domain::Problem::invalid_cursor);
  cursor.event_id = key[1];
  return cursor;
}

// An invitation has no version of its own (event_partners has none): its state is the answer
// and when it was given, so the moment of the last answer serves as one (without an answer:
// 0 pending, 1 a partner named before invitations existed, shown as accepted). Named by its
// event: the tag is only ever compared for the same invitation's URL.
std::string invitation_etag(const domain::PartnerInvitation& invitation) {
  if (invitation.decided_at) return etag_for(invitation.event_id, db::to_us(*invitation.decided_at));
  return etag_for(invitation.event_id, invitation.status == domain::PartnerStatus::pending ? 0 : 1);
}

}  // namespace

boost::asio::awaitable<Response> list_partner_invitations(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  auto page = read_page(context, {"status"});
  db::PartnerInvitationFilter filter;
  if (auto status = context.query.get("status"); status && !status->empty()) {
    filter.status = domain::parse_partner_status(*status);
    if (!filter.status) {
      throw domain::Error(
          domain::Problem::bad_request,
          domain::detail("query_one_of", {{"name", "status"}, {"allowed", "pending, accepted, declined"}}));
    }
  }
  filter.after = read_cursor(page);
  filter.limit = page.limit;
  const std::string organisation = context.param("id");
  auto found = co_await services::list_partner_invitations(context.backend.db, caller, organisation, filter);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& invitation : found.items) items.push_back(dto::partner_invitation_json(invitation));
  std::optional<std::vector<std::string>> next;
  if (found.has_more) {
    const auto& last = found.items.back();
    next = {std::to_string(db::to_us(last.invited_at)), last.event_id};
  }
  co_return paged_response(context, page, std::move(items), next);
}

boost::asio::awaitable<Response> answer_partner_invitation(RequestContext& context) {
  auto caller = co_await authenticate(context);
  require_authenticated(caller);
  const auto answer = dto::read_partner_answer(parse_json_body(context.request, /*merge_patch=*/true));
  const std::string event = context.param("id");
  const std::string organisation = context.param("organisation_id");
  const Request& request = context.request;
  services::PartnerInvitationPrecondition precondition = [&request](const domain::PartnerInvitation& current) {
    check_if_match(request, invitation_etag(current));
  };
  auto stored = co_await services::answer_partner_invitation(context.backend.db, caller, event, organisation, answer,
                                                             precondition);
  Response response = json_response(200, dto::partner_invitation_json(stored));
  response.headers.set("ETag", invitation_etag(stored));
  co_return response;
}

}  // namespace eventd::http::handlers
