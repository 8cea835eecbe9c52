#include "domain/event_rules.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>
#include <string>

#include "domain/validation.hpp"

namespace eventd::domain {

namespace {

constexpr std::size_t kMaxShortText = 200;
constexpr std::size_t kMaxPhone = 50;
const MessageParams kSupportedYears{{"min", "1900"}, {"max", "2037"}};

void check_times(Validator& v, const Event& e, const FieldSet& unreadable) {
  // Which of the pairs applies depends on all_day.
  if (unreadable.covers("all_day")) return;
  // An instant written with an offset the zone does not have was reported by the reader:
  // not compared again.
  auto readable = [&unreadable](std::string_view field) { return !unreadable.covers(field); };
  if (!e.all_day) {
    v.check(!e.starts_on, "starts_on", FieldCode("only_when_all_day"));
    v.check(!e.ends_on, "ends_on", FieldCode("only_when_all_day"));
    const bool has_start = v.check(e.starts_at.has_value(), "starts_at", FieldCode("required_unless_all_day"));
    const bool has_end = v.check(e.ends_at.has_value(), "ends_at", FieldCode("required_unless_all_day"));
    const bool start_ok = has_start && v.check(is_supported_instant(*e.starts_at), "starts_at",
                                               FieldCode("year_out_of_range"), kSupportedYears);
    const bool end_ok = has_end && v.check(is_supported_instant(*e.ends_at), "ends_at", FieldCode("year_out_of_range"),
                                           kSupportedYears);
    if (start_ok && end_ok && readable("starts_at") && readable("ends_at")) {
      v.check(*e.starts_at < *e.ends_at, "ends_at", FieldCode("must_be_after"), {{"other", "starts_at"}});
    }
  } else {
    v.check(!e.starts_at, "starts_at", FieldCode("not_when_all_day"), {{"instead", "starts_on"}});
    v.check(!e.ends_at, "ends_at", FieldCode("not_when_all_day"), {{"instead", "ends_on"}});
    const bool has_start = v.check(e.starts_on.has_value(), "starts_on", FieldCode("required_when_all_day"));
    const bool has_end = v.check(e.ends_on.has_value(), "ends_on", FieldCode("required_when_all_day"));
    const bool start_ok = has_start && v.check(is_supported_date(*e.starts_on), "starts_on",
                                               FieldCode("year_out_of_range"), kSupportedYears);
    const bool end_ok =
        has_end && v.check(is_supported_date(*e.ends_on), "ends_on", FieldCode("year_out_of_range"), kSupportedYears);
    // ends_on is inclusive, so a one-day event has starts_on == ends_on.
    if (start_ok && end_ok && readable("starts_on") && readable("ends_on")) {
      v.check(*e.starts_on <= *e.ends_on, "ends_on", FieldCode("must_not_be_before"), {{"other", "starts_on"}});
    }
  }
}

void check_venue(Validator& v, const Venue& venue) {
  v.optional_text("venue.name", venue.name, kMaxShortText);
  v.optional_text("venue.street", venue.street, kMaxShortText);
  v.optional_text("venue.postal_code", venue.postal_code, 20);
  v.text("venue.city", venue.city, 1, kMaxShortText);
  v.optional_text("venue.region", venue.region, kMaxShortText);
  if (venue.country) v.country("venue.country", *venue.country);
  // A point needs both coordinates; NaN fails both comparisons and so is refused too.
  if (venue.latitude) {
    v.check(*venue.latitude >= -90.0 && *venue.latitude <= 90.0, "venue.latitude", FieldCode("out_of_range"),
            {{"min", "-90"}, {"max", "90"}});
  }
  if (venue.longitude) {
    v.check(*venue.longitude >= -180.0 && *venue.longitude <= 180.0, "venue.longitude", FieldCode("out_of_range"),
            {{"min", "-180"}, {"max", "180"}});
  }
  if (venue.latitude.has_value() != venue.longitude.has_value()) {
    v.add(venue.latitude ? "venue.longitude" : "venue.latitude", FieldCode("coordinates_go_together"));
  }
}

void check_place(Validator& v, const Place& place) {
  v.optional_text("place.name", place.name, kMaxTitleLength);
  v.optional_text("place.street", place.street, kMaxTitleLength);
  v.optional_text("place.postal_code", place.postal_code, 20);
  v.optional_text("place.city", place.city, kMaxShortText);
  // A street or a point alone names no place a participant could find.
  v.check(place.name || place.city, "place", FieldCode("name_or_city_required"));
  if (place.country) v.country("place.country", *place.country);
  if (place.latitude) {
    v.check(*place.latitude >= -90.0 && *place.latitude <= 90.0, "place.latitude", FieldCode("out_of_range"),
            {{"min", "-90"}, {"max", "90"}});
  }
  if (place.longitude) {
    v.check(*place.longitude >= -180.0 && *place.longitude <= 180.0, "place.longitude", FieldCode("out_of_range"),
            {{"min", "-180"}, {"max", "180"}});
  }
  if (place.latitude.has_value() != place.longitude.has_value()) {
    v.add(place.latitude ? "place.longitude" : "place.latitude", FieldCode("coordinates_go_together"));
  }
}

void check_transport(Validator& v, const Transport& transport) {
  v.optional_text("transport.from", transport.from, kMaxShortText);
  v.optional_text("transport.to", transport.to, kMaxShortText);
  v.optional_text("transport.carrier", transport.carrier, kMaxShortText);
  v.optional_text("transport.reference", transport.reference, 100);
}

template <class Items>
void check_no_repeats(Validator& v, std::string_view field, const Items& items) {
  std::set<std::string> seen;
  for (const std::string& item : items) {
    if (!seen.insert(item).second) {
      v.add(std::string(field), FieldCode("duplicate"));
      return;
    }
  }
}

void check_online(Validator& v, const Online& online) {
  v.optional_text("online.platform", online.platform, kMaxShortText);
  if (online.stream_url) v.http_url("online.stream_url", *online.stream_url);
}

void check_people(Validator& v, const Event& e) {
  v.check(!e.organiser_id.empty(), "organiser_id", FieldCode("required"));
  std::set<std::string> seen;
  for (const std::string& partner : e.partner_ids) {
    if (partner == e.organiser_id) {
      v.add("partner_ids", FieldCode("includes_organiser"));
      break;
    }
    if (!seen.insert(partner).second) {
      v.add("partner_ids", FieldCode("duplicate"));
      break;
    }
  }
  v.check(e.partner_ids.size() <= kMaxPartners, "partner_ids", FieldCode("too_many"),
          {{"max", std::to_string(kMaxPartners)}});
  v.check(e.contacts.size() <= kMaxContacts, "contacts", FieldCode("too_many"),
          {{"max", std::to_string(kMaxContacts)}});
  for (std::size_t i = 0; i < e.contacts.size() && i < kMaxContacts; ++i) {
    const Contact& c = e.contacts[i];
    v.text(indexed_field("contacts", i, "name"), c.name, 1, kMaxShortText);
    v.optional_text(indexed_field("contacts", i, "role"), c.role, kMaxShortText);
    if (c.email) v.email(indexed_field("contacts", i, "email"), *c.email);
    v.optional_text(indexed_field("contacts", i, "phone"), c.phone, kMaxPhone);
  }
}

void check_tags(Validator& v, const std::vector<std::string>& tags) {
  v.check(tags.size() <= kMaxTags, "tags", FieldCode("too_many"), {{"max", std::to_string(kMaxTags)}});
  for (std::size_t i = 0; i < tags.size() && i < kMaxTags; ++i) {
    v.text(indexed_field("tags", i), tags[i], 1, kMaxTagLength);
  }
}

Date next_day(Date d) { return Date{std::chrono::sys_days{d} + std::chrono::days{1}}; }

std::optional<std::pair<Instant, Instant>> try_event_interval(const Event& e) {
  const bool has_times = e.all_day ? (e.starts_on && e.ends_on) : (e.starts_at && e.ends_at);
  if (!has_times || (e.all_day && !is_valid_timezone(e.timezone))) return std::nullopt;
  return event_interval(e);
}

}  // namespace

std::vector<FieldError> check_event(const Event& e, const FieldSet& unreadable) {
  Validator v;
  v.slug("slug", e.slug);
  v.text("title", e.title, 1, kMaxTitleLength);
  v.optional_text("summary", e.summary, kMaxSummaryLength);
  v.optional_text("description", e.description, kMaxEventDescriptionLength);
  v.language("language", e.language);
  v.timezone("timezone", e.timezone);
  check_times(v, e, unreadable);

  // What a draft may lack is checked only once the event is public, all of it at once,
  // when the format (and so what it asks for) could be read. A status that could not be
  // read may be a public one: the event is then held to what a public event needs.
  const bool format_known = !unreadable.covers("format");
  if (format_known && (is_public_status(e.status) || unreadable.covers("status"))) {
    v.append(missing_for_publication(e));
  }
  if (e.venue) check_venue(v, *e.venue);
  if (e.online) check_online(v, *e.online);

  check_people(v, e);
  if (e.series) v.slug("series", *e.series);
  if (e.project) {
    v.text("project.name", e.project->name, 1, kMaxTitleLength);
    v.optional_text("project.funder", e.project->funder, kMaxShortText);
  }
  v.optional_text("audience", e.audience, kMaxSummaryLength);
  check_tags(v, e.tags);

  if (e.capacity) v.check(*e.capacity >= 0, "capacity", FieldCode("negative_capacity"));
  const bool opens_ok =
      !e.registration_opens_at || v.check(is_supported_instant(*e.registration_opens_at), "registration_opens_at",
                                          FieldCode("year_out_of_range"), kSupportedYears);
  const bool closes_ok =
      !e.registration_closes_at || v.check(is_supported_instant(*e.registration_closes_at), "registration_closes_at",
                                           FieldCode("year_out_of_range"), kSupportedYears);
  if (e.registration_opens_at && e.registration_closes_at && opens_ok && closes_ok &&
      !unreadable.covers("registration_opens_at") && !unreadable.covers("registration_closes_at")) {
    v.check(*e.registration_opens_at < *e.registration_closes_at, "registration_closes_at", FieldCode("must_be_after"),
            {{"other", "registration_opens_at"}});
  }
  // A rule about a field the reader refused would only repeat it (its value is a default).
  std::vector<FieldError> errors = v.take();
  std::erase_if(errors, [&unreadable](const FieldError& f) { return unreadable.covers(f.field); });
  return errors;
}

std::vector<FieldError> missing_for_publication(const Event& e) {
  std::vector<FieldError> missing;
  if (e.format != EventFormat::online && !e.venue) {
    missing.push_back({"venue", FieldCode("required_to_publish_unless_online")});
  }
  if ((e.format == EventFormat::online || e.format == EventFormat::hybrid) && !e.online) {
    missing.push_back({"online", FieldCode("required_to_publish_online")});
  }
  return missing;
}

bool is_visible_to(const Event& e, const Caller& caller) {
  return is_public_status(e.status) || caller.can_manage(e.organiser_id);
}

std::vector<std::string> shown_partner_ids(const Event& e, bool for_organiser) {
  std::vector<std::string> shown;
  for (std::size_t i = 0; i < e.partner_ids.size(); ++i) {
    const auto status = i < e.partner_statuses.size() ? e.partner_statuses[i] : PartnerStatus::pending;
    if (for_organiser || status == PartnerStatus::accepted) shown.push_back(e.partner_ids[i]);
  }
  return shown;
}

bool may_see_stream(const Event& e, StreamAudience audience) {
  if (!e.online) return false;
  if (audience == StreamAudience::organiser) return true;
  if (e.status == EventStatus::cancelled) return false;
  switch (e.online->access) {
    case OnlineAccess::public_:
      return true;
    case OnlineAccess::registered:
      return audience == StreamAudience::confirmed_registrant || audience == StreamAudience::approved_journalist;
    case OnlineAccess::on_request:
      return audience == StreamAudience::approved_journalist;
  }
  return false;
}

std::optional<std::string> stream_url_for(const Event& e, StreamAudience audience) {
  if (!may_see_stream(e, audience) || !e.online->stream_url || e.online->stream_url->empty()) return std::nullopt;
  return e.online->stream_url;
}

bool is_subscriber_visible_change(const Event& before, const Event& after) {
  return before.title != after.title || before.status != after.status || before.timezone != after.timezone ||
         before.all_day != after.all_day || before.starts_at != after.starts_at || before.ends_at != after.ends_at ||
         before.starts_on != after.starts_on || before.ends_on != after.ends_on || before.format != after.format ||
         before.venue != after.venue || before.online != after.online;
}

int next_sequence(const Event& before, const Event& after) {
  return is_subscriber_visible_change(before, after) ? before.sequence + 1 : before.sequence;
}

bool is_subscriber_visible_change(const Session& before, const Session& after) {
  return before.title != after.title || before.kind != after.kind || before.starts_at != after.starts_at ||
         before.ends_at != after.ends_at || before.location != after.location ||
         before.speaker_ids != after.speaker_ids || before.timezone != after.timezone || before.place != after.place ||
         before.transport != after.transport || before.host_organisation_ids != after.host_organisation_ids ||
         before.delegation_ids != after.delegation_ids;
}

bool is_for_audience(const Session& s, const std::optional<std::string>& delegation_id) {
  if (is_for_everyone(s)) return true;
  return delegation_id &&
         std::find(s.delegation_ids.begin(), s.delegation_ids.end(), *delegation_id) != s.delegation_ids.end();
}

int next_sequence(const Session& before, const Session& after) {
  return is_subscriber_visible_change(before, after) ? before.sequence + 1 : before.sequence;
}

std::pair<Instant, Instant> event_interval(const Event& e) {
  if (!e.all_day) {
    if (!e.starts_at || !e.ends_at)
      throw std::invalid_argument("event_interval: a timed event without starts_at/ends_at");
    return {*e.starts_at, *e.ends_at};
  }
  if (!e.starts_on || !e.ends_on)
    throw std::invalid_argument("event_interval: an all-day event without starts_on/ends_on");
  // ends_on is inclusive: the interval ends where the following day begins.
  return {start_of_day(*e.starts_on, e.timezone), start_of_day(next_day(*e.ends_on), e.timezone)};
}

std::vector<FieldError> check_session(const Session& s, const Event& e, const FieldSet& unreadable) {
  Validator v;
  v.text("title", s.title, 1, kMaxTitleLength);
  v.optional_text("description", s.description, kMaxEventDescriptionLength);
  v.optional_text("location", s.location, kMaxTitleLength);

  v.check(s.speaker_ids.size() <= kMaxSessionSpeakers, "speaker_ids", FieldCode("too_many"),
          {{"max", std::to_string(kMaxSessionSpeakers)}});
  check_no_repeats(v, "speaker_ids", s.speaker_ids);
  if (s.timezone) v.timezone("timezone", *s.timezone);
  if (s.place) check_place(v, *s.place);
  if (s.transport) {
    // A flight on a talk says nothing a calendar could show: transport belongs to a leg.
    if (!unreadable.covers("kind")) {
      v.check(s.kind == SessionKind::travel, "transport", FieldCode("only_for_travel"));
    }
    check_transport(v, *s.transport);
  }
  v.check(s.host_organisation_ids.size() <= kMaxSessionHosts, "host_organisation_ids", FieldCode("too_many"),
          {{"max", std::to_string(kMaxSessionHosts)}});
  check_no_repeats(v, "host_organisation_ids", s.host_organisation_ids);
  v.check(s.delegation_ids.size() <= kMaxSessionAudience, "delegation_ids", FieldCode("too_many"),
          {{"max", std::to_string(kMaxSessionAudience)}});
  check_no_repeats(v, "delegation_ids", s.delegation_ids);

  const bool start_known = !unreadable.covers("starts_at");
  const bool end_known = !unreadable.covers("ends_at");
  if (start_known && end_known &&
      !v.check(s.starts_at < s.ends_at, "ends_at", FieldCode("must_be_after"), {{"other", "starts_at"}})) {
    return v.take();
  }
  // An event stored without usable times cannot pass check_event; there is then nothing
  // to compare with, and the session's own checks are all that can be said.
  if (const auto interval = try_event_interval(e)) {
    if (start_known && v.check(s.starts_at >= interval->first, "starts_at", FieldCode("before_event_start"))) {
      v.check(s.starts_at < interval->second, "starts_at", FieldCode("not_before_event_end"));
    }
    if (end_known) v.check(s.ends_at <= interval->second, "ends_at", FieldCode("after_event_end"));
  }
  std::vector<FieldError> errors = v.take();
  std::erase_if(errors, [&unreadable](const FieldError& f) { return unreadable.covers(f.field); });
  return errors;
}

RegistrationWindow registration_window(const Event& e, Instant now) {
  if (e.registration_opens_at && now < *e.registration_opens_at) return RegistrationWindow::not_yet_open;
  if (e.registration_closes_at && now >= *e.registration_closes_at) return RegistrationWindow::closed;
  return RegistrationWindow::open;
}

}  // namespace eventd::domain
