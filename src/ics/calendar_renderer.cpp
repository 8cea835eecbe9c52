#include "ics/calendar_renderer.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <utility>

#include "domain/event_rules.hpp"
#include "ics/ical_ptr.hpp"
#include "ics/lint.hpp"
#include "ics/serialise.hpp"
#include "ics/text.hpp"
#include "ics/vtimezone.hpp"

namespace eventd::ics {

using detail::ComponentPtr;
using domain::Event;
using domain::EventStatus;
using domain::Instant;
using domain::Session;

void initialise() {
  domain::preload_timezones();
  // libical keeps its error state and the UTC zone in globals set up on first use.
  icalerror_set_errors_are_fatal(0);
  (void)icaltimezone_get_utc_timezone();
}

std::string event_uid(std::string_view event_id, std::string_view host) {
  return "event-" + std::string(event_id) + "@" + std::string(host);
}

std::string task_uid(std::string_view task_id, std::string_view host) {
  return "task-" + std::string(task_id) + "@" + std::string(host);
}

std::string session_uid(std::string_view session_id, std::string_view host) {
  return "session-" + std::string(session_id) + "@" + std::string(host);
}

namespace {

bool is_swedish(std::string_view language) { return language == "sv" || language.starts_with("sv-"); }

struct Civil {
  std::chrono::year_month_day date;
  std::chrono::seconds time_of_day;
};

Civil civil(std::chrono::sys_seconds t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  return {std::chrono::year_month_day{day}, t - day};
}

icaltimetype make_time(const Civil& c, bool utc) {
  const std::chrono::hh_mm_ss hms{c.time_of_day};
  icaltimetype t = icaltime_null_time();
  t.year = static_cast<int>(c.date.year());
  t.month = static_cast<int>(static_cast<unsigned>(c.date.month()));
  t.day = static_cast<int>(static_cast<unsigned>(c.date.day()));
  t.hour = static_cast<int>(hms.hours().count());
  t.minute = static_cast<int>(hms.minutes().count());
  t.second = static_cast<int>(hms.seconds().count());
  t.is_date = 0;
  t.zone = utc ? icaltimezone_get_utc_timezone() : nullptr;
  return t;
}

// "20201126T080000Z"
icaltimetype utc_time(Instant t) { return make_time(civil(std::chrono::floor<std::chrono::seconds>(t)), true); }

// The wall time in `tz`, floating (the TZID parameter names the zone).
icaltimetype zone_time(Instant t, const std::string& tz) {
  const auto s = std::chrono::floor<std::chrono::seconds>(t);
  return make_time(civil(s + domain::utc_offset(t, tz)), false);
}

icaltimetype date_value(domain::Date d) {
  icaltimetype t = icaltime_null_date();
  t.year = static_cast<int>(d.year());
  t.month = static_cast<int>(static_cast<unsigned>(d.month()));
  t.day = static_cast<int>(static_cast<unsigned>(d.day()));
  t.is_date = 1;
  return t;
}

int local_year(Instant t, const std::string& tz) {
  const auto s = std::chrono::floor<std::chrono::seconds>(t) + domain::utc_offset(t, tz);
  return static_cast<int>(civil(s).date.year());
}

// The years each zone is used in: the VTIMEZONEs cover exactly those.
class ZoneUse {
 public:
  void note(const std::string& tz, Instant t) {
    const int y = local_year(t, tz);
    auto [it, inserted] = years_.try_emplace(tz, y, y);
    if (!inserted) {
      it->second.first = std::min(it->second.first, y);
      it->second.second = std::max(it->second.second, y);
    }
  }
  void add_vtimezones(icalcomponent* calendar) const {
    for (const auto& [tz, range] : years_) {
      icalcomponent_add_component(calendar, detail::make_vtimezone(tz, range.first, range.second).release());
    }
  }
  bool empty() const { return years_.empty(); }

 private:
  std::map<std::string, std::pair<int, int>> years_;
};

void add(icalcomponent* c, icalproperty* p) { icalcomponent_add_property(c, p); }

void add_text(icalcomponent* c, icalproperty* (*make)(const char*), std::string_view text, bool single_line = false) {
  const std::string clean = clean_text(text, single_line);
  if (clean.empty()) return;
  add(c, make(clean.c_str()));
}

void add_x(icalcomponent* c, const char* name, std::string_view value) {
  // The serialiser escapes X-property values itself (libical 3.0.16 leaves commas alone).
  const std::string clean = clean_text(value, true);
  icalproperty* p = icalproperty_new_x(clean.c_str());
  icalproperty_set_x_name(p, name);
  add(c, p);
}

void add_uri(icalcomponent* c, icalproperty* (*make)(const char*), std::string_view uri) {
  const std::string clean = clean_text(uri, true);
  if (clean.empty()) return;
  add(c, make(clean.c_str()));
}

void add_time(icalcomponent* c, icalproperty* (*make)(icaltimetype), Instant t, const std::string& tz) {
  icalproperty* p = make(zone_time(t, tz));
  icalproperty_add_parameter(p, icalparameter_new_tzid(tz.c_str()));
  add(c, p);
}

void add_date(icalcomponent* c, icalproperty* (*make)(icaltimetype), domain::Date d) {
  icalproperty* p = make(date_value(d));
  icalproperty_add_parameter(p, icalparameter_new_value(ICAL_VALUE_DATE));
  add(c, p);
}

std::string_view host_name(std::string_view host) {
  if (host.starts_with('[')) {  // [::1]:8080
    const auto close = host.find(']');
    return close == std::string_view::npos ? host : host.substr(1, close - 1);
  }
  const auto colon = host.find(':');
  if (colon != std::string_view::npos && host.find(':', colon + 1) == std::string_view::npos)
    return host.substr(0, colon);
  return host;
}

std::string kind_label(domain::EventKind k, bool sv) {
  using domain::EventKind;
  switch (k) {
    case EventKind::seminar:
      return sv ? "Seminarium" : "Seminar";
    case EventKind::webinar:
      return sv ? "Webbinarium" : "Webinar";
    case EventKind::conference:
      return sv ? "Konferens" : "Conference";
    case EventKind::study_visit:
      return sv ? "Studiebesök" : "Study visit";
    case EventKind::workshop:
      return "Workshop";
    case EventKind::meeting:
      return sv ? "Möte" : "Meeting";
  }
  return std::string(domain::to_string(k));
}

std::string session_kind_label(domain::SessionKind k, bool sv) {
  using domain::SessionKind;
  switch (k) {
    case SessionKind::talk:
      return sv ? "Föredrag" : "Talk";
    case SessionKind::panel:
      return sv ? "Panelsamtal" : "Panel";
    case SessionKind::workshop:
      return "Workshop";
    case SessionKind::site_visit:
      return sv ? "Studiebesök" : "Site visit";
    case SessionKind::break_:
      return sv ? "Paus" : "Break";
    case SessionKind::other:
      return sv ? "Programpunkt" : "Programme item";
    case SessionKind::travel:
      return sv ? "Resa" : "Travel";
    case SessionKind::visit:
      return sv ? "Besök" : "Visit";
    case SessionKind::meal:
      return sv ? "Måltid" : "Meal";
    case SessionKind::accommodation:
      return sv ? "Boende" : "Accommodation";
    case SessionKind::free:
      return sv ? "Fri tid" : "Free time";
  }
  return std::string(domain::to_string(k));
}

std::string transport_mode_label(domain::TransportMode m, bool sv) {
  using domain::TransportMode;
  switch (m) {
    case TransportMode::train:
      return sv ? "Tåg" : "Train";
    case TransportMode::flight:
      return sv ? "Flyg" : "Flight";
    case TransportMode::bus:
      return sv ? "Buss" : "Bus";
    case TransportMode::coach:
      return sv ? "Turistbuss" : "Coach";
    case TransportMode::car:
      return sv ? "Bil" : "Car";
    case TransportMode::ferry:
      return sv ? "Färja" : "Ferry";
    case TransportMode::walk:
      return sv ? "Till fots" : "On foot";
    case TransportMode::other:
      return sv ? "Resa" : "Travel";
  }
  return std::string(domain::to_string(m));
}

// Parts joined by ", ", the empty ones left out.
std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += ", ";
    out += p;
  }
  return out;
}

// As an event's venue: name, street, postal code and city, country.
std::string place_text(const domain::Place& place) {
  const std::string city = place.city.value_or("");
  const std::string postal = place.postal_code.value_or("");
  const std::string town = postal.empty() ? city : city.empty() ? postal : postal + " " + city;
  return joined({place.name.value_or(""), place.street.value_or(""), town, place.country.value_or("")});
}

// "Flyg: Larnaca → Stockholm Arlanda, Cyprus Airways, CY 4321"
std::string transport_text(const domain::Transport& t, bool sv) {
  std::string route;
  if (t.from || t.to) route = t.from.value_or("?") + " → " + t.to.value_or("?");
  return transport_mode_label(t.mode, sv) + ": " + joined({route, t.carrier.value_or(""), t.reference.value_or("")});
}

std::string hosts_text(const Session& s, const std::map<std::string, std::string>& names, bool sv) {
  std::vector<std::string> found;
  for (const auto& id : s.host_organisation_ids) {
    if (auto it = names.find(id); it != names.end()) found.push_back(it->second);
  }
  if (found.empty()) return {};
  return (sv ? "Värdar: " : "Hosts: ") + joined(found);
}

std::string location_text(const Event& e) {
  const bool sv = is_swedish(e.language);
  if (e.venue) {
    const auto& v = *e.venue;
    std::vector<std::string> parts;
    if (v.name && !v.name->empty()) parts.push_back(*v.name);
    if (v.street && !v.street->empty()) parts.push_back(*v.street);
    std::string place = v.postal_code && !v.postal_code->empty() ? *v.postal_code + " " + v.city : v.city;
    if (!place.empty()) parts.push_back(place);
    if (v.country && !v.country->empty()) parts.push_back(*v.country);
    std::string out;
    for (const auto& p : parts) {
      if (!out.empty()) out += ", ";
      out += p;
    }
    if (e.format == domain::EventFormat::hybrid) out += sv ? " och digitalt" : " and online";
    return out;
  }
  if (e.format != domain::EventFormat::in_person) {
    const std::string where = sv ? "Digitalt" : "Online";
    if (e.online && e.online->platform && !e.online->platform->empty()) return where + " (" + *e.online->platform + ")";
    return where;
  }
  return {};
}

// What the holder sees of the event: status, SUMMARY prefix, SEQUENCE, stream link.
struct Presentation {
  icalproperty_status status = ICAL_STATUS_CONFIRMED;
  std::string prefix;
  int sequence = 0;
  std::optional<std::string> stream_url;
  bool itip = false;  // an invitation (REQUEST/CANCEL), not a feed
};

Presentation present(const FeedEvent& fe, bool cancel_message) {
  const Event& e = fe.event;
  const bool sv = is_swedish(e.language);
  Presentation p;
  p.sequence = e.sequence;
  const bool holder_cancelled = fe.attendance == Attendance::cancelled || cancel_message;
  if (e.status == EventStatus::cancelled) {
    p.status = ICAL_STATUS_CANCELLED;
    p.prefix = sv ? "INSTÄLLT: " : "CANCELLED: ";
  } else if (holder_cancelled) {
    p.status = ICAL_STATUS_CANCELLED;
    p.prefix = sv ? "AVANMÄLD: " : "REGISTRATION CANCELLED: ";
  } else if (e.status == EventStatus::postponed) {
    p.status = ICAL_STATUS_TENTATIVE;
    p.prefix = sv ? "UPPSKJUTET: " : "POSTPONED: ";
  } else if (fe.attendance == Attendance::waitlisted) {
    p.status = ICAL_STATUS_TENTATIVE;
    p.prefix = sv ? "VÄNTELISTA: " : "WAITLISTED: ";
  } else if (e.status == EventStatus::draft) {
    p.status = ICAL_STATUS_TENTATIVE;
  }
  // A cancellation the subscriber must see raises SEQUENCE above what was shown before.
  if (holder_cancelled) p.sequence = e.sequence + 1;

  const bool may_see_private = fe.attendance != Attendance::waitlisted && !holder_cancelled;
  if (fe.entitled_stream_url && !fe.entitled_stream_url->empty() && may_see_private) {
    p.stream_url = *fe.entitled_stream_url;
  } else if (auto url = domain::stream_url_for(e, domain::StreamAudience::anyone)) {
    p.stream_url = *url;
  }
  return p;
}

std::string description_tail(const FeedEvent& fe, const Presentation& p) {
  const Event& e = fe.event;
  const bool sv = is_swedish(e.language);
  std::string out;
  if (p.stream_url) {
    out += "\n\n";
    out += sv ? "Länk till sändningen: " : "Stream: ";
    out += *p.stream_url;
  }
  if (!fe.url.empty()) {
    out += "\n\n";
    out += sv ? "Mer information: " : "More information: ";
    out += fe.url;
  }
  return out;
}

std::string contacts_text(const Event& e) {
  if (e.contacts.empty()) return {};
  const bool sv = is_swedish(e.language);
  std::string out = "\n\n";
  out += sv ? "Kontakt:" : "Contact:";
  for (const auto& c : e.contacts) {
    out += "\n";
    out += c.name;
    if (c.role && !c.role->empty()) out += " (" + *c.role + ")";
    if (c.email && !c.email->empty()) out += ", " + *c.email;
    if (c.phone && !c.phone->empty()) out += ", " + *c.phone;
  }
  return out;
}

// See the header: the organisation's address; in an iTIP message (`itip`) SENT-BY the
// sending address, or the sending address alone when the organisation has none.
void add_organizer(icalcomponent* c, const FeedEvent& fe, const FeedInfo& feed, bool itip) {
  const bool own = fe.organiser_email && !fe.organiser_email->empty();
  if (!own && !itip) return;
  const std::string sender =
      !feed.sender_email.empty() ? feed.sender_email : "noreply@" + std::string(host_name(feed.host));
  const std::string address = own ? *fe.organiser_email : sender;
  icalproperty* p = icalproperty_new_organizer(("mailto:" + clean_param(address)).c_str());
  if (!fe.organiser_name.empty())
    icalproperty_add_parameter(p, icalparameter_new_cn(clean_param(fe.organiser_name).c_str()));
  if (own && itip) icalproperty_add_parameter(p, icalparameter_new_sentby(("mailto:" + clean_param(sender)).c_str()));
  add(c, p);
}

void add_conference(icalcomponent* c, const FeedEvent& fe, const std::string& url) {
  const bool sv = is_swedish(fe.event.language);
  icalproperty* p = icalproperty_new_conference(clean_text(url, true).c_str());
  icalproperty_add_parameter(p, icalparameter_new_value(ICAL_VALUE_URI));
  icalproperty_add_parameter(p, icalparameter_new_feature(ICAL_FEATURE_AUDIO));
  icalproperty_add_parameter(p, icalparameter_new_feature(ICAL_FEATURE_VIDEO));
  std::string label = fe.event.online && fe.event.online->platform && !fe.event.online->platform->empty()
                          ? *fe.event.online->platform
                          : std::string(sv ? "Sändning" : "Stream");
  icalproperty_add_parameter(p, icalparameter_new_label(clean_param(label).c_str()));
  add(c, p);
}

void add_common_tail(icalcomponent* v, const FeedEvent& fe, const FeedInfo& feed, const Presentation& p,
                     Instant stamp) {
  add_organizer(v, fe, feed, p.itip);
  add(v, icalproperty_new_status(p.status));
  add(v, icalproperty_new_sequence(p.sequence));
  add(v, icalproperty_new_lastmodified(utc_time(stamp)));
}

Instant holder_stamp(const FeedEvent& fe, Instant record) {
  return fe.attendance_updated_at ? std::max(record, *fe.attendance_updated_at) : record;
}

ComponentPtr event_component(const FeedInfo& feed, const FeedEvent& fe, const Presentation& p, ZoneUse& zones) {
  const Event& e = fe.event;
  const bool sv = is_swedish(e.language);
  const Instant stamp = holder_stamp(fe, e.updated_at);
  ComponentPtr v{icalcomponent_new_vevent()};
  add(v.get(), icalproperty_new_uid(event_uid(e.id, feed.host).c_str()));
  add(v.get(), icalproperty_new_dtstamp(utc_time(stamp)));
  if (e.all_day) {
    if (!e.starts_on || !e.ends_on) throw std::invalid_argument("all-day event without starts_on/ends_on: " + e.id);
    add_date(v.get(), icalproperty_new_dtstart, *e.starts_on);
    // DTEND is exclusive: the day after the last day.
    add_date(v.get(), icalproperty_new_dtend, domain::Date{std::chrono::sys_days{*e.ends_on} + std::chrono::days{1}});
  } else {
    if (!e.starts_at || !e.ends_at) throw std::invalid_argument("event without starts_at/ends_at: " + e.id);
    add_time(v.get(), icalproperty_new_dtstart, *e.starts_at, e.timezone);
    add_time(v.get(), icalproperty_new_dtend, *e.ends_at, e.timezone);
    zones.note(e.timezone, *e.starts_at);
    zones.note(e.timezone, *e.ends_at);
  }
  add_text(v.get(), icalproperty_new_summary, p.prefix + e.title, true);
  std::string description = e.description ? *e.description : e.summary.value_or("");
  description += contacts_text(e);
  description += description_tail(fe, p);
  add_text(v.get(), icalproperty_new_description, description);
  add_text(v.get(), icalproperty_new_location, location_text(e), true);
  if (e.venue && e.venue->latitude && e.venue->longitude) {
    add(v.get(), icalproperty_new_geo(icalgeotype{*e.venue->latitude, *e.venue->longitude}));
  }
  add_uri(v.get(), icalproperty_new_url, fe.url);
  add_common_tail(v.get(), fe, feed, p, stamp);
  add_text(v.get(), icalproperty_new_categories, kind_label(e.kind, sv), true);
  for (const auto& tag : e.tags) add_text(v.get(), icalproperty_new_categories, tag, true);
  if (p.stream_url) add_conference(v.get(), fe, *p.stream_url);
  return v;
}

// A session's own VEVENT: as the event is presented (`event_p`), with the session's SEQUENCE
// added to the event's (see the header); a tombstone (`deleted`) is cancelled whatever the
// event's status.
ComponentPtr session_component(const FeedInfo& feed, const FeedEvent& fe, const Session& s, const Presentation& event_p,
                               ZoneUse& zones, bool deleted = false) {
  const Event& e = fe.event;
  Presentation p = event_p;
  p.sequence = event_p.sequence + s.sequence;
  if (deleted) {
    p.status = ICAL_STATUS_CANCELLED;
    p.prefix = is_swedish(e.language) ? "INSTÄLLD: " : "CANCELLED: ";
    p.stream_url.reset();
  }
  const bool sv = is_swedish(e.language);
  // A session shows its event's status, so it changes when either record does.
  const Instant stamp = holder_stamp(fe, std::max(e.updated_at, s.updated_at));
  ComponentPtr v{icalcomponent_new_vevent()};
  add(v.get(), icalproperty_new_uid(session_uid(s.id, feed.host).c_str()));
  add(v.get(), icalproperty_new_dtstamp(utc_time(stamp)));
  const std::string& zone = domain::effective_timezone(s, e);
  add_time(v.get(), icalproperty_new_dtstart, s.starts_at, zone);
  add_time(v.get(), icalproperty_new_dtend, s.ends_at, zone);
  zones.note(zone, s.starts_at);
  zones.note(zone, s.ends_at);
  add_text(v.get(), icalproperty_new_summary, p.prefix + s.title, true);
  std::string description = s.description.value_or("");
  // What a participant needs on the way: the leg's transport, the visit's hosts.
  for (const std::string& line :
       {s.transport ? transport_text(*s.transport, sv) : std::string(), hosts_text(s, fe.host_names, sv)}) {
    if (line.empty()) continue;
    if (!description.empty()) description += "\n\n";
    description += line;
  }
  if (!description.empty()) description += "\n\n";
  description += (sv ? "Del av: " : "Part of: ") + e.title;
  description += description_tail(fe, p);
  add_text(v.get(), icalproperty_new_description, description);
  if (s.place) {
    add_text(v.get(), icalproperty_new_location, place_text(*s.place), true);
    if (s.place->latitude && s.place->longitude) {
      add(v.get(), icalproperty_new_geo(icalgeotype{*s.place->latitude, *s.place->longitude}));
    }
  } else if (s.location && !s.location->empty()) {
    add_text(v.get(), icalproperty_new_location, *s.location, true);
  } else {
    add_text(v.get(), icalproperty_new_location, location_text(e), true);
    if (e.venue && e.venue->latitude && e.venue->longitude) {
      add(v.get(), icalproperty_new_geo(icalgeotype{*e.venue->latitude, *e.venue->longitude}));
    }
  }
  add_uri(v.get(), icalproperty_new_url, fe.url);
  add_common_tail(v.get(), fe, feed, p, stamp);
  add_text(v.get(), icalproperty_new_categories, session_kind_label(s.kind, sv), true);
  if (p.stream_url) add_conference(v.get(), fe, *p.stream_url);
  icalproperty* related = icalproperty_new_relatedto(event_uid(e.id, feed.host).c_str());
  icalproperty_add_parameter(related, icalparameter_new_reltype(ICAL_RELTYPE_PARENT));
  add(v.get(), related);
  return v;
}

// A task as a VTODO: due at its deadline (UTC, so every client reads the same instant), open
// (NEEDS-ACTION, with a reminder a day before) or done (COMPLETED at the time it was set).
ComponentPtr task_component(const FeedInfo& feed, const FeedEvent& fe, const FeedTask& t) {
  const bool sv = is_swedish(fe.event.language);
  ComponentPtr v{icalcomponent_new_vtodo()};
  add_text(v.get(), icalproperty_new_uid, task_uid(t.id, feed.host), true);
  add(v.get(), icalproperty_new_dtstamp(utc_time(t.updated_at)));
  add(v.get(), icalproperty_new_lastmodified(utc_time(t.updated_at)));
  add_text(v.get(), icalproperty_new_summary, t.title, true);
  std::string description = t.description.value_or("");
  description += (description.empty() ? "" : "\n\n") + std::string(sv ? "Inför " : "For ") + fe.event.title;
  if (t.group) {
    const std::string done = std::to_string(t.group->done);
    const std::string members = std::to_string(t.group->members);
    description += sv ? "\nKlart för " + done + " av " + members + " i delegationen"
                      : "\nDone by " + done + " of " + members + " in the delegation";
  }
  add_text(v.get(), icalproperty_new_description, description);
  add(v.get(), icalproperty_new_due(utc_time(t.due_at)));
  if (!fe.url.empty()) add_uri(v.get(), icalproperty_new_url, fe.url);
  add(v.get(), icalproperty_new_relatedto(event_uid(fe.event.id, feed.host).c_str()));
  if (t.done) {
    add(v.get(), icalproperty_new_status(ICAL_STATUS_COMPLETED));
    add(v.get(), icalproperty_new_completed(utc_time(t.done_at.value_or(t.updated_at))));
    add(v.get(), icalproperty_new_percentcomplete(100));
    return v;
  }
  add(v.get(), icalproperty_new_status(ICAL_STATUS_NEEDSACTION));
  ComponentPtr alarm{icalcomponent_new_valarm()};
  add(alarm.get(), icalproperty_new_action(ICAL_ACTION_DISPLAY));
  icaltriggertype trigger{};
  trigger.time = icaltime_null_time();
  trigger.duration = icaldurationtype_from_int(-24 * 60 * 60);
  icalproperty* when = icalproperty_new_trigger(trigger);
  icalproperty_add_parameter(when, icalparameter_new_related(ICAL_RELATED_END));  // a day before DUE
  add(alarm.get(), when);
  add_text(alarm.get(), icalproperty_new_description, t.title, true);
  icalcomponent_add_component(v.get(), alarm.release());
  return v;
}

ComponentPtr calendar_head(icalproperty_method method) {
  ComponentPtr cal{icalcomponent_new_vcalendar()};
  add(cal.get(), icalproperty_new_version("2.0"));
  add(cal.get(), icalproperty_new_prodid(std::string(kProdId).c_str()));
  add(cal.get(), icalproperty_new_calscale("GREGORIAN"));
  add(cal.get(), icalproperty_new_method(method));
  return cal;
}

std::string duration_text(std::chrono::minutes m) {
  const auto total = std::max<long long>(m.count(), 1);
  std::string out = "PT";
  if (total >= 60) out += std::to_string(total / 60) + "H";
  if (total % 60 != 0) out += std::to_string(total % 60) + "M";
  return out;
}

// The last guard: a feed that fails the byte-level lint is never handed out.
std::string checked(std::string text) {
  const auto problems = lint_ics(text);
  if (!problems.empty()) throw std::logic_error("rendered calendar fails lint: " + problems.front());
  return text;
}

}  // namespace

std::string render_feed(const FeedInfo& feed, const std::vector<FeedEvent>& events) {
  ComponentPtr cal = calendar_head(ICAL_METHOD_PUBLISH);
  add_text(cal.get(), icalproperty_new_name, feed.name, true);
  add_x(cal.get(), "X-WR-CALNAME", feed.name);
  if (!feed.public_url.empty()) {
    add_uri(cal.get(), icalproperty_new_source, feed.public_url);
    add_uri(cal.get(), icalproperty_new_url, feed.public_url);
  }
  icalproperty* refresh = icalproperty_new_refreshinterval(
      icaldurationtype_from_int(static_cast<int>(std::max<long long>(feed.refresh.count(), 1) * 60)));
  icalproperty_add_parameter(refresh, icalparameter_new_value(ICAL_VALUE_DURATION));
  add(cal.get(), refresh);
  add_x(cal.get(), "X-PUBLISHED-TTL", duration_text(feed.refresh));
  if (!feed.timezone.empty()) add_x(cal.get(), "X-WR-TIMEZONE", feed.timezone);

  ZoneUse zones;
  std::vector<ComponentPtr> vevents;
  for (const FeedEvent& fe : events) {
    const Presentation p = present(fe, false);
    if (fe.include_event) vevents.push_back(event_component(feed, fe, p, zones));
    for (const Session* s : fe.sessions) {
      if (s != nullptr) vevents.push_back(session_component(feed, fe, *s, p, zones));
    }
    for (const Session* s : fe.cancelled_sessions) {
      if (s != nullptr) vevents.push_back(session_component(feed, fe, *s, p, zones, true));
    }
    for (const FeedTask& t : fe.tasks) vevents.push_back(task_component(feed, fe, t));
  }
  // RFC 5545 wants at least one component: an empty feed carries its zone's definition.
  if (vevents.empty() && zones.empty() && !feed.timezone.empty() && domain::is_valid_timezone(feed.timezone)) {
    zones.note(feed.timezone, Instant{});
  }
  zones.add_vtimezones(cal.get());
  for (auto& v : vevents) icalcomponent_add_component(cal.get(), v.release());
  return checked(detail::serialise(cal.get()));
}

std::string render_invitation(const FeedInfo& feed, const FeedEvent& fe, const Invitee& invitee,
                              InvitationMethod method) {
  const bool cancel = method == InvitationMethod::cancel;
  ComponentPtr cal = calendar_head(cancel ? ICAL_METHOD_CANCEL : ICAL_METHOD_REQUEST);
  Presentation p = present(fe, cancel);
  p.itip = true;
  if (cancel) {
    p.status = ICAL_STATUS_CANCELLED;
    p.sequence = fe.event.sequence + 1;
  }
  ZoneUse zones;
  ComponentPtr v = event_component(feed, fe, p, zones);
  icalproperty* attendee = icalproperty_new_attendee(("mailto:" + clean_param(invitee.email)).c_str());
  if (!invitee.name.empty())
    icalproperty_add_parameter(attendee, icalparameter_new_cn(clean_param(invitee.name).c_str()));
  icalproperty_add_parameter(attendee, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
  icalproperty_add_parameter(attendee, icalparameter_new_partstat(ICAL_PARTSTAT_NEEDSACTION));
  icalproperty_add_parameter(attendee, icalparameter_new_rsvp(ICAL_RSVP_FALSE));
  add(v.get(), attendee);
  zones.add_vtimezones(cal.get());
  icalcomponent_add_component(cal.get(), v.release());
  return checked(detail::serialise(cal.get()));
}

}  // namespace eventd::ics
