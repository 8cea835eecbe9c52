#pragma once
// SQL for media-access requests and their decision history (schema/005_media_requests.sql).
// A status changes only through transition_media_request, which writes the history row in
// the same statement.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "domain/media_request.hpp"

namespace soci {
class session;
}

namespace eventd::db {

// A request with what authorisation needs: the owning organisation and the stored status
// token hash (hex), never shown to anyone.
struct MediaRequestRecord {
  domain::MediaRequest request;
  std::string organiser_id;       // of the event
  std::string status_token_hash;  // hex SHA-256
};

struct NewMediaRequest {
  std::string event_id;
  domain::MediaRequester requester;
  std::string status_token_hash;  // hex
  std::string feed_token_hash;    // hex
};

// A pending request, with its first history row (made by the requester). 409 when the
// address has an open (pending or approved) request for the event already.
std::string insert_media_request(soci::session& session, const NewMediaRequest& r);

std::optional<MediaRequestRecord> find_media_request(soci::session& session, const std::string& id,
                                                     bool for_update = false);
// The id of the request whose status token has this hash.
std::optional<std::string> find_media_request_id_by_status_hash(soci::session& session, const std::string& hash);
// The request whose feed token (the derived one, or the approval e-mail's) has this hash.
std::optional<MediaRequestRecord> find_media_request_by_feed_hash(soci::session& session, const std::string& hash);

// Gives the request the feed token of its approval e-mail (schema/008), unless it has one
// already; false then (the earlier e-mail's link stays the one that works).
// A renewed personal feed link: the new hash and generation; the e-mailed link stops working.
void rotate_media_feed_token(soci::session& session, const std::string& id, int generation,
                             const std::string& feed_hash);
bool set_mail_feed_token(soci::session& session, const std::string& id, const std::string& hash);

struct MediaTransition {
  std::string id;
  domain::MediaRequestStatus from = domain::MediaRequestStatus::pending;
  domain::MediaRequestStatus to = domain::MediaRequestStatus::pending;
  domain::MediaActor actor = domain::MediaActor::requester;
  std::optional<std::string> api_key_id;  // organiser and admin
  std::optional<std::string> note;        // to the requester; replaces the previous one
};
// Moves the request from `from` to `to` and writes the history row, in one statement;
// false when the request is not in `from` (nothing changed). 409 when approving would give
// the address a second open request for the event.
bool transition_media_request(soci::session& session, const MediaTransition& t);

// Every status change of the request, oldest first, with the deciding key's name.
std::vector<domain::MediaDecision> media_request_history(soci::session& session, const std::string& id);

// Removes the personal data (name, e-mail, outlet, phone, message) and the notes to the
// requester; the row, its status and its history of who decided when stay.
void erase_media_request(soci::session& session, const std::string& id, const std::string& reason);

struct MediaRequestFilter {
  std::optional<std::string> event_id;
  std::optional<std::string> organisation_id;  // the events' organiser; nullopt: all (admin)
  std::optional<domain::MediaRequestStatus> status;
  std::optional<long long> after_seq;  // cursor: arrival order
  std::size_t limit = 50;
};
struct MediaRequestListRow {
  domain::MediaRequest request;
  long long seq = 0;
};
std::vector<MediaRequestListRow> list_media_requests(soci::session& session, const MediaRequestFilter& filter);

// Every request held for this address (any letter case), of events of the organisation (or
// all, for nullopt), with the event's slug and title.
struct MediaPersonalRecord {
  domain::MediaRequest request;
  std::string event_slug;
  std::string event_title;
  std::optional<domain::Instant> event_starts_at;
  std::string event_timezone;                            // IANA, the event's
  std::optional<std::string> organisation_frontend_url;  // the organiser's own website (schema/024)
};
std::vector<MediaPersonalRecord> media_requests_of_email(soci::session& session, const std::string& email,
                                                         const std::optional<std::string>& organisation_id);

// Anonymises (erased_reason 'retention') the requests of events that ended before `cutoff`;
// how many.
long long anonymise_media_requests_of_ended_events(soci::session& session, domain::Instant cutoff);

}  // namespace eventd::db
