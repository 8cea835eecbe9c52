#pragma once
// A journalist's request for access to an event's stream (api.md, "Media-access requests"),
// and the rules of its life that need no I/O: who may move it from which status to which,
// and whether an event takes requests at all. The history of decisions is the database's
// part (schema/005_media_requests.sql).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/enum_names.hpp"
#include "domain/error.hpp"
#include "domain/event.hpp"
#include "domain/time.hpp"

namespace eventd::domain {

enum class MediaRequestStatus { pending, approved, rejected, withdrawn, revoked };

inline constexpr EnumNames<MediaRequestStatus, 5> kMediaRequestStatusNames{{
    {MediaRequestStatus::pending, "pending"},
    {MediaRequestStatus::approved, "approved"},
    {MediaRequestStatus::rejected, "rejected"},
    {MediaRequestStatus::withdrawn, "withdrawn"},
    {MediaRequestStatus::revoked, "revoked"},
}};
constexpr std::string_view to_string(MediaRequestStatus s) { return enum_detail::name_of(kMediaRequestStatusNames, s); }
constexpr std::optional<MediaRequestStatus> parse_media_request_status(std::string_view s) {
  return enum_detail::value_of(kMediaRequestStatusNames, s);
}

// Who changed a request's status. `policy`: the event's media policy (`open`) approved it.
enum class MediaActor { requester, organiser, admin, policy };

inline constexpr EnumNames<MediaActor, 4> kMediaActorNames{{
    {MediaActor::requester, "requester"},
    {MediaActor::organiser, "organiser"},
    {MediaActor::admin, "admin"},
    {MediaActor::policy, "policy"},
}};
constexpr std::string_view to_string(MediaActor a) { return enum_detail::name_of(kMediaActorNames, a); }
constexpr std::optional<MediaActor> parse_media_actor(std::string_view s) {
  return enum_detail::value_of(kMediaActorNames, s);
}

// What a journalist tells us. Personal data: erased on request or by retention.
struct MediaRequester {
  std::string name{};
  std::string email{};
  std::string outlet{};                  // the newsroom, e.g. "Sveriges Radio Ekot"
  std::optional<std::string> phone{};    // e.g. "+46 70 123 45 67"
  std::optional<std::string> message{};  // to the organiser, free text

  friend bool operator==(const MediaRequester&, const MediaRequester&) = default;
};

struct MediaRequest {
  std::string id{};  // UUID
  std::string event_id{};
  MediaRequestStatus status = MediaRequestStatus::pending;
  std::optional<MediaRequester> requester{};  // nullopt once erased
  std::optional<std::string> note{};          // the latest decision's note to the requester
  std::optional<Instant> decided_at{};
  std::optional<Instant> erased_at{};
  long long version = 1;
  Instant created_at{};
  Instant updated_at{};
  int feed_generation = 0;  // grows when the personal feed link is renewed

  bool is_erased() const noexcept { return erased_at.has_value(); }
  // Only an approved request carries the stream link.
  bool grants_access() const noexcept { return status == MediaRequestStatus::approved; }
};

// One row of a request's history.
struct MediaDecision {
  std::optional<MediaRequestStatus> from{};  // nullopt: the request was made
  MediaRequestStatus to = MediaRequestStatus::pending;
  MediaActor actor = MediaActor::requester;
  std::optional<std::string> api_key_id{};    // set for organiser and admin
  std::optional<std::string> api_key_name{};  // the key's name, to recognise it
  std::optional<std::string> note{};
  Instant decided_at{};
};

inline constexpr std::size_t kMaxMediaNameLength = 200;
inline constexpr std::size_t kMaxOutletLength = 200;
inline constexpr std::size_t kMaxMediaMessageLength = 2000;
inline constexpr std::size_t kMaxMediaNoteLength = 2000;

// Field rules of a requester: name 1-200, e-mail syntax, outlet 1-200, phone shape, message
// ≤ 2000.
std::vector<FieldError> check_media_requester(const MediaRequester& r);

// Why the event takes no media requests at `now` (a 409 saying why); nullopt when it does.
// Published events that have not ended, whose media policy is not closed.
std::optional<Error> media_request_refusal(const Event& e, Instant now);

// Who is told of a new media request: the event's press contact (api.md: the event's
// `contacts`, "e.g. the press officer"), i.e. the first contact with an e-mail address whose
// role names the press, the media or communications ("pressansvarig", "Press officer",
// "mediekontakt", "kommunikatör"); else the first contact with an e-mail address. nullopt
// when no contact has one: organisations have no address of their own to fall back to.
std::optional<Contact> press_contact(const Event& e);

// Whether `actor` may move a request from `from` to `to` (see schema/005_media_requests.sql).
// Organisers and admins decide (approve, reject, revoke); the requester only withdraws; the
// policy only approves a pending request. Same status to same status is not a transition.
bool may_transition(MediaActor actor, MediaRequestStatus from, MediaRequestStatus to);

// Why the transition is refused: a forbidden problem (the actor may never do this) or a
// conflict (not from this status); nullopt when may_transition.
std::optional<Error> transition_refusal(MediaActor actor, MediaRequestStatus from, MediaRequestStatus to);

}  // namespace eventd::domain
