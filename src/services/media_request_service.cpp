#include "services/media_request_service.hpp"

#include <soci/soci.h>

#include <chrono>

#include "db/event_repository.hpp"
#include "db/support.hpp"
#include "domain/error.hpp"
#include "domain/event_rules.hpp"
#include "domain/validation.hpp"
#include "services/database.hpp"
#include "services/mail_outbox.hpp"
#include "services/person_service.hpp"
#include "services/secrets.hpp"
#include "services/webhook_service.hpp"

namespace eventd::services {

namespace {

using domain::detail;
using domain::Error;
using domain::MediaActor;
using domain::MediaRequestStatus;
using domain::Problem;

TokenRecordKind media_request_kind(soci::session& s) {
  return TokenRecordKind{
      "media request", "Media request", "status token",
      [&s](const std::string& hash) { return db::find_media_request_id_by_status_hash(s, hash).has_value(); },
      [&s](const std::string& token) { return find_person(s, token); }};
}

db::MediaRequestRecord load(soci::session& s, const std::string& id, const MediaRequestAccess& access,
                            bool for_update) {
  auto record = db::find_media_request(s, id, for_update);
  if (!record) throw_missing_record(access, media_request_kind(s));
  return std::move(*record);
}

// True for the requester (the request's own status token), false for an organiser/admin.
bool authorise(soci::session& s, const db::MediaRequestRecord& record, const MediaRequestAccess& access) {
  std::optional<std::string> email;
  if (record.request.requester) email = record.request.requester->email;
  return authorise_holder_or_manager(access, {record.status_token_hash}, record.organiser_id, email,
                                     media_request_kind(s));
}

domain::Event event_of(soci::session& s, const std::string& event_id) {
  auto event = db::find_event(s, event_id);
  if (!event) throw domain::not_found("event");
  return std::move(*event);
}

// The access part is decided here and only here: the requester's own view of an approved
// request. `status_token` is the requester's when they asked with it: the feed link is
// derived from it, so a requester signed in as a person (services/person_service.hpp) is
// shown the stream link but not that feed (their calendar of everything carries it).
MediaRequestView view_of(soci::session& s, domain::MediaRequest request, bool by_requester,
                         const std::optional<std::string>& status_token) {
  domain::Event event = event_of(s, request.event_id);
  MediaRequestView view{std::move(request), std::move(event), by_requester, std::nullopt};
  view.organisation_frontend_url = view.event.organiser_frontend_url;
  if (view.by_requester && view.request.grants_access()) {
    view.access = MediaAccess{entitled_stream_url(view.request, view.event), ""};
    if (status_token) view.access->feed_token = media_feed_token_for(*status_token, view.request.feed_generation);
  }
  return view;
}

MediaActor actor_of(const MediaRequestAccess& access, bool by_requester) {
  if (by_requester) return MediaActor::requester;
  return access.caller.is_admin() ? MediaActor::admin : MediaActor::organiser;
}

// The key behind an organiser's or admin's decision; the bootstrap admin key has no row.
std::optional<std::string> deciding_key(const domain::Caller& caller) {
  if (!db::is_uuid(caller.key_id())) return std::nullopt;
  return caller.key_id();
}

void validate(const MediaRequestDraft& draft) {
  domain::Validator v;
  v.append(draft.errors);
  for (auto& e : domain::check_media_requester(draft.requester)) {
    bool reported = false;
    for (const auto& r : draft.errors) reported = reported || r.field == e.field;
    if (!reported) v.add(std::move(e.field), e.code, std::move(e.params));
  }
  v.throw_if_any();
}

// The decision's fields, all at once: what reading found, the note's length, and that only
// an organiser writes a note.
void validate_decision(const MediaDecisionInput& input, bool by_requester) {
  domain::Validator v;
  v.append(input.errors);
  const domain::FieldSet unreadable(input.errors);
  if (!unreadable.covers("note")) {
    if (v.optional_text("note", input.note, domain::kMaxMediaNoteLength) && by_requester && input.note) {
      v.add("note", domain::FieldCode("organiser_only"));
    }
  }
  if (v.errors().size() == 1 && v.errors().front().code == domain::FieldCode("organiser_only")) {
    throw Error(Problem::validation, detail("note_is_organisers"), v.take());
  }
  v.throw_if_any();
}

void require_manager(const domain::Caller& caller) {
  if (caller.is_anonymous()) throw Error(Problem::unauthorized, detail("needs_organiser_key"));
}

}  // namespace

std::string media_feed_token_for(std::string_view status_token, int generation) {
  // Generation 0 keeps the derivation the first links were made with.
  const std::string purpose = generation == 0 ? "media-feed" : "media-feed:" + std::to_string(generation);
  return derive_secret(status_token, purpose, kMediaFeedTokenPrefix);
}

boost::asio::awaitable<MediaRequestAnswer> request_media_access(Database& db, std::string event_ref,
                                                                MediaRequestDraft draft,
                                                                std::optional<IdempotencyRequest> idempotency,
                                                                RenderMediaRequest render, MailContext mail) {
  const std::string status_token = new_secret(kStatusTokenPrefix);
  const std::optional<std::string> requester_token = status_token;
  MediaRequestAnswer answer = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    MediaRequestAnswer out;
    auto event = db::find_event(s, event_ref);
    if (!event || !domain::is_visible_to(*event, domain::Caller::anonymous())) throw domain::not_found("event");
    if (idempotency) {
      if (auto earlier = replay_or_claim(s, *idempotency)) {
        out.response = std::move(*earlier);
        out.replayed = true;
        tx.commit();
        return out;
      }
    }
    if (auto refusal = domain::media_request_refusal(*event, domain::now())) throw *refusal;
    validate(draft);

    db::NewMediaRequest row;
    row.event_id = event->id;
    row.requester = draft.requester;
    row.status_token_hash = secret_hash(status_token);
    row.feed_token_hash = secret_hash(media_feed_token_for(status_token, 0));
    const std::string id = db::insert_media_request(s, row);
    if (event->media_policy == domain::MediaPolicy::open) {
      db::transition_media_request(s, {id, MediaRequestStatus::pending, MediaRequestStatus::approved,
                                       MediaActor::policy, std::nullopt, std::nullopt});
    }
    auto stored = db::find_media_request(s, id);
    NewMediaRequestResult created{view_of(s, std::move(stored->request), true, requester_token), status_token};
    // Written with the request, so a retry (replayed above) sends nothing twice: the open
    // policy's approval to the journalist, with the feed link they are shown here; otherwise
    // the news of the request to the event's press contact.
    const MediaRequestView& v = created.view;
    record_media_request_change(s, v.event, v.request, "media_request.created");
    if (v.request.status == MediaRequestStatus::approved) {
      const MediaMailLinks links{entitled_stream_url(v.request, v.event), media_feed_token_for(status_token, 0)};
      enqueue_media_message(s, mail, MailKind::media_request_approved, v.event, v.request, links);
    } else {
      enqueue_media_message(s, mail, MailKind::media_request_received, v.event, v.request);
    }
    out.response = render(created);
    if (idempotency) remember_answer(s, *idempotency, out.response, id);
    tx.commit();
    return out;
  });
  co_return answer;
}

boost::asio::awaitable<MediaRequestView> get_media_request(Database& db, std::string id, MediaRequestAccess access) {
  MediaRequestView view = co_await db.run([&](soci::session& s) {
    auto record = load(s, id, access, false);
    const bool by_requester = authorise(s, record, access);
    return view_of(s, std::move(record.request), by_requester, by_requester ? access.token : std::nullopt);
  });
  co_return view;
}

boost::asio::awaitable<MediaRequestView> decide_media_request(Database& db, std::string id, MediaRequestAccess access,
                                                              MediaDecisionInput input,
                                                              MediaRequestPrecondition precondition, MailContext mail) {
  MediaRequestView view = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    auto record = load(s, id, access, true);
    const bool by_requester = authorise(s, record, access);
    const domain::MediaRequest& current = record.request;
    const MediaActor actor = actor_of(access, by_requester);
    const bool status_known = !domain::FieldSet(input.errors).covers("status");
    if (status_known) {
      if (auto refusal = domain::transition_refusal(actor, current.status, input.to)) {
        throw *refusal;
      }
    }
    precondition(current);
    validate_decision(input, by_requester);
    db::MediaTransition change{
        current.id, current.status, input.to, actor, by_requester ? std::nullopt : deciding_key(access.caller),
        input.note};
    // Under the row lock the status cannot have moved; the guard in the statement says so too.
    if (!db::transition_media_request(s, change))
      throw Error(Problem::concurrent_change, detail("request_changed_meanwhile"));
    auto stored = db::find_media_request(s, current.id);
    MediaRequestView out =
        view_of(s, std::move(stored->request), by_requester, by_requester ? access.token : std::nullopt);
    // The journalist hears of the decision in its transaction. The approval e-mail carries a
    // personal feed link of its own (schema/008): the derived one needs the status token,
    // which only the requester holds. A later approval (after a revocation) finds the first
    // one in place, and that e-mail's link works again.
    if (input.to == MediaRequestStatus::approved) {
      MediaMailLinks links{entitled_stream_url(out.request, out.event), std::nullopt};
      const std::string feed_token = new_secret(kMediaFeedTokenPrefix);
      if (db::set_mail_feed_token(s, current.id, secret_hash(feed_token))) links.feed_token = feed_token;
      enqueue_media_message(s, mail, MailKind::media_request_approved, out.event, out.request, links);
      record_media_request_change(s, out.event, out.request, "media_request.approved");
    } else if (input.to == MediaRequestStatus::rejected) {
      record_media_request_change(s, out.event, out.request, "media_request.rejected");
      enqueue_media_message(s, mail, MailKind::media_request_rejected, out.event, out.request);
    } else if (input.to == MediaRequestStatus::revoked) {
      enqueue_media_message(s, mail, MailKind::media_request_revoked, out.event, out.request);
      record_media_request_change(s, out.event, out.request, "media_request.revoked");
    }
    tx.commit();
    return out;
  });
  co_return view;
}

void withdraw_media_request_in(soci::session& s, const domain::MediaRequest& current, bool by_requester, bool erase,
                               const MailContext& mail) {
  if (by_requester && domain::may_transition(MediaActor::requester, current.status, MediaRequestStatus::withdrawn)) {
    db::transition_media_request(s, {current.id, current.status, MediaRequestStatus::withdrawn, MediaActor::requester,
                                     std::nullopt, std::nullopt});
    // The press contact heard of the request, so they hear it is gone; not when the journalist
    // also has their data erased, since the message would name them.
    const domain::Event event = event_of(s, current.event_id);
    if (!erase) enqueue_media_message(s, mail, MailKind::media_request_withdrawn, event, current);
    if (auto withdrawn = db::find_media_request(s, current.id)) {
      record_media_request_change(s, event, withdrawn->request, "media_request.withdrawn");
    }
  }
  if (erase) {
    erase_media_request_webhooks(s, current.id);
    db::erase_media_request(s, current.id, "request");
    erase_media_request_mail(s, current.id);
    // The stored first answer holds the name, the address and the status token.
    erase_stored_answers(s, current.id, "POST /v1/events/%/media-requests");
  }
}

boost::asio::awaitable<void> withdraw_media_request(Database& db, std::string id, MediaRequestAccess access, bool erase,
                                                    MediaRequestPrecondition precondition, MailContext mail) {
  co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    auto record = load(s, id, access, true);
    const bool by_requester = authorise(s, record, access);
    if (!by_requester && !erase) {
      throw Error(Problem::forbidden, detail("only_requester_withdraws_request"));
    }
    precondition(record.request);
    withdraw_media_request_in(s, record.request, by_requester, erase, mail);
    tx.commit();
    return 0;
  });
  co_return;
}

boost::asio::awaitable<MediaRequestView> rotate_media_feed_token(Database& db, std::string id,
                                                                 MediaRequestAccess access) {
  MediaRequestView view = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    auto record = load(s, id, access, true);
    if (!authorise(s, record, access) || !access.token) {
      throw Error(Problem::forbidden, detail("only_journalist_renews_feed"));
    }
    if (record.request.is_erased()) throw Error(Problem::data_erased, detail("media_request_erased"));
    const int generation = record.request.feed_generation + 1;
    db::rotate_media_feed_token(s, record.request.id, generation,
                                secret_hash(media_feed_token_for(*access.token, generation)));
    auto stored = db::find_media_request(s, record.request.id);
    MediaRequestView out = view_of(s, std::move(stored->request), true, access.token);
    tx.commit();
    return out;
  });
  co_return view;
}

boost::asio::awaitable<std::vector<domain::MediaDecision>> media_request_history(Database& db, std::string id,
                                                                                 MediaRequestAccess access) {
  auto history = co_await db.run([&](soci::session& s) {
    auto record = load(s, id, access, false);
    if (authorise(s, record, access)) {
      throw Error(Problem::forbidden, detail("history_for_organiser", {{"path", "GET /v1/media-requests/{id}"}}));
    }
    return db::media_request_history(s, record.request.id);
  });
  co_return history;
}

boost::asio::awaitable<MediaRequestPage> list_media_requests(Database& db, domain::Caller caller,
                                                             MediaRequestListQuery query) {
  require_manager(caller);
  MediaRequestPage page = co_await db.run([&](soci::session& s) {
    db::MediaRequestFilter f;
    if (query.event_ref) {
      auto event = db::find_event(s, *query.event_ref);
      if (!event || !domain::is_visible_to(*event, caller)) throw domain::not_found("event");
      if (!caller.can_manage(event->organiser_id)) {
        throw Error(Problem::forbidden, detail("organiser_sees_media_requests"));
      }
      f.event_id = event->id;
    }
    if (!caller.is_admin()) f.organisation_id = caller.organisation_id();
    f.status = query.status;
    f.after_seq = query.after_seq;
    f.limit = query.limit + 1;
    auto rows = db::list_media_requests(s, f);
    MediaRequestPage out;
    if (rows.size() > query.limit) {
      rows.resize(query.limit);
      out.next_seq = rows.back().seq;
    }
    for (auto& row : rows) out.items.push_back(std::move(row.request));
    return out;
  });
  co_return page;
}

boost::asio::awaitable<std::vector<db::MediaPersonalRecord>> media_personal_data(Database& db,
                                                                                 const domain::Caller& caller,
                                                                                 std::string email) {
  require_manager(caller);
  std::optional<std::string> scope;
  if (!caller.is_admin()) scope = caller.organisation_id();
  auto records = co_await db.run([&](soci::session& s) { return db::media_requests_of_email(s, email, scope); });
  co_return records;
}

std::optional<std::string> entitled_stream_url(const domain::MediaRequest& request, const domain::Event& event) {
  return domain::stream_url_for(event, request.grants_access() ? domain::StreamAudience::approved_journalist
                                                               : domain::StreamAudience::journalist_not_approved);
}

}  // namespace eventd::services
