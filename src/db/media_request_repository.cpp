#include "db/media_request_repository.hpp"

#include <soci/soci.h>

#include "db/statement.hpp"
#include "db/support.hpp"

namespace eventd::db {

namespace {

// Column order is relied on by from_row.
constexpr const char* media_request_columns =
    "m.id::text, m.event_id::text, m.status, m.name, m.email, m.outlet, m.phone, m.message, m.note, "
    "eventd_us(m.decided_at), eventd_us(m.erased_at), m.version, eventd_us(m.created_at), eventd_us(m.updated_at), "
    "m.seq, e.organiser_id::text, encode(m.status_token_hash, 'hex'), m.feed_generation";
constexpr std::size_t kColumnCount = 18;

constexpr const char* media_request_from = " FROM media_requests m JOIN events e ON e.id = m.event_id";

struct Row {
  MediaRequestRecord record;
  long long seq = 0;
};

Row from_row(const soci::row& row) {
  Row out;
  domain::MediaRequest& m = out.record.request;
  m.id = row.get<std::string>(0);
  m.event_id = row.get<std::string>(1);
  m.status =
      domain::parse_media_request_status(row.get<std::string>(2)).value_or(domain::MediaRequestStatus::withdrawn);
  m.erased_at = opt_instant(row, 10);
  if (!m.erased_at) {
    domain::MediaRequester r;
    r.name = row.get<std::string>(3);
    r.email = row.get<std::string>(4);
    r.outlet = row.get<std::string>(5);
    r.phone = opt_text(row, 6);
    r.message = opt_text(row, 7);
    m.requester = std::move(r);
  }
  m.note = opt_text(row, 8);
  m.decided_at = opt_instant(row, 9);
  m.version = row.get<long long>(11);
  m.created_at = from_us(row.get<long long>(12));
  m.updated_at = from_us(row.get<long long>(13));
  out.seq = row.get<long long>(14);
  out.record.organiser_id = row.get<std::string>(15);
  out.record.status_token_hash = row.get<std::string>(16);
  m.feed_generation = row.get<int>(17);
  return out;
}

std::optional<MediaRequestRecord> find_one(soci::session& session, const std::string& condition, Params& params,
                                           bool for_update = false) {
  std::optional<MediaRequestRecord> found;
  std::string sql = std::string("SELECT ") + media_request_columns + media_request_from + " WHERE " + condition;
  if (for_update) sql += " FOR UPDATE OF m";
  for_each_row(session, sql, params, [&](const soci::row& row) { found = from_row(row).record; });
  return found;
}

void throw_if_media_request_constraint(const std::exception& e) {
  using domain::FieldCode;
  throw_if_constraint(
      e, {
             {"media_requests_open_email_key", domain::Problem::duplicate_media_request,
              domain::detail("media_request_open_already")},
             {"media_requests_name_check", "name", FieldCode("length_between"), {{"min", "1"}, {"max", "200"}}},
             {"media_requests_email_check", "email", FieldCode("length_between"), {{"min", "3"}, {"max", "254"}}},
             {"media_requests_outlet_check", "outlet", FieldCode("length_between"), {{"min", "1"}, {"max", "200"}}},
             {"media_requests_phone_check", "phone", FieldCode("invalid_phone")},
             {"media_requests_message_check", "message", FieldCode("too_long"), {{"max", "2000"}}},
             {"media_requests_note_check", "note", FieldCode("too_long"), {{"max", "2000"}}},
         });
}

std::string status_text(domain::MediaRequestStatus s) { return std::string(domain::to_string(s)); }

}  // namespace

std::string insert_media_request(soci::session& session, const NewMediaRequest& r) {
  Params p;
  const std::string sql =
      "WITH created AS (INSERT INTO media_requests (event_id, status, name, email, outlet, phone, message, "
      "status_token_hash, feed_token_hash) VALUES (" +
      p.add_uuid(r.event_id) + ", 'pending', " + p.add(r.requester.name) + ", " + p.add(r.requester.email) + ", " +
      p.add(r.requester.outlet) + ", " + p.add(r.requester.phone) + ", " + p.add(r.requester.message) + ", decode(" +
      p.add(r.status_token_hash) + ", 'hex'), decode(" + p.add(r.feed_token_hash) +
      ", 'hex')) RETURNING id) "
      "INSERT INTO media_request_decisions (media_request_id, from_status, to_status, actor) "
      "SELECT id, NULL, 'pending', 'requester' FROM created RETURNING media_request_id::text";
  std::string id;
  try {
    for_each_row(session, sql, p, [&](const soci::row& row) { id = row.get<std::string>(0); });
  } catch (const std::exception& e) {
    throw_if_media_request_constraint(e);
    throw;
  }
  return id;
}

std::optional<MediaRequestRecord> find_media_request(soci::session& session, const std::string& id, bool for_update) {
  if (!is_uuid(id)) return std::nullopt;
  Params p;
  return find_one(session, "m.id = " + p.add_uuid(id), p, for_update);
}

std::optional<std::string> find_media_request_id_by_status_hash(soci::session& session, const std::string& hash) {
  Params p;
  std::optional<std::string> id;
  for_each_row(session,
               "SELECT id::text FROM media_requests WHERE status_token_hash = decode(" + p.add(hash) + ", 'hex')", p,
               [&](const soci::row& row) { id = row.get<std::string>(0); });
  return id;
}

std::optional<MediaRequestRecord> find_media_request_by_feed_hash(soci::session& session, const std::string& hash) {
  Params p;
  const std::string feed = p.add(hash);
  const std::string mail_feed = p.add(hash);
  return find_one(
      session,
      "(m.feed_token_hash = decode(" + feed + ", 'hex') OR m.mail_feed_token_hash = decode(" + mail_feed + ", 'hex'))",
      p);
}

bool set_mail_feed_token(soci::session& session, const std::string& id, const std::string& hash) {
  Params p;
  bool set = false;
  for_each_row(session,
               "UPDATE media_requests SET mail_feed_token_hash = decode(" + p.add(hash) +
                   ", 'hex') WHERE id = " + p.add_uuid(id) + " AND mail_feed_token_hash IS NULL RETURNING 1",
               p, [&](const soci::row&) { set = true; });
  return set;
}

void rotate_media_feed_token(soci::session& session, const std::string& id, int generation,
                             const std::string& feed_hash) {
  Params p;
  execute(session,
          "UPDATE media_requests SET feed_generation = CAST(" + p.add(std::to_string(generation)) +
              " AS int), feed_token_hash = decode(" + p.add(feed_hash) +
              ", 'hex'), mail_feed_token_hash = NULL, updated_at = now() WHERE id = " + p.add_uuid(id),
          p);
}

bool transition_media_request(soci::session& session, const MediaTransition& t) {
  // Each placeholder once (Params): values used twice are bound twice.
  Params p;
  const std::string to = p.add(status_text(t.to));
  const std::string note = p.add(t.note);
  const std::string id = p.add_uuid(t.id);
  const std::string from = p.add(status_text(t.from));
  const std::string history_from = p.add(status_text(t.from));
  const std::string history_to = p.add(status_text(t.to));
  const std::string actor = p.add(std::string(domain::to_string(t.actor)));
  const std::string key = t.api_key_id ? p.add_uuid(*t.api_key_id) : std::string("NULL::uuid");
  const std::string history_note = p.add(t.note);
  // The status guard makes the change and its history row one decision, whatever else runs.
  const std::string sql = "WITH changed AS (UPDATE media_requests SET status = " + to + ", note = " + note +
                          ", decided_at = now(), updated_at = now() WHERE id = " + id + " AND status = " + from +
                          " RETURNING id) "
                          "INSERT INTO media_request_decisions (media_request_id, from_status, to_status, actor, "
                          "api_key_id, note) SELECT id, " +
                          history_from + ", " + history_to + ", " + actor + ", " + key + ", " + history_note +
                          " FROM changed RETURNING 1";
  bool changed = false;
  try {
    for_each_row(session, sql, p, [&](const soci::row&) { changed = true; });
  } catch (const std::exception& e) {
    throw_if_media_request_constraint(e);
    throw;
  }
  return changed;
}

std::vector<domain::MediaDecision> media_request_history(soci::session& session, const std::string& id) {
  std::vector<domain::MediaDecision> out;
  if (!is_uuid(id)) return out;
  Params p;
  const std::string sql =
      "SELECT d.from_status, d.to_status, d.actor, d.api_key_id::text, k.name, d.note, eventd_us(d.decided_at) "
      "FROM media_request_decisions d LEFT JOIN api_keys k ON k.id = d.api_key_id "
      "WHERE d.media_request_id = " +
      p.add_uuid(id) + " ORDER BY d.id";
  for_each_row(session, sql, p, [&](const soci::row& row) {
    domain::MediaDecision d;
    if (auto from = opt_text(row, 0)) d.from = domain::parse_media_request_status(*from);
    d.to = domain::parse_media_request_status(row.get<std::string>(1)).value_or(domain::MediaRequestStatus::pending);
    d.actor = domain::parse_media_actor(row.get<std::string>(2)).value_or(domain::MediaActor::requester);
    d.api_key_id = opt_text(row, 3);
    d.api_key_name = opt_text(row, 4);
    d.note = opt_text(row, 5);
    d.decided_at = from_us(row.get<long long>(6));
    out.push_back(std::move(d));
  });
  return out;
}

void erase_media_request(soci::session& session, const std::string& id, const std::string& reason) {
  Params p;
  const std::string rid = p.add_uuid(id);
  execute(session,
          "UPDATE media_requests SET name = NULL, email = NULL, outlet = NULL, phone = NULL, message = NULL, "
          "note = NULL, erased_at = now(), erased_reason = " +
              p.add(reason) + ", updated_at = now() WHERE erased_at IS NULL AND id = " + rid,
          p);
  // A note to the requester may name them; who decided what, and when, stays.
  Params q;
  execute(session, "UPDATE media_request_decisions SET note = NULL WHERE media_request_id = " + q.add_uuid(id), q);
}

std::vector<MediaRequestListRow> list_media_requests(soci::session& session, const MediaRequestFilter& f) {
  Params p;
  std::string sql = std::string("SELECT ") + media_request_columns + media_request_from + " WHERE true";
  if (f.event_id) sql += " AND m.event_id = " + p.add_uuid(*f.event_id);
  if (f.organisation_id) sql += " AND e.organiser_id = " + p.add_uuid(*f.organisation_id);
  if (f.status) sql += " AND m.status = " + p.add(status_text(*f.status));
  if (f.after_seq) sql += " AND m.seq > CAST(" + p.add(std::to_string(*f.after_seq)) + " AS bigint)";
  sql += " ORDER BY m.seq LIMIT CAST(" + p.add(std::to_string(f.limit)) + " AS int)";
  std::vector<MediaRequestListRow> out;
  for_each_row(session, sql, p, [&](const soci::row& row) {
    Row r = from_row(row);
    out.push_back({std::move(r.record.request), r.seq});
  });
  return out;
}

std::vector<MediaPersonalRecord> media_requests_of_email(soci::session& session, const std::string& email,
                                                         const std::optional<std::string>& organisation_id) {
  Params p;
  std::string sql = std::string("SELECT ") + media_request_columns +
                    ", e.slug, e.title, eventd_us(lower(e.during)), e.timezone, "
                    "(SELECT o.frontend_url FROM organisations o WHERE o.id = e.organiser_id)" +
                    media_request_from + " WHERE eventd_address(m.email) = eventd_address(" + p.add(email) + ")";
  if (organisation_id) sql += " AND e.organiser_id = " + p.add_uuid(*organisation_id);
  sql += " ORDER BY m.created_at, m.id";
  std::vector<MediaPersonalRecord> out;
  for_each_row(session, sql, p, [&](const soci::row& row) {
    Row r = from_row(row);
    out.push_back({std::move(r.record.request), row.get<std::string>(kColumnCount),
                   row.get<std::string>(kColumnCount + 1), opt_instant(row, kColumnCount + 2),
                   row.get<std::string>(kColumnCount + 3), opt_text(row, kColumnCount + 4)});
  });
  return out;
}

long long anonymise_media_requests_of_ended_events(soci::session& session, domain::Instant cutoff) {
  Params p;
  long long count = 0;
  const std::string sql =
      "WITH erased AS (UPDATE media_requests m SET name = NULL, email = NULL, outlet = NULL, phone = NULL, "
      "message = NULL, note = NULL, erased_at = now(), erased_reason = 'retention', updated_at = now() "
      "FROM events e WHERE e.id = m.event_id AND m.erased_at IS NULL AND upper(e.during) < " +
      p.add_us(cutoff) +
      " RETURNING m.id), "
      "unnoted AS (UPDATE media_request_decisions d SET note = NULL FROM erased WHERE d.media_request_id = erased.id) "
      "SELECT count(*) FROM erased";
  for_each_row(session, sql, p, [&](const soci::row& row) { count = row.get<long long>(0); });
  return count;
}

}  // namespace eventd::db
