#pragma once
// Use cases of media-access requests (api.md, "Media-access requests"): a journalist asks,
// the event's media policy or its organiser decides, and only an approved requester is shown
// the stream link and a personal feed that carries it. Every status change is recorded with
// who made it (schema/005_media_requests.sql).
#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/media_request_repository.hpp"
#include "domain/api_key.hpp"
#include "domain/event.hpp"
#include "domain/media_request.hpp"
#include "services/idempotency.hpp"
#include "services/mail_outbox.hpp"
#include "services/token_access.hpp"

namespace soci {
class session;
}

namespace eventd::services {

class Database;

// What the client sent, read and type-checked (http/dto).
struct MediaRequestDraft {
  domain::MediaRequester requester;
  std::vector<domain::FieldError> errors;  // found while reading, reported with the service's own
};

// What the requester of an approved request is given. Read from the event at each request,
// so a changed stream link reaches them, and a revoked approval takes it away at once.
struct MediaAccess {
  std::optional<std::string> stream_url;  // the event's; null while it has none
  std::string feed_token;                 // evp_..., for /v1/feeds/{token}/calendar.ics (empty: not known)
};

// What one caller sees of a request.
struct MediaRequestView {
  domain::MediaRequest request;
  domain::Event event;                                     // its title, slug and contacts are shown to the requester
  bool by_requester = false;                               // asked with the request's own status token
  std::optional<MediaAccess> access;                       // only for the requester, only while approved
  std::optional<std::string> organisation_frontend_url{};  // where its page links lead
};

// A new request with its status token in clear, shown this once.
struct NewMediaRequestResult {
  MediaRequestView view;
  std::string status_token;
};

// Renders the 202 answer of a new request (in the transaction, so a retry gets the same).
using RenderMediaRequest = std::function<StoredResponse(const NewMediaRequestResult&)>;

struct MediaRequestAnswer {
  StoredResponse response;
  bool replayed = false;
};

// Asks for media access to a published event. 404 unknown/invisible event; 409 when the
// media policy is closed, the event is not published or over, or the address has an open
// request already; 422 invalid fields. The `open` policy approves at once (recorded as the
// policy's decision). With `idempotency`: a retry with the same key and body gets the first
// answer (`replayed`). E-mail (services/mail_outbox.hpp) in the same transaction: the news to
// the event's press contact, or the open policy's approval to the journalist.
boost::asio::awaitable<MediaRequestAnswer> request_media_access(Database& db, std::string event_ref,
                                                                MediaRequestDraft draft,
                                                                std::optional<IdempotencyRequest> idempotency,
                                                                RenderMediaRequest render, MailContext mail);

// The requester (token: the status token) or an organiser/admin (caller).
using MediaRequestAccess = TokenOrKey;

// 401 without credentials or with a token that is no request's; 403 for another request's
// token or an organiser of another organisation; 404 for no such request.
boost::asio::awaitable<MediaRequestView> get_media_request(Database& db, std::string id, MediaRequestAccess access);

// A new personal feed link for the requester (their status token only: 403 for an organiser,
// 409 once erased). The old link, and the one the approval e-mail carried, stop working.
boost::asio::awaitable<MediaRequestView> rotate_media_feed_token(Database& db, std::string id,
                                                                 MediaRequestAccess access);

struct MediaDecisionInput {
  domain::MediaRequestStatus to = domain::MediaRequestStatus::approved;
  std::optional<std::string> note;  // to the requester
  // What reading found (http/dto): reported with the service's findings in one 422, after
  // the checks of who may decide (401/403/404); a status named here is not acted on.
  std::vector<domain::FieldError> errors;
};
using MediaRequestPrecondition = std::function<void(const domain::MediaRequest& current)>;

// Approve, reject or revoke (an organiser or admin), or withdraw (the requester): 403 when the
// actor may never make this change (a requester approving), 409 when the request's status
// does not allow it. The change and its history row are written together, and with them the
// journalist's e-mail of an approval (stream and feed links) or a rejection (the note).
boost::asio::awaitable<MediaRequestView> decide_media_request(Database& db, std::string id, MediaRequestAccess access,
                                                              MediaDecisionInput input,
                                                              MediaRequestPrecondition precondition, MailContext mail);

// The requester withdraws (a pending or approved request; otherwise nothing changes; the press
// contact is told unless `erase`) and, with `erase`, removes their personal data (in the
// request and in its e-mail). An organiser may only erase (on the person's request), not
// withdraw: 403 without `erase`.
boost::asio::awaitable<void> withdraw_media_request(Database& db, std::string id, MediaRequestAccess access, bool erase,
                                                    MediaRequestPrecondition precondition, MailContext mail);
// The same in the caller's transaction, on a request read FOR UPDATE and authorised (DELETE /v1/me).
void withdraw_media_request_in(soci::session& s, const domain::MediaRequest& current, bool by_requester, bool erase,
                               const MailContext& mail);

// Every decision on the request, oldest first; organisers of the event and admins only (the
// requester's own token is a 403).
boost::asio::awaitable<std::vector<domain::MediaDecision>> media_request_history(Database& db, std::string id,
                                                                                 MediaRequestAccess access);

struct MediaRequestListQuery {
  std::optional<std::string> event_ref;  // one event; nullopt: every event the caller manages
  std::optional<domain::MediaRequestStatus> status;
  std::optional<long long> after_seq;
  std::size_t limit = 50;
};
struct MediaRequestPage {
  std::vector<domain::MediaRequest> items;
  std::optional<long long> next_seq;
};
// Organisers see their own events' requests, admins all. With an event: 404 for an event the
// caller may not see, 403 for another organisation's.
boost::asio::awaitable<MediaRequestPage> list_media_requests(Database& db, domain::Caller caller,
                                                             MediaRequestListQuery query);

// Everything held about one e-mail address: an organiser sees its own events' records, an
// admin all.
boost::asio::awaitable<std::vector<db::MediaPersonalRecord>> media_personal_data(Database& db,
                                                                                 const domain::Caller& caller,
                                                                                 std::string email);

// The stream link the request's holder is entitled to: the event's, while the request is
// approved; nothing otherwise. The one rule behind `access` and the personal feed.
std::optional<std::string> entitled_stream_url(const domain::MediaRequest& request, const domain::Event& event);

// Media feed tokens start with this; they are derived from the status token and the
// request's feed_generation (secrets.hpp), so renewing one needs no new secret.
inline constexpr std::string_view kMediaFeedTokenPrefix = "evp_";
inline constexpr std::string_view kStatusTokenPrefix = "evs_";
std::string media_feed_token_for(std::string_view status_token, int generation);

}  // namespace eventd::services
