#include "db/event_repository.hpp"

#include <soci/soci.h>
#include <nlohmann/json.hpp>

#include "db/statement.hpp"
#include "db/support.hpp"
#include "domain/event_rules.hpp"
#include "domain/validation.hpp"

namespace eventd::db {

namespace {

// Column order is relied on by event_from_row.
constexpr const char* event_columns =
    "e.id::text, e.slug, e.title, e.summary, e.description, e.language, e.kind, e.format, e.status, "
    "e.timezone, e.all_day::int, eventd_us(e.starts_at), eventd_us(e.ends_at), "
    "to_char(e.starts_on, 'YYYY-MM-DD'), to_char(e.ends_on, 'YYYY-MM-DD'), "
    "e.venue_name, e.venue_street, e.venue_postal_code, e.venue_city, e.venue_region, e.venue_country, "
    "e.venue_latitude, e.venue_longitude, e.online_platform, e.online_stream_url, e.online_access, "
    "e.organiser_id::text, "
    // Each partner as "<organisation id> 0x1E <status>", in order, joined by 0x1F: one
    // subquery per event, not one for the ids and another for the statuses.
    "COALESCE((SELECT string_agg(p.organisation_id::text || chr(30) || p.status, chr(31) "
    "                            ORDER BY p.position, p.organisation_id) "
    "          FROM event_partners p WHERE p.event_id = e.id), ''), "
    "e.series, e.project_name, e.project_funder, e.audience, array_to_string(e.tags, chr(31)), "
    "e.capacity, e.waitlist::int, eventd_us(e.registration_opens_at), eventd_us(e.registration_closes_at), "
    "e.contacts::text, e.media_policy, e.sequence, e.version, eventd_us(e.created_at), eventd_us(e.updated_at), "
    "eventd_us(lower(e.during)), "
    "COALESCE(c.confirmed, 0)::int8, COALESCE(c.waitlisted, 0)::int8, COALESCE(c.version, 0), eventd_us(c.changed_at), "
    "eo.frontend_url";

// Every SELECT of event_columns reads FROM this: the event, its registration counts and its
// organiser. (The organiser joined, not a subquery per row: the planner scanned the small
// organisations table once for every event of a list.)
constexpr const char* event_from =
    " FROM events e LEFT JOIN event_registration_counts c ON c.event_id = e.id"
    " LEFT JOIN organisations eo ON eo.id = e.organiser_id";

bool is_null(const soci::row& row, std::size_t i) { return row.get_indicator(i) == soci::i_null; }

std::optional<domain::Date> opt_date(const soci::row& row, std::size_t i) {
  if (is_null(row, i)) return std::nullopt;
  return domain::parse_date(row.get<std::string>(i));
}
std::optional<double> opt_double(const soci::row& row, std::size_t i) {
  if (is_null(row, i)) return std::nullopt;
  return row.get<double>(i);
}

std::optional<std::string> json_text(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

EventRow event_from_row(const soci::row& row) {
  EventRow out;
  domain::Event& e = out.event;
  e.id = row.get<std::string>(0);
  e.slug = row.get<std::string>(1);
  e.title = row.get<std::string>(2);
  e.summary = opt_text(row, 3);
  e.description = opt_text(row, 4);
  e.language = row.get<std::string>(5);
  e.kind = domain::parse_event_kind(row.get<std::string>(6)).value_or(domain::EventKind::seminar);
  e.format = domain::parse_event_format(row.get<std::string>(7)).value_or(domain::EventFormat::in_person);
  e.status = domain::parse_event_status(row.get<std::string>(8)).value_or(domain::EventStatus::draft);
  e.timezone = row.get<std::string>(9);
  e.all_day = row.get<int>(10) != 0;
  e.starts_at = opt_instant(row, 11);
  e.ends_at = opt_instant(row, 12);
  e.starts_on = opt_date(row, 13);
  e.ends_on = opt_date(row, 14);
  // A venue always has a city (events_venue_check and the domain rules).
  if (!is_null(row, 18)) {
    domain::Venue v;
    v.name = opt_text(row, 15);
    v.street = opt_text(row, 16);
    v.postal_code = opt_text(row, 17);
    v.city = row.get<std::string>(18);
    v.region = opt_text(row, 19);
    v.country = opt_text(row, 20);
    v.latitude = opt_double(row, 21);
    v.longitude = opt_double(row, 22);
    e.venue = std::move(v);
  }
  // online_access is always written when there is an `online` member.
  if (!is_null(row, 25)) {
    domain::Online o;
    o.platform = opt_text(row, 23);
    o.stream_url = opt_text(row, 24);
    o.access = domain::parse_online_access(row.get<std::string>(25)).value_or(domain::OnlineAccess::public_);
    e.online = std::move(o);
  }
  e.organiser_id = row.get<std::string>(26);
  for (const auto& partner : split_list(row.get<std::string>(27))) {
    const auto separator = partner.find('\x1e');
    e.partner_ids.push_back(partner.substr(0, separator));
    const std::string status = separator == std::string::npos ? "" : partner.substr(separator + 1);
    e.partner_statuses.push_back(domain::parse_partner_status(status).value_or(domain::PartnerStatus::pending));
  }
  e.series = opt_text(row, 28);
  if (!is_null(row, 29)) e.project = domain::Project{row.get<std::string>(29), opt_text(row, 30)};
  e.audience = opt_text(row, 31);
  e.tags = split_list(row.get<std::string>(32));
  if (!is_null(row, 33)) e.capacity = row.get<int>(33);
  e.waitlist = row.get<int>(34) != 0;
  e.registration_opens_at = opt_instant(row, 35);
  e.registration_closes_at = opt_instant(row, 36);
  for (const auto& item : nlohmann::json::parse(row.get<std::string>(37))) {
    if (!item.is_object()) continue;
    domain::Contact c;
    c.name = json_text(item, "name").value_or("");
    c.role = json_text(item, "role");
    c.email = json_text(item, "email");
    c.phone = json_text(item, "phone");
    e.contacts.push_back(std::move(c));
  }
  e.media_policy = domain::parse_media_policy(row.get<std::string>(38)).value_or(domain::MediaPolicy::open);
  e.sequence = row.get<int>(39);
  e.version = row.get<long long>(40);
  e.created_at = from_us(row.get<long long>(41));
  e.updated_at = from_us(row.get<long long>(42));
  out.start_us = is_null(row, 43) ? 0 : row.get<long long>(43);
  e.counts.confirmed = static_cast<int>(row.get<long long>(44));
  e.counts.waitlisted = static_cast<int>(row.get<long long>(45));
  e.counts.version = row.get<long long>(46);
  e.counts.changed_at = opt_instant(row, 47);
  e.counts.capacity_left = domain::capacity_left(e.capacity, e.counts.confirmed);
  e.organiser_frontend_url = opt_text(row, 48);
  return out;
}

// Bound values of an event, kept alive for the statement (SOCI binds by reference).
struct EventParams {
  std::string slug, title, summary, description, language, kind, format, status, timezone;
  int all_day = 0;
  long long starts_at = 0, ends_at = 0;
  std::string starts_on, ends_on;
  std::string venue_name, venue_street, venue_postal_code, venue_city, venue_region, venue_country;
  double venue_latitude = 0, venue_longitude = 0;
  std::string online_platform, online_stream_url, online_access;
  std::string organiser_id, series, project_name, project_funder, audience, tags;
  int capacity = 0;
  int waitlist = 0;
  long long registration_opens_at = 0, registration_closes_at = 0;
  std::string contacts, media_policy;
  int sequence = 0;

  soci::indicator i_summary{}, i_description{}, i_starts_at{}, i_ends_at{}, i_starts_on{}, i_ends_on{};
  soci::indicator i_venue_name{}, i_venue_street{}, i_venue_postal_code{}, i_venue_city{}, i_venue_region{},
      i_venue_country{}, i_venue_latitude{}, i_venue_longitude{};
  soci::indicator i_online_platform{}, i_online_stream_url{}, i_online_access{};
  soci::indicator i_series{}, i_project_name{}, i_project_funder{}, i_audience{}, i_capacity{};
  soci::indicator i_registration_opens_at{}, i_registration_closes_at{};
};

template <class T, class V>
void set(T& target, soci::indicator& indicator, const std::optional<V>& value) {
  if (value) {
    target = static_cast<T>(*value);
    indicator = soci::i_ok;
  } else {
    indicator = soci::i_null;
  }
}

void set_instant(long long& target, soci::indicator& indicator, const std::optional<domain::Instant>& value) {
  set(target, indicator, value ? std::optional<long long>(to_us(*value)) : std::nullopt);
}

void set_date(std::string& target, soci::indicator& indicator, const std::optional<domain::Date>& value) {
  set(target, indicator, value ? std::optional<std::string>(domain::format_date(*value)) : std::nullopt);
}

EventParams params_of(const domain::Event& e) {
  EventParams p;
  p.slug = e.slug;
  p.title = e.title;
  set(p.summary, p.i_summary, e.summary);
  set(p.description, p.i_description, e.description);
  p.language = e.language;
  p.kind = std::string(domain::to_string(e.kind));
  p.format = std::string(domain::to_string(e.format));
  p.status = std::string(domain::to_string(e.status));
  p.timezone = e.timezone;
  p.all_day = e.all_day ? 1 : 0;
  set_instant(p.starts_at, p.i_starts_at, e.starts_at);
  set_instant(p.ends_at, p.i_ends_at, e.ends_at);
  set_date(p.starts_on, p.i_starts_on, e.starts_on);
  set_date(p.ends_on, p.i_ends_on, e.ends_on);
  const std::optional<domain::Venue>& v = e.venue;
  set(p.venue_name, p.i_venue_name, v ? v->name : std::nullopt);
  set(p.venue_street, p.i_venue_street, v ? v->street : std::nullopt);
  set(p.venue_postal_code, p.i_venue_postal_code, v ? v->postal_code : std::nullopt);
  set(p.venue_city, p.i_venue_city, v ? std::optional<std::string>(v->city) : std::nullopt);
  set(p.venue_region, p.i_venue_region, v ? v->region : std::nullopt);
  set(p.venue_country, p.i_venue_country, v ? v->country : std::nullopt);
  set(p.venue_latitude, p.i_venue_latitude, v ? v->latitude : std::nullopt);
  set(p.venue_longitude, p.i_venue_longitude, v ? v->longitude : std::nullopt);
  const std::optional<domain::Online>& o = e.online;
  set(p.online_platform, p.i_online_platform, o ? o->platform : std::nullopt);
  set(p.online_stream_url, p.i_online_stream_url, o ? o->stream_url : std::nullopt);
  set(p.online_access, p.i_online_access,
      o ? std::optional<std::string>(std::string(domain::to_string(o->access))) : std::nullopt);
  p.organiser_id = e.organiser_id;
  set(p.series, p.i_series, e.series);
  set(p.project_name, p.i_project_name, e.project ? std::optional<std::string>(e.project->name) : std::nullopt);
  set(p.project_funder, p.i_project_funder, e.project ? e.project->funder : std::nullopt);
  set(p.audience, p.i_audience, e.audience);
  p.tags = join_list(e.tags);
  set(p.capacity, p.i_capacity, e.capacity);
  p.waitlist = e.waitlist ? 1 : 0;
  set_instant(p.registration_opens_at, p.i_registration_opens_at, e.registration_opens_at);
  set_instant(p.registration_closes_at, p.i_registration_closes_at, e.registration_closes_at);
  nlohmann::json contacts = nlohmann::json::array();
  for (const auto& c : e.contacts) {
    nlohmann::json item = {{"name", c.name}};
    item["role"] = c.role ? nlohmann::json(*c.role) : nlohmann::json(nullptr);
    item["email"] = c.email ? nlohmann::json(*c.email) : nlohmann::json(nullptr);
    item["phone"] = c.phone ? nlohmann::json(*c.phone) : nlohmann::json(nullptr);
    contacts.push_back(std::move(item));
  }
  p.contacts = contacts.dump();
  p.media_policy = std::string(domain::to_string(e.media_policy));
  p.sequence = e.sequence;
  return p;
}

// The column = value list shared by INSERT (as its VALUES) and UPDATE (as its SET).
constexpr std::pair<const char*, const char*> event_values[] = {
    {"slug", ":slug"},
    {"title", ":title"},
    {"summary", ":summary"},
    {"description", ":description"},
    {"language", ":language"},
    {"kind", ":kind"},
    {"format", ":format"},
    {"status", ":status"},
    {"timezone", ":timezone"},
    {"all_day", "(CAST(:all_day AS int) <> 0)"},
    {"starts_at", "eventd_ts(:starts_at)"},
    {"ends_at", "eventd_ts(:ends_at)"},
    {"starts_on", "CAST(:starts_on AS date)"},
    {"ends_on", "CAST(:ends_on AS date)"},
    {"venue_name", ":venue_name"},
    {"venue_street", ":venue_street"},
    {"venue_postal_code", ":venue_postal_code"},
    {"venue_city", ":venue_city"},
    {"venue_region", ":venue_region"},
    {"venue_country", ":venue_country"},
    {"venue_latitude", ":venue_latitude"},
    {"venue_longitude", ":venue_longitude"},
    {"online_platform", ":online_platform"},
    {"online_stream_url", ":online_stream_url"},
    {"online_access", ":online_access"},
    {"organiser_id", "CAST(:organiser_id AS uuid)"},
    {"series", ":series"},
    {"project_name", ":project_name"},
    {"project_funder", ":project_funder"},
    {"audience", ":audience"},
    {"tags", "string_to_array(:tags, chr(31))"},
    {"capacity", ":capacity"},
    {"waitlist", "(CAST(:waitlist AS int) <> 0)"},
    {"registration_opens_at", "eventd_ts(:registration_opens_at)"},
    {"registration_closes_at", "eventd_ts(:registration_closes_at)"},
    {"contacts", "CAST(:contacts AS jsonb)"},
    {"media_policy", ":media_policy"},
    {"sequence", ":sequence"},
};

void bind_event(soci::details::prepare_temp_type& st, EventParams& p) {
  using soci::use;
  st, use(p.slug, "slug"), use(p.title, "title"), use(p.summary, p.i_summary, "summary"),
      use(p.description, p.i_description, "description"), use(p.language, "language"), use(p.kind, "kind"),
      use(p.format, "format"), use(p.status, "status"), use(p.timezone, "timezone"), use(p.all_day, "all_day"),
      use(p.starts_at, p.i_starts_at, "starts_at"), use(p.ends_at, p.i_ends_at, "ends_at"),
      use(p.starts_on, p.i_starts_on, "starts_on"), use(p.ends_on, p.i_ends_on, "ends_on"),
      use(p.venue_name, p.i_venue_name, "venue_name"), use(p.venue_street, p.i_venue_street, "venue_street"),
      use(p.venue_postal_code, p.i_venue_postal_code, "venue_postal_code"),
      use(p.venue_city, p.i_venue_city, "venue_city"), use(p.venue_region, p.i_venue_region, "venue_region"),
      use(p.venue_country, p.i_venue_country, "venue_country"),
      use(p.venue_latitude, p.i_venue_latitude, "venue_latitude"),
      use(p.venue_longitude, p.i_venue_longitude, "venue_longitude"),
      use(p.online_platform, p.i_online_platform, "online_platform"),
      use(p.online_stream_url, p.i_online_stream_url, "online_stream_url"),
      use(p.online_access, p.i_online_access, "online_access"), use(p.organiser_id, "organiser_id"),
      use(p.series, p.i_series, "series"), use(p.project_name, p.i_project_name, "project_name"),
      use(p.project_funder, p.i_project_funder, "project_funder"), use(p.audience, p.i_audience, "audience"),
      use(p.tags, "tags"), use(p.capacity, p.i_capacity, "capacity"), use(p.waitlist, "waitlist"),
      use(p.registration_opens_at, p.i_registration_opens_at, "registration_opens_at"),
      use(p.registration_closes_at, p.i_registration_closes_at, "registration_closes_at"), use(p.contacts, "contacts"),
      use(p.media_policy, "media_policy"), use(p.sequence, "sequence");
}

// Constraint names → domain errors. A check that fires here means a rule check_event does
// not cover (or a race, for the unique slug): each names its field.
[[noreturn]] void rethrow_mapped(const std::exception& error, const domain::Event& e) {
  using domain::FieldCode;
  throw_if_constraint(
      error,
      {
          {"events_slug_key",
           "slug",
           FieldCode("slug_taken"),
           {},
           domain::Problem::slug_taken,
           domain::detail("event_slug_taken", {{"slug", e.slug}})},
          {"events_slug_check", "slug", FieldCode("invalid_slug")},
          {"events_timezone_check", "timezone", FieldCode("invalid_time_zone")},
          {"events_time_check", "ends_at", FieldCode("must_be_after"), {{"other", "starts_at"}}},
          {"events_all_day_check", "all_day", FieldCode("times_required")},
          {"events_venue_check", "venue", FieldCode("required_to_publish_unless_online")},
          {"events_summary_check", "summary", FieldCode("too_long"), {{"max", "2000"}}},
          {"events_description_check", "description", FieldCode("too_long"), {{"max", "50000"}}},
          {"events_venue_country_check", "venue.country", FieldCode("invalid_country")},
          {"events_venue_text_check", "venue", FieldCode("member_too_long")},
          {"events_online_stream_url_check",
           "online.stream_url",
           FieldCode("invalid_url"),
           {{"max", std::to_string(domain::kMaxUrlLength)}}},
          {"events_project_check", "project", FieldCode("invalid")},
          {"events_audience_check", "audience", FieldCode("too_long"), {{"max", "2000"}}},
          {"events_tags_check", "tags", FieldCode("invalid")},
          {"events_capacity_check", "capacity", FieldCode("negative_capacity")},
          // schema/026: a capacity below the confirmed registrations (eventd checks before)
          {"event_registration_counts_capacity_check", domain::Problem::capacity_too_low},
          {"events_registration_window_check",
           "registration_closes_at",
           FieldCode("must_be_after"),
           {{"other", "registration_opens_at"}}},
          {"events_organiser_id_fkey", "organiser_id", FieldCode("unknown_organisation")},
          // schema/016: a programme's speakers are its organiser's records
          {"events_speakers_owner_check", "organiser_id", FieldCode("programme_has_speakers")},
          // schema/016: taken back from cancelled while a speaker of its programme was booked elsewhere
          {"session_speakers_no_overlap", "status", FieldCode("speaker_elsewhere"), {}, domain::Problem::speaker_clash},
          {"event_partners_organisation_id_fkey", "partner_ids", FieldCode("unknown_organisation")},
      });
  throw;
}

// A partner named again keeps its answer (schema/022: an invitation is answered once); a new
// one is a pending invitation; one no longer named is gone, with its answer.
void replace_partners(soci::session& session, const std::string& event_id, const std::vector<std::string>& partners) {
  std::string joined = join_list(partners);
  session << "DELETE FROM event_partners WHERE event_id = CAST(:id AS uuid) "
             "AND NOT (organisation_id = ANY (CAST(string_to_array(:partners, chr(31)) AS uuid[])))",
      soci::use(event_id, "id"), soci::use(joined, "partners");
  if (partners.empty()) return;
  session << "INSERT INTO event_partners (event_id, organisation_id, position) "
             "SELECT CAST(:id AS uuid), CAST(t.x AS uuid), (t.n - 1)::int "
             "FROM unnest(string_to_array(:partners, chr(31))) WITH ORDINALITY AS t(x, n) "
             "ON CONFLICT (event_id, organisation_id) DO UPDATE SET position = EXCLUDED.position "
             "WHERE event_partners.position IS DISTINCT FROM EXCLUDED.position",
      soci::use(event_id, "id"), soci::use(joined, "partners");
}

std::string lock_clause(RowLock lock) {
  switch (lock) {
    case RowLock::update:
      return " FOR UPDATE OF e";
    case RowLock::no_key_update:
      return " FOR NO KEY UPDATE OF e";
    case RowLock::none:
      break;
  }
  return "";
}

}  // namespace

std::optional<domain::Event> find_event(soci::session& session, std::string_view id_or_slug, RowLock lock) {
  if (!is_uuid(id_or_slug) && !domain::is_valid_slug(id_or_slug)) return std::nullopt;
  Params p;
  const std::string condition = is_uuid(id_or_slug) ? "e.id = " + p.add_uuid(std::string(id_or_slug))
                                                    : "e.slug = " + p.add(std::string(id_or_slug));
  std::optional<domain::Event> found;
  for_each_row(session, std::string("SELECT ") + event_columns + event_from + " WHERE " + condition + lock_clause(lock),
               p, [&](const soci::row& row) { found = event_from_row(row).event; });
  return found;
}

std::vector<domain::Event> find_events(soci::session& session, const std::vector<std::string>& ids) {
  std::vector<domain::Event> out;
  if (ids.empty()) return out;
  Params p;
  const std::string sql = std::string("SELECT ") + event_columns + event_from +
                          " WHERE e.id = ANY (CAST(string_to_array(" + p.add(join_list(ids)) +
                          ", chr(31)) AS uuid[])) ORDER BY lower(e.during), e.id";
  for_each_row(session, sql, p, [&](const soci::row& row) { out.push_back(event_from_row(row).event); });
  return out;
}

std::vector<EventRow> list_events(soci::session& session, const EventFilter& f) {
  // Only the fragments of the filters that are set are added, each value bound as a
  // parameter. No "$n IS NULL OR ..." catch-alls (see 001_catalogue.sql): every distinct
  // combination of filters is its own prepared statement, planned for what it asks.
  Params p;
  std::string sql = std::string("SELECT ") + event_columns + event_from + " WHERE ";
  switch (f.visibility) {
    case EventFilter::Visibility::public_only:
      sql += "e.status <> 'draft'";
      break;
    case EventFilter::Visibility::organiser:
      sql += "(e.status <> 'draft' OR e.organiser_id = " + p.add_uuid(f.own_organisation_id) + ")";
      break;
    case EventFilter::Visibility::all:
      sql += "TRUE";
      break;
  }
  // The window, as a fresh range expression each time it is used (each use binds its own
  // parameters: every placeholder appears once).
  auto window = [&]() {
    const std::optional<std::string> from = f.from ? std::optional(std::to_string(to_us(*f.from))) : std::nullopt;
    const std::optional<std::string> to = f.to ? std::optional(std::to_string(to_us(*f.to))) : std::nullopt;
    return "tstzrange(eventd_ts(CAST(" + p.add(from) + " AS bigint)), eventd_ts(CAST(" + p.add(to) +
           " AS bigint)), '[)')";
  };
  const bool windowed = f.from || f.to;
  if (windowed) sql += " AND e.during && " + window();  // sql-safe: window() is placeholders
  if (f.kind) sql += " AND e.kind = " + p.add(*f.kind);
  if (f.format) sql += " AND e.format = " + p.add(*f.format);
  if (f.status) sql += " AND e.status = " + p.add(*f.status);
  if (f.series) sql += " AND e.series = " + p.add(*f.series);
  if (f.tag) sql += " AND e.tags @> ARRAY[CAST(" + p.add(*f.tag) + " AS text)]";
  // An organisation named by id or slug, found by the statement itself: a list is then one
  // statement, its own snapshot, with no lookup and no transaction around it (GET /v1/events
  // went from five round trips to one). An unknown slug is NULL, which matches no row.
  auto organisation = [&](const std::string& id_or_slug) {
    return is_uuid(id_or_slug) ? p.add_uuid(id_or_slug)
                               : "(SELECT o.id FROM organisations o WHERE o.slug = " + p.add(id_or_slug) + ")";
  };
  if (f.organiser) sql += " AND e.organiser_id = " + organisation(*f.organiser);  // sql-safe: placeholders
  // A partner that has not accepted does not have the event as its own. With a window, the
  // partner arm finds only the window's events through its (organisation, during) index
  // (schema/011_list_indexes.sql).
  auto accepted_partner_of = [&](const std::string& organisation_id) {
    std::string arm =
        "SELECT pp.event_id FROM event_partners pp WHERE pp.status = 'accepted' AND pp.organisation_id = " +
        organisation(organisation_id);                     // sql-safe: placeholders
    if (windowed) arm += " AND pp.during && " + window();  // sql-safe: placeholders
    return arm;
  };
  if (f.partner) sql += " AND e.id IN (" + accepted_partner_of(*f.partner) + ")";  // sql-safe: placeholders
  if (f.organiser_or_partner) {
    // Each arm through its own index, as above.
    sql += " AND e.id IN (SELECT x.id FROM events x WHERE x.organiser_id = " +
           organisation(*f.organiser_or_partner);                               // sql-safe: placeholders
    if (windowed) sql += " AND x.during && " + window();                        // sql-safe: placeholders
    sql += " UNION ALL " + accepted_partner_of(*f.organiser_or_partner) + ")";  // sql-safe: placeholders
  }
  if (f.q) {
    const std::string q1 = p.add(*f.q), q2 = p.add(*f.q), q3 = p.add(*f.q);
    sql += " AND eventd_search_tsquery(CAST(" + q1 +
           " AS text)) IS NOT NULL AND (e.search_vector @@ eventd_search_tsquery(CAST(" + q2 + " AS text)) OR CAST(" +
           q3 + " AS text) <% e.search_text)";
  }
  if (f.after) {
    sql += " AND (lower(e.during), e.id) > (eventd_ts(CAST(" + p.add(std::to_string(f.after->first)) +
           " AS bigint)), " + p.add_uuid(f.after->second) + ")";
  }
  if (f.ends_after) sql += " AND upper(e.during) > " + p.add_us(*f.ends_after);
  if (f.ends_by) sql += " AND upper(e.during) <= " + p.add_us(*f.ends_by);
  sql += f.latest_end_first ? " ORDER BY upper(e.during) DESC, e.id DESC" : " ORDER BY lower(e.during), e.id";
  sql += " LIMIT CAST(" + p.add(std::to_string(f.limit)) + " AS integer)";
  std::vector<EventRow> rows;
  for_each_row(session, sql, p, [&](const soci::row& row) { rows.push_back(event_from_row(row)); });
  return rows;
}

domain::Event insert_event(soci::session& session, const domain::Event& event) {
  EventParams p = params_of(event);
  std::string columns, values;
  for (const auto& [column, value] : event_values) {
    if (!columns.empty()) {
      columns += ", ";
      values += ", ";
    }
    columns += column;
    values += value;
  }
  std::string id;
  try {
    soci::details::prepare_temp_type prepared =
        (session.prepare << "INSERT INTO events (" + columns + ") VALUES (" + values + ") RETURNING id::text");
    bind_event(prepared, p);
    prepared, soci::into(id);
    soci::statement st(prepared);
    st.execute(true);
    replace_partners(session, id, event.partner_ids);
  } catch (const domain::Error&) {
    throw;
  } catch (const std::exception& error) {
    rethrow_mapped(error, event);
  }
  auto stored = find_event(session, id);
  if (!stored) throw std::runtime_error("insert_event: the new event vanished");
  return *stored;
}

domain::Event update_event(soci::session& session, const domain::Event& event) {
  EventParams p = params_of(event);
  std::string id = event.id;
  std::string assignments;
  for (const auto& [column, value] : event_values) {
    if (!assignments.empty()) assignments += ", ";
    assignments += std::string(column) + " = " + value;
  }
  try {
    soci::details::prepare_temp_type prepared =
        (session.prepare << "UPDATE events SET " + assignments + " WHERE id = CAST(:id AS uuid)");
    bind_event(prepared, p);
    prepared, soci::use(id, "id");
    soci::statement st(prepared);
    st.execute(true);
    replace_partners(session, id, event.partner_ids);
    // The trigger bumped `version` only if a column the API shows changed.
    long long old_version = event.version;
    session << "UPDATE events SET updated_at = now() WHERE id = CAST(:id AS uuid) AND version <> :v",
        soci::use(id, "id"), soci::use(old_version, "v");
  } catch (const domain::Error&) {
    throw;
  } catch (const std::exception& error) {
    rethrow_mapped(error, event);
  }
  auto stored = find_event(session, id);
  if (!stored) throw std::runtime_error("update_event: the event vanished");
  return *stored;
}

void delete_event(soci::session& session, const std::string& id) {
  session << "DELETE FROM events WHERE id = CAST(:id AS uuid)", soci::use(id, "id");
}

std::optional<std::string> find_organisation_id(soci::session& session, std::string_view id_or_slug) {
  if (!is_uuid(id_or_slug) && !domain::is_valid_slug(id_or_slug)) return std::nullopt;
  std::string key(id_or_slug);
  std::string id;
  session << "SELECT id::text FROM organisations o WHERE " + id_or_slug_condition(key, "o."), soci::use(key, "key"),
      soci::into(id);
  if (!session.got_data()) return std::nullopt;
  return id;
}

std::optional<std::pair<std::string, std::string>> find_session_outside_event(soci::session& session,
                                                                              const std::string& event_id) {
  std::string id_in = event_id;
  std::string id, title;
  session << "SELECT s.id::text, s.title FROM sessions s JOIN events e ON e.id = s.event_id "
             "WHERE e.id = CAST(:id AS uuid) AND NOT (tstzrange(s.starts_at, s.ends_at, '[)') <@ e.during) "
             "ORDER BY s.starts_at, s.id LIMIT 1",
      soci::use(id_in, "id"), soci::into(id), soci::into(title);
  if (!session.got_data()) return std::nullopt;
  return std::pair{id, title};
}

}  // namespace eventd::db
