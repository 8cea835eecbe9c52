#include "services/mail_outbox.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "common/log.hpp"
#include "db/event_repository.hpp"
#include "db/organisation_repository.hpp"
#include "db/registration_repository.hpp"
#include "db/task_repository.hpp"
#include "domain/error.hpp"
#include "domain/event_rules.hpp"
#include "domain/links.hpp"
#include "mail/templates.hpp"
#include "services/database.hpp"
#include "services/feed_service.hpp"
#include "services/person_service.hpp"
#include "services/personal_feed_service.hpp"
#include "services/secrets.hpp"

namespace eventd::services {

namespace {

// "2019-09-04 09:00–16:00 (Europe/Stockholm)"; all day: "2019-09-04 – 2019-09-05".
std::string when_of(const domain::Event& e) {
  if (e.all_day) {
    if (!e.starts_on || !e.ends_on) return "";
    const std::string first = domain::format_date(*e.starts_on), last = domain::format_date(*e.ends_on);
    return first == last ? first : first + " – " + last;
  }
  if (!e.starts_at || !e.ends_at) return "";
  const std::string start = domain::format_in_zone(*e.starts_at, e.timezone);  // 2019-09-04T09:00:00+02:00
  const std::string end = domain::format_in_zone(*e.ends_at, e.timezone);
  const std::string day = start.substr(0, 10), end_day = end.substr(0, 10);
  std::string out = day + " " + start.substr(11, 5) + "–";
  if (end_day != day) out += end_day + " ";
  return out + end.substr(11, 5) + " (" + e.timezone + ")";
}

// "2035-11-08 09:15–10:00 Global migration (Sal B)", in the event's zone; one per line. An
// item with a zone of its own (a leg from Larnaca) is in that zone, named after its times.
std::string programme_lines(const std::vector<domain::Session>& sessions, const std::string& event_zone) {
  std::string out;
  for (const auto& x : sessions) {
    const std::string& zone = domain::effective_timezone(x, event_zone);
    const std::string start = domain::format_in_zone(x.starts_at, zone), end = domain::format_in_zone(x.ends_at, zone);
    out += start.substr(0, 10) + " " + start.substr(11, 5) + "–" + end.substr(11, 5);
    if (zone != event_zone) out += " (" + zone + ")";
    out += " " + x.title;
    if (x.location && !x.location->empty()) out += " (" + *x.location + ")";
    out += "\n";
  }
  return out;
}

std::string where_of(const domain::Event& e) {
  std::vector<std::string> parts;
  if (e.venue) {
    std::string place;
    for (const auto& piece : {e.venue->name, e.venue->street}) {
      if (piece && !piece->empty()) place += *piece + ", ";
    }
    parts.push_back(place + e.venue->city);
  }
  if (e.online) parts.push_back("online" + (e.online->platform ? " (" + *e.online->platform + ")" : std::string()));
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : " + ") + p;
  return out;
}

mail::Values base_values(const domain::PageLinks& links, const domain::Event& e, const std::string& organiser_name) {
  return mail::Values{
      {"name", ""},
      {"event_title", e.title},
      {"event_when", when_of(e)},
      {"event_where", where_of(e)},
      {"event_url", links.event(e.slug)},
      {"organiser_name", organiser_name},
      {"registration_url", ""},
      {"person_url", ""},
      {"feed_url", ""},
      {"webcal_url", ""},
      {"position", ""},
      {"invitation_attached", ""},
      {"programme", ""},
      {"cancelled_sessions", ""},
      {"note", ""},
      {"stream_url", ""},
      {"outlet", ""},
      {"journalist_name", ""},
      {"journalist_email", ""},
      {"request_url", ""},
      {"task_title", ""},
      {"task_description", ""},
      {"task_due", ""},
  };
}

std::string now_date() {
  const auto now = std::chrono::system_clock::now();
  return mail::rfc5322_date(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
}

struct Outgoing {
  MailKind kind;
  std::optional<std::string> event_id;
  std::optional<std::string> registration_id;
  std::optional<std::string> media_request_id;
  std::string language;
  mail::Mailbox to;
  mail::Values values;
  std::optional<mail::Attachment> attachment;
  // Set when there is nobody to send it to: kept, as failed with this reason, so the
  // organiser sees what was not sent.
  std::optional<std::string> undeliverable{};
};

// Where the message's links lead: the organisation's own website, the instance's frontend, or
// eventd's own pages (domain/links.hpp).
domain::PageLinks page_links(const MailContext& context, const std::optional<std::string>& organisation_frontend_url) {
  return domain::PageLinks(context.public_url, context.frontend_url).for_organisation(organisation_frontend_url);
}

// A code in a link reaches only the organisation's records when the link leads to its own site.
std::optional<std::string> code_scope(const domain::PageLinks& links, const std::string& organisation_id) {
  if (links.organisation_site()) return organisation_id;
  return std::nullopt;
}

bool is_change_notice(MailKind kind) { return kind == MailKind::event_changed || kind == MailKind::event_cancelled; }

// The outbox row of a message: rendered from its templates and composed as MIME.
db::NewMail row_of(const MailContext& context, const Outgoing& out, std::string id) {
  const auto text = mail::render_mail(to_string(out.kind), out.language, out.values);
  db::NewMail row;
  row.id = std::move(id);
  row.event_id = out.event_id;
  row.registration_id = out.registration_id;
  row.media_request_id = out.media_request_id;
  row.kind = std::string(to_string(out.kind));
  row.language = text.language;
  row.recipient_name = out.to.name;
  row.recipient_email = out.to.email;
  row.subject = text.subject;
  mail::Message message;
  message.to = out.to;
  message.subject = text.subject;
  message.text = text.text;
  message.html = text.html;
  message.attachment = out.attachment;
  message.message_id = row.id + "@" + host_of(context.public_url);
  message.date = now_date();
  message.boundary_seed = row.id;
  if (out.undeliverable) {
    row.undeliverable = out.undeliverable;
  } else {
    row.message = mail::compose(message);
  }
  return row;
}

void write(soci::session& s, const MailContext& context, const Outgoing& out) {
  // A change notice still held back for this participant is rewritten (same id, same time due).
  std::optional<std::string> held;
  const bool holds = is_change_notice(out.kind) && out.registration_id && context.change_notice_delay.count() > 0;
  if (holds) held = db::find_held_change_notice(s, *out.registration_id);
  db::NewMail row = row_of(context, out, held ? *held : new_uuid());
  if (holds) row.hold = context.change_notice_delay;
  if (held) {
    db::rewrite_held_mail(s, row);
  } else {
    db::insert_mail(s, row);
  }
}

mail::Attachment calendar_attachment(std::string body, ics::InvitationMethod method) {
  const std::string name = method == ics::InvitationMethod::request ? "REQUEST" : "CANCEL";
  return mail::Attachment{"text/calendar; charset=UTF-8; method=" + name, "invite.ics", std::move(body)};
}

// A registration's message, made in memory: what it says, and the link codes it carries
// (not yet written). Nothing for an erased registration.
struct RegistrationOutgoing {
  Outgoing out;
  MailLinkCodes codes;
};

std::optional<RegistrationOutgoing> registration_outgoing(const MailContext& context, MailKind kind,
                                                          db::RegistrationRecord record, EventParts parts,
                                                          const std::optional<RegistrationSecrets>& secrets) {
  if (record.registration.is_erased() || !record.registration.participant) return std::nullopt;
  const std::string registration_id = record.registration.id;
  const bool cancel = kind == MailKind::registration_cancelled || kind == MailKind::event_cancelled;
  const auto method = cancel ? ics::InvitationMethod::cancel : ics::InvitationMethod::request;
  const std::string api_url = context.public_url + "/v1/registrations/" + registration_id;
  const std::string organiser_id = record.organiser_id;
  FeedLocation location{context.public_url, api_url, context.sender_email};
  location.frontend_url = context.frontend_url;
  Invitation invitation = invitation_of(std::move(record), std::move(parts), location, method);
  const domain::PageLinks links = page_links(context, invitation.event.organiser_frontend_url);
  const auto& participant = *invitation.registration.participant;

  Outgoing out{kind,
               invitation.event.id,
               registration_id,
               std::nullopt,
               invitation.event.language,
               mail::Mailbox{participant.name, participant.email},
               base_values(links, invitation.event, invitation.organiser_name),
               std::nullopt};
  out.values["name"] = participant.name;
  // Fresh single-use codes in each message: the first open of a link signs its reader in.
  const auto scope = code_scope(links, organiser_id);
  MailLinkCodes codes = make_mail_link_codes(participant.email, scope, 2);
  out.values["registration_url"] = links.registration(registration_id, codes.codes[0]);
  out.values["person_url"] = links.person(codes.codes[1]);
  if (invitation.registration.waitlist_position) {
    out.values["position"] = std::to_string(*invitation.registration.waitlist_position);
  }
  const bool seat = invitation.registration.status != domain::RegistrationStatus::waitlisted;
  // A waitlisted participant has no seat to put in a calendar yet; a resent link is only that.
  const bool attach = kind != MailKind::registration_waitlisted && kind != MailKind::registration_link_resent &&
                      kind != MailKind::task_reminder && (seat || kind == MailKind::event_cancelled);
  out.values["invitation_attached"] = attach ? "yes" : "";
  if (is_change_notice(kind)) {
    out.values["programme"] = programme_lines(invitation.sessions, invitation.event.timezone);
    out.values["cancelled_sessions"] = programme_lines(invitation.cancelled, invitation.event.timezone);
  }
  if (secrets) {
    if (!secrets->feed_token.empty()) {
      out.values["feed_url"] = context.public_url + "/v1/feeds/" + secrets->feed_token + "/calendar.ics";
      const auto scheme = out.values["feed_url"].find("://");
      out.values["webcal_url"] = "webcal" + out.values["feed_url"].substr(scheme);
    }
  }
  if (attach) out.attachment = calendar_attachment(invitation.body, method);
  return RegistrationOutgoing{std::move(out), std::move(codes)};
}

}  // namespace

std::string_view to_string(MailKind kind) {
  switch (kind) {
    case MailKind::registration_confirmed:
      return "registration_confirmed";
    case MailKind::registration_waitlisted:
      return "registration_waitlisted";
    case MailKind::registration_promoted:
      return "registration_promoted";
    case MailKind::registration_cancelled:
      return "registration_cancelled";
    case MailKind::registration_link_resent:
      return "registration_link_resent";
    case MailKind::event_changed:
      return "event_changed";
    case MailKind::event_cancelled:
      return "event_cancelled";
    case MailKind::media_request_received:
      return "media_request_received";
    case MailKind::media_request_approved:
      return "media_request_approved";
    case MailKind::media_request_rejected:
      return "media_request_rejected";
    case MailKind::media_request_revoked:
      return "media_request_revoked";
    case MailKind::media_request_withdrawn:
      return "media_request_withdrawn";
    case MailKind::person_sign_in:
      return "person_sign_in";
    case MailKind::task_reminder:
      return "task_reminder";
  }
  return "unknown";
}

void enqueue_registration_message(soci::session& s, const MailContext& context, MailKind kind,
                                  const std::string& registration_id,
                                  const std::optional<RegistrationSecrets>& secrets) {
  auto record = db::find_registration(s, registration_id);
  if (!record || record->registration.is_erased() || !record->registration.participant) return;
  EventParts parts = load_event_parts(s, record->registration.event_id);
  enqueue_registration_message(s, context, kind, std::move(*record), std::move(parts), secrets);
}

void enqueue_task_reminder(soci::session& s, const MailContext& context, const std::string& registration_id,
                           const std::string& task_id) {
  auto record = db::find_registration(s, registration_id);
  if (!record || record->registration.is_erased() || !record->registration.participant) return;
  const std::string event_id = record->registration.event_id;
  auto task = db::find_task(s, event_id, task_id);
  if (!task) return;
  EventParts parts = load_event_parts(s, event_id);
  const std::string zone = parts.event.timezone;
  auto message =
      registration_outgoing(context, MailKind::task_reminder, std::move(*record), std::move(parts), std::nullopt);
  if (!message) return;
  message->out.values["task_title"] = task->title;
  message->out.values["task_description"] = task->description.value_or("");
  const std::string due = domain::format_in_zone(task->due_at, zone);  // 2035-08-20T23:59:00+02:00
  message->out.values["task_due"] = due.substr(0, 10) + " " + due.substr(11, 5) + " (" + zone + ")";
  db::insert_person_codes(s, message->codes.rows);
  write(s, context, message->out);
}

void enqueue_registration_message(soci::session& s, const MailContext& context, MailKind kind,
                                  db::RegistrationRecord record, EventParts parts,
                                  const std::optional<RegistrationSecrets>& secrets) {
  auto message = registration_outgoing(context, kind, std::move(record), std::move(parts), secrets);
  if (!message) return;
  db::insert_person_codes(s, message->codes.rows);
  write(s, context, message->out);
}

std::optional<ComposedMail> compose_registration_message(const MailContext& context, MailKind kind,
                                                         db::RegistrationRecord record, EventParts parts,
                                                         const std::optional<RegistrationSecrets>& secrets) {
  // A change notice may rewrite one held back (write()): that needs the database.
  if (is_change_notice(kind)) throw std::logic_error("compose_registration_message: a change notice");
  auto message = registration_outgoing(context, kind, std::move(record), std::move(parts), secrets);
  if (!message) return std::nullopt;
  return ComposedMail{row_of(context, message->out, new_uuid()), std::move(message->codes.rows)};
}

void write_composed_mail(soci::session& s, const std::vector<ComposedMail>& messages) {
  std::vector<db::NewPersonCode> codes;
  std::vector<db::NewMail> rows;
  rows.reserve(messages.size());
  for (const auto& message : messages) {
    codes.insert(codes.end(), message.codes.begin(), message.codes.end());
    rows.push_back(message.mail);
  }
  db::insert_person_codes(s, codes);
  db::insert_mails(s, rows);
}

std::vector<std::string> followers_of_session(soci::session& s, const std::string& event_id,
                                              const std::string& session_id) {
  return db::registrations_following_session(s, event_id, session_id, {"confirmed", "waitlisted"});
}

void enqueue_change_notices(soci::session& s, const MailContext& context,
                            const std::vector<std::string>& registration_ids) {
  for (const auto& id : registration_ids) enqueue_registration_message(s, context, MailKind::event_changed, id);
}

void enqueue_event_change_messages(soci::session& s, const MailContext& context, const std::string& event_id,
                                   bool cancelled, const std::vector<std::string>& skip) {
  const std::vector<std::string> statuses{"confirmed", "waitlisted"};
  const auto ids = db::live_registration_ids(s, event_id, statuses);
  for (const auto& id : ids) {
    if (std::find(skip.begin(), skip.end(), id) != skip.end()) continue;
    enqueue_registration_message(s, context, cancelled ? MailKind::event_cancelled : MailKind::event_changed, id);
  }
}

void enqueue_media_message(soci::session& s, const MailContext& context, MailKind kind, const domain::Event& event,
                           const domain::MediaRequest& request, const MediaMailLinks& links) {
  if (!request.requester) return;  // erased: nothing to say, nobody to say it to
  const domain::MediaRequester& journalist = *request.requester;
  std::string organiser_name;
  const std::vector<std::string> organiser{event.organiser_id};
  for (const auto& o : db::find_organisations(s, organiser)) organiser_name = o.name;

  const domain::PageLinks pages = page_links(context, event.organiser_frontend_url);
  Outgoing out{kind,
               event.id,
               std::nullopt,
               request.id,
               event.language,
               mail::Mailbox{},
               base_values(pages, event, organiser_name),
               std::nullopt};
  if (kind == MailKind::media_request_received || kind == MailKind::media_request_withdrawn) {
    auto contact = domain::press_contact(event);
    if (!contact) {
      out.undeliverable = "Nobody to send it to: none of the event's contacts has an e-mail address.";
    } else {
      out.to = mail::Mailbox{contact->name, *contact->email};
    }
    out.values["journalist_name"] = journalist.name;
    out.values["journalist_email"] = journalist.email;
    out.values["outlet"] = journalist.outlet;
    out.values["note"] = journalist.message.value_or("");
    out.values["request_url"] = context.public_url + "/v1/media-requests/" + request.id;
  } else {
    out.to = mail::Mailbox{journalist.name, journalist.email};
    out.values["request_url"] = pages.media_request(
        request.id, issue_mail_link_code(s, journalist.email, code_scope(pages, event.organiser_id)));
    out.values["note"] = request.note.value_or("");
    out.values["stream_url"] = links.stream_url.value_or("");
    if (links.feed_token) {
      out.values["feed_url"] = context.public_url + "/v1/feeds/" + *links.feed_token + "/calendar.ics";
      const auto scheme = out.values["feed_url"].find("://");
      out.values["webcal_url"] = "webcal" + out.values["feed_url"].substr(scheme);
    }
  }
  out.values["name"] = out.to.name;
  write(s, context, out);
}

void enqueue_sign_in_message(soci::session& s, const MailContext& context, const std::string& email,
                             const std::string& language, const std::string& code) {
  const domain::PageLinks links(context.public_url, context.frontend_url);
  Outgoing out{
      MailKind::person_sign_in,
      std::nullopt,
      std::nullopt,
      std::nullopt,
      language,
      mail::Mailbox{"", email},
      mail::Values{{"sign_in_url", links.person(code)},
                   {"valid_minutes",
                    std::to_string(std::chrono::duration_cast<std::chrono::minutes>(kSignInCodeLifetime).count())}},
      std::nullopt};
  write(s, context, out);
}

void erase_media_request_mail(soci::session& s, const std::string& media_request_id) {
  db::erase_mail_of_media_request(s, media_request_id);
}

void erase_registration_mail(soci::session& s, const std::string& registration_id) {
  db::erase_mail_of_registration(s, registration_id);
}

boost::asio::awaitable<MailPage> list_event_mail(Database& db, const domain::Caller& caller, std::string event_ref,
                                                 MailListQuery query) {
  if (caller.is_anonymous()) throw domain::Error(domain::Problem::unauthorized, domain::detail("needs_organiser_key"));
  MailPage page = co_await db.run([&](soci::session& s) {
    auto event = db::find_event(s, event_ref);
    if (!event || !domain::is_visible_to(*event, caller)) throw domain::not_found("event");
    if (!caller.can_manage(event->organiser_id)) {
      throw domain::Error(domain::Problem::forbidden, domain::detail("organiser_sees_messages"));
    }
    db::MailFilter f;
    f.event_id = event->id;
    f.state = query.state;
    f.after_seq = query.after_seq;
    f.limit = query.limit + 1;
    MailPage out;
    out.items = db::list_mail(s, f);
    if (out.items.size() > query.limit) {
      out.items.resize(query.limit);
      out.next_seq = out.items.back().seq;
    }
    return out;
  });
  co_return page;
}

std::chrono::milliseconds retry_delay(const SenderSettings& settings, int attempt) {
  auto delay = settings.backoff_base;
  for (int i = 1; i < attempt && delay < settings.max_backoff; ++i) delay *= 2;
  return std::min(delay, settings.max_backoff);
}

DeliveryReport deliver_due_mail(Database& db, const SenderSettings& settings) {
  // Longer than the batch's SMTP exchanges can take, so a claim outlives its sending.
  const auto lease = settings.smtp.timeout * static_cast<long>(settings.batch) + std::chrono::seconds(30);
  auto claimed = db.run_blocking([&](soci::session& s) { return db::claim_due_mail(s, settings.batch, lease); });
  DeliveryReport report;
  const std::string from_header = mail::header_line("From", mail::format_mailbox(settings.from));
  for (const auto& claim : claimed) {
    const auto result =
        mail::send_mail(settings.smtp, settings.from.email, claim.recipient_email, from_header + claim.message);
    db::AttemptOutcome outcome;
    outcome.sent = result.ok;
    outcome.error = result.error;
    outcome.give_up = !result.ok && claim.attempt >= settings.max_attempts;
    outcome.retry_after = result.ok ? std::chrono::milliseconds(0) : retry_delay(settings, claim.attempt);
    bool recorded = false;
    try {
      recorded = db.run_blocking([&](soci::session& s) {
        soci::transaction tx(s);
        bool matched = db::finish_attempt(s, claim, outcome);
        tx.commit();
        return matched;
      });
    } catch (const std::exception& error) {
      log::warn("mail attempt not recorded", {{"message", claim.id}, {"reason", error.what()}});
    }
    if (!recorded) log::warn("mail claim lost before its attempt was recorded", {{"message", claim.id}});
    if (result.ok) {
      ++report.sent;
    } else {
      ++report.failed;
      log::warn("mail not delivered",
                {{"message", claim.id}, {"attempt", std::to_string(claim.attempt)}, {"reason", result.error}});
    }
  }
  return report;
}

}  // namespace eventd::services
