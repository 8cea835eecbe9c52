#include "http/dto/event.hpp"

#include "domain/links.hpp"

#include <string>

#include "domain/error.hpp"
#include "domain/event_rules.hpp"
#include "domain/event_time.hpp"
#include "domain/validation.hpp"
#include "http/dto/reader.hpp"
#include "http/json.hpp"

namespace eventd::http::dto {

namespace {

using nlohmann::json;

template <class E, std::size_t N>
std::string allowed(const domain::EnumNames<E, N>& names) {
  std::string out;
  for (const auto& [value, name] : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

// An event time as written (domain/event_time.hpp): read once the event's zone is known.
struct WrittenTime {
  std::string field;
  std::string text;
  std::optional<domain::Instant>* target;
};

void note_time(ObjectReader& r, std::string_view name, std::optional<domain::Instant>& target,
               std::vector<WrittenTime>& written) {
  auto text = r.string(name);
  if (!text) return;
  if (!domain::is_event_time_form(*text)) {
    auto refused = domain::read_event_time(*text, "");
    r.errors().add(r.field(name), refused.code, std::move(refused.params));
    return;
  }
  written.push_back({r.field(name), *text, &target});
}

template <class T>
json nullable(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

json nullable_instant(const std::optional<domain::Instant>& t, std::string_view zone) {
  return t ? json(domain::format_event_time(*t, zone)) : json(nullptr);
}

json nullable_date(const std::optional<domain::Date>& d) { return d ? json(domain::format_date(*d)) : json(nullptr); }

}  // namespace

services::EventDraft read_event_draft(const json& body) {
  require_object(body);
  domain::Validator errors;
  ObjectReader r(body, errors);
  services::EventDraft draft;
  domain::Event& e = draft.event;
  std::vector<WrittenTime> written;

  if (auto v = r.string("slug")) e.slug = *v;
  r.required("title");
  if (auto v = r.string("title")) e.title = *v;
  e.summary = r.string("summary");
  e.description = r.string("description");
  if (auto v = r.string("language")) e.language = *v;
  r.required("kind");
  if (auto v = r.enumeration("kind", domain::parse_event_kind, allowed(domain::kEventKindNames))) e.kind = *v;
  r.required("format");
  if (auto v = r.enumeration("format", domain::parse_event_format, allowed(domain::kEventFormatNames))) e.format = *v;
  if (auto v = r.enumeration("status", domain::parse_event_status, allowed(domain::kEventStatusNames))) e.status = *v;
  r.required("timezone");
  if (auto v = r.string("timezone")) e.timezone = *v;
  if (auto v = r.boolean("all_day")) e.all_day = *v;
  note_time(r, "starts_at", e.starts_at, written);
  note_time(r, "ends_at", e.ends_at, written);
  e.starts_on = r.date("starts_on");
  e.ends_on = r.date("ends_on");

  r.object("venue", [&](ObjectReader& v) {
    domain::Venue venue;
    venue.name = v.string("name");
    venue.street = v.string("street");
    venue.postal_code = v.string("postal_code");
    v.required("city");
    venue.city = v.string("city").value_or("");
    venue.region = v.string("region");
    venue.country = v.string("country");
    venue.latitude = v.number("latitude");
    venue.longitude = v.number("longitude");
    e.venue = std::move(venue);
  });
  r.object("online", [&](ObjectReader& o) {
    domain::Online online;
    online.platform = o.string("platform");
    online.stream_url = o.string("stream_url");
    if (auto a = o.enumeration("access", domain::parse_online_access, allowed(domain::kOnlineAccessNames))) {
      online.access = *a;
    }
    e.online = std::move(online);
  });

  r.required("organiser_id");
  if (auto v = r.string("organiser_id")) e.organiser_id = *v;
  if (auto v = r.strings("partner_ids", domain::kMaxPartners)) e.partner_ids = std::move(*v);
  e.series = r.string("series");
  r.object("project", [&](ObjectReader& p) {
    domain::Project project;
    p.required("name");
    project.name = p.string("name").value_or("");
    project.funder = p.string("funder");
    e.project = std::move(project);
  });
  e.audience = r.string("audience");
  if (auto v = r.strings("tags")) e.tags = std::move(*v);
  if (auto v = r.integer("capacity")) {
    if (*v < 0) {
      errors.add("capacity", domain::FieldCode("negative_capacity"));
    } else {
      e.capacity = static_cast<int>(*v);
    }
  }
  if (auto v = r.boolean("waitlist")) e.waitlist = *v;
  note_time(r, "registration_opens_at", e.registration_opens_at, written);
  note_time(r, "registration_closes_at", e.registration_closes_at, written);
  r.objects("contacts", [&](ObjectReader& c, std::size_t i) {
    // Index for index with the body, so that errors name the right element (a non-object
    // element is reported by the reader and left a placeholder).
    if (e.contacts.size() < i) e.contacts.resize(i);
    domain::Contact contact;
    c.required("name");
    contact.name = c.string("name").value_or("");
    contact.role = c.string("role");
    contact.email = c.string("email");
    contact.phone = c.string("phone");
    e.contacts.push_back(std::move(contact));
  });
  if (auto v = r.enumeration("media_policy", domain::parse_media_policy, allowed(domain::kMediaPolicyNames))) {
    e.media_policy = *v;
  }
  r.reject_unknown();

  // Now that the zone is known (an invalid one is reported by check_event).
  for (const auto& time : written) {
    domain::EventTime read = domain::read_event_time(time.text, e.timezone);
    if (read.instant) {
      *time.target = read.instant;
    } else {
      errors.add(time.field, read.code, std::move(read.params));
    }
  }
  draft.errors = errors.take();
  return draft;
}

domain::Event read_event(const json& body) {
  auto draft = read_event_draft(body);
  if (!draft.errors.empty()) throw domain::validation(std::move(draft.errors));
  return std::move(draft.event);
}

json event_request_json(const domain::Event& e) {
  json out = json::object();
  out["slug"] = e.slug;
  out["title"] = e.title;
  if (e.summary) out["summary"] = *e.summary;
  if (e.description) out["description"] = *e.description;
  out["language"] = e.language;
  out["kind"] = domain::to_string(e.kind);
  out["format"] = domain::to_string(e.format);
  out["status"] = domain::to_string(e.status);
  out["timezone"] = e.timezone;
  out["all_day"] = e.all_day;
  if (e.starts_at) out["starts_at"] = domain::format_utc(*e.starts_at);
  if (e.ends_at) out["ends_at"] = domain::format_utc(*e.ends_at);
  if (e.starts_on) out["starts_on"] = domain::format_date(*e.starts_on);
  if (e.ends_on) out["ends_on"] = domain::format_date(*e.ends_on);
  if (e.venue) {
    json v = {{"city", e.venue->city}};
    if (e.venue->name) v["name"] = *e.venue->name;
    if (e.venue->street) v["street"] = *e.venue->street;
    if (e.venue->postal_code) v["postal_code"] = *e.venue->postal_code;
    if (e.venue->region) v["region"] = *e.venue->region;
    if (e.venue->country) v["country"] = *e.venue->country;
    if (e.venue->latitude) v["latitude"] = *e.venue->latitude;
    if (e.venue->longitude) v["longitude"] = *e.venue->longitude;
    out["venue"] = std::move(v);
  }
  if (e.online) {
    json o = {{"access", domain::to_string(e.online->access)}};
    if (e.online->platform) o["platform"] = *e.online->platform;
    if (e.online->stream_url) o["stream_url"] = *e.online->stream_url;
    out["online"] = std::move(o);
  }
  out["organiser_id"] = e.organiser_id;
  out["partner_ids"] = e.partner_ids;
  if (e.series) out["series"] = *e.series;
  if (e.project) {
    json p = {{"name", e.project->name}};
    if (e.project->funder) p["funder"] = *e.project->funder;
    out["project"] = std::move(p);
  }
  if (e.audience) out["audience"] = *e.audience;
  out["tags"] = e.tags;
  if (e.capacity) out["capacity"] = *e.capacity;
  out["waitlist"] = e.waitlist;
  if (e.registration_opens_at) out["registration_opens_at"] = domain::format_utc(*e.registration_opens_at);
  if (e.registration_closes_at) out["registration_closes_at"] = domain::format_utc(*e.registration_closes_at);
  json contacts = json::array();
  for (const auto& c : e.contacts) {
    json item = {{"name", c.name}};
    if (c.role) item["role"] = *c.role;
    if (c.email) item["email"] = *c.email;
    if (c.phone) item["phone"] = *c.phone;
    contacts.push_back(std::move(item));
  }
  out["contacts"] = std::move(contacts);
  out["media_policy"] = domain::to_string(e.media_policy);
  return out;
}

json contacts_json(const std::vector<domain::Contact>& contacts) {
  json out = json::array();
  for (const auto& c : contacts) {
    out.push_back(
        {{"name", c.name}, {"role", nullable(c.role)}, {"email", nullable(c.email)}, {"phone", nullable(c.phone)}});
  }
  return out;
}

json event_json(const domain::Event& e, bool show_stream_url, bool for_organiser, std::string_view public_url,
                std::string_view frontend_url) {
  const std::string_view zone = e.timezone;
  json out = json::object();
  out["id"] = e.id;
  out["slug"] = e.slug;
  out["title"] = e.title;
  out["summary"] = nullable(e.summary);
  out["description"] = nullable(e.description);
  out["language"] = e.language;
  out["kind"] = domain::to_string(e.kind);
  out["format"] = domain::to_string(e.format);
  out["status"] = domain::to_string(e.status);
  out["timezone"] = e.timezone;
  out["all_day"] = e.all_day;
  out["starts_at"] = nullable_instant(e.starts_at, zone);
  out["ends_at"] = nullable_instant(e.ends_at, zone);
  out["starts_on"] = nullable_date(e.starts_on);
  out["ends_on"] = nullable_date(e.ends_on);
  if (e.venue) {
    const domain::Venue& v = *e.venue;
    out["venue"] = {{"name", nullable(v.name)},
                    {"street", nullable(v.street)},
                    {"postal_code", nullable(v.postal_code)},
                    {"city", v.city},
                    {"region", nullable(v.region)},
                    {"country", nullable(v.country)},
                    {"latitude", nullable(v.latitude)},
                    {"longitude", nullable(v.longitude)}};
  } else {
    out["venue"] = nullptr;
  }
  if (e.online) {
    const domain::Online& o = *e.online;
    out["online"] = {{"platform", nullable(o.platform)},
                     {"stream_url", show_stream_url ? nullable(o.stream_url) : json(nullptr)},
                     {"access", domain::to_string(o.access)}};
  } else {
    out["online"] = nullptr;
  }
  out["organiser_id"] = e.organiser_id;
  out["partner_ids"] = domain::shown_partner_ids(e, for_organiser);
  if (for_organiser) {
    json partners = json::array();
    for (std::size_t i = 0; i < e.partner_ids.size(); ++i) {
      const auto status = i < e.partner_statuses.size() ? e.partner_statuses[i] : domain::PartnerStatus::pending;
      partners.push_back({{"organisation_id", e.partner_ids[i]}, {"status", domain::to_string(status)}});
    }
    out["partners"] = std::move(partners);
  }
  out["series"] = nullable(e.series);
  out["project"] = e.project ? json{{"name", e.project->name}, {"funder", nullable(e.project->funder)}} : json(nullptr);
  out["audience"] = nullable(e.audience);
  out["tags"] = e.tags;
  out["capacity"] = nullable(e.capacity);
  out["waitlist"] = e.waitlist;
  out["registration_opens_at"] = nullable_instant(e.registration_opens_at, zone);
  out["registration_closes_at"] = nullable_instant(e.registration_closes_at, zone);
  out["contacts"] = contacts_json(e.contacts);
  out["media_policy"] = domain::to_string(e.media_policy);
  out["counts"] = {{"confirmed", e.counts.confirmed},
                   {"waitlisted", e.counts.waitlisted},
                   {"capacity_left", nullable(e.counts.capacity_left)}};
  std::string feed = std::string(public_url) + "/v1/events/" + e.id + "/calendar.ics";
  out["calendar_url"] = feed;
  auto scheme_end = feed.find("://");
  out["webcal_url"] = "webcal" + feed.substr(scheme_end);
  out["links"] = {{"page", domain::PageLinks(std::string(public_url), std::string(frontend_url))
                               .for_organisation(e.organiser_frontend_url)
                               .event(e.slug)},
                  {"api", std::string(public_url) + "/v1/events/" + e.id}};
  out["sequence"] = e.sequence;
  out["created_at"] = domain::format_utc(e.created_at);
  out["updated_at"] = domain::format_utc(e.updated_at);
  return out;
}

namespace {

// One JSON object written as text: members must come in the byte order of their names,
// which is the order nlohmann::json (a std::map) dumps them in.
class ObjectText {
 public:
  explicit ObjectText(std::string& out) : out_(out) { out_ += '{'; }
  ~ObjectText() { out_ += '}'; }
  ObjectText(const ObjectText&) = delete;
  ObjectText& operator=(const ObjectText&) = delete;

  // The member's name, ready for its value.
  std::string& key(std::string_view name) {
    if (!first_) out_ += ',';
    first_ = false;
    out_ += '"';
    out_ += name;  // our own names: nothing to escape
    out_ += "\":";
    return out_;
  }
  void string(std::string_view name, std::string_view value) { append_json_string(key(name), value); }
  void string(std::string_view name, const std::string& value) { append_json_string(key(name), value); }
  void string(std::string_view name, const std::optional<std::string>& value) {
    if (value) {
      string(name, *value);
    } else {
      null(name);
    }
  }
  void null(std::string_view name) { key(name) += "null"; }
  void boolean(std::string_view name, bool value) { key(name) += value ? "true" : "false"; }
  void integer(std::string_view name, long long value) { append_json_number(key(name), value); }
  void integer(std::string_view name, const std::optional<int>& value) {
    if (value) {
      integer(name, *value);
    } else {
      null(name);
    }
  }
  void number(std::string_view name, const std::optional<double>& value) {
    if (value) {
      append_json_number(key(name), *value);
    } else {
      null(name);
    }
  }
  void instant(std::string_view name, const std::optional<domain::Instant>& t, std::string_view zone) {
    if (t) {
      string(name, domain::format_event_time(*t, zone));
    } else {
      null(name);
    }
  }
  void strings(std::string_view name, const std::vector<std::string>& values) {
    std::string& out = key(name);
    out += '[';
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out += ',';
      append_json_string(out, values[i]);
    }
    out += ']';
  }

 private:
  std::string& out_;
  bool first_ = true;
};

}  // namespace

void append_event_json(std::string& out, const domain::Event& e, bool show_stream_url, bool for_organiser,
                       std::string_view public_url, std::string_view frontend_url, std::string_view included) {
  const std::string_view zone = e.timezone;
  const std::string feed = std::string(public_url) + "/v1/events/" + e.id + "/calendar.ics";
  ObjectText w(out);
  w.boolean("all_day", e.all_day);
  w.string("audience", e.audience);
  w.string("calendar_url", feed);
  w.integer("capacity", e.capacity);
  {
    std::string& contacts = w.key("contacts");
    contacts += '[';
    for (std::size_t i = 0; i < e.contacts.size(); ++i) {
      if (i > 0) contacts += ',';
      const domain::Contact& c = e.contacts[i];
      ObjectText item(contacts);
      item.string("email", c.email);
      item.string("name", c.name);
      item.string("phone", c.phone);
      item.string("role", c.role);
    }
    contacts += ']';
  }
  {
    ObjectText counts(w.key("counts"));
    counts.integer("capacity_left", e.counts.capacity_left);
    counts.integer("confirmed", e.counts.confirmed);
    counts.integer("waitlisted", e.counts.waitlisted);
  }
  w.string("created_at", domain::format_utc(e.created_at));
  w.string("description", e.description);
  w.instant("ends_at", e.ends_at, zone);
  w.string("ends_on", e.ends_on ? std::optional(domain::format_date(*e.ends_on)) : std::nullopt);
  w.string("format", domain::to_string(e.format));
  w.string("id", e.id);
  if (!included.empty()) w.key("included") += included;
  w.string("kind", domain::to_string(e.kind));
  w.string("language", e.language);
  {
    ObjectText links(w.key("links"));
    links.string("api", std::string(public_url) + "/v1/events/" + e.id);
    links.string("page", domain::PageLinks(std::string(public_url), std::string(frontend_url))
                             .for_organisation(e.organiser_frontend_url)
                             .event(e.slug));
  }
  w.string("media_policy", domain::to_string(e.media_policy));
  if (e.online) {
    const domain::Online& o = *e.online;
    ObjectText online(w.key("online"));
    online.string("access", domain::to_string(o.access));
    online.string("platform", o.platform);
    online.string("stream_url", show_stream_url ? o.stream_url : std::nullopt);
  } else {
    w.null("online");
  }
  w.string("organiser_id", e.organiser_id);
  w.strings("partner_ids", domain::shown_partner_ids(e, for_organiser));
  if (for_organiser) {
    std::string& partners = w.key("partners");
    partners += '[';
    for (std::size_t i = 0; i < e.partner_ids.size(); ++i) {
      if (i > 0) partners += ',';
      const auto status = i < e.partner_statuses.size() ? e.partner_statuses[i] : domain::PartnerStatus::pending;
      ObjectText item(partners);
      item.string("organisation_id", e.partner_ids[i]);
      item.string("status", domain::to_string(status));
    }
    partners += ']';
  }
  if (e.project) {
    ObjectText project(w.key("project"));
    project.string("funder", e.project->funder);
    project.string("name", e.project->name);
  } else {
    w.null("project");
  }
  w.instant("registration_closes_at", e.registration_closes_at, zone);
  w.instant("registration_opens_at", e.registration_opens_at, zone);
  w.integer("sequence", e.sequence);
  w.string("series", e.series);
  w.string("slug", e.slug);
  w.instant("starts_at", e.starts_at, zone);
  w.string("starts_on", e.starts_on ? std::optional(domain::format_date(*e.starts_on)) : std::nullopt);
  w.string("status", domain::to_string(e.status));
  w.string("summary", e.summary);
  w.strings("tags", e.tags);
  w.string("timezone", e.timezone);
  w.string("title", e.title);
  w.string("updated_at", domain::format_utc(e.updated_at));
  if (e.venue) {
    const domain::Venue& v = *e.venue;
    ObjectText venue(w.key("venue"));
    venue.string("city", v.city);
    venue.string("country", v.country);
    venue.number("latitude", v.latitude);
    venue.number("longitude", v.longitude);
    venue.string("name", v.name);
    venue.string("postal_code", v.postal_code);
    venue.string("region", v.region);
    venue.string("street", v.street);
  } else {
    w.null("venue");
  }
  w.boolean("waitlist", e.waitlist);
  w.string("webcal_url", "webcal" + feed.substr(feed.find("://")));
}

}  // namespace eventd::http::dto
