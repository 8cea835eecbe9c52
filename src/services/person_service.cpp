#include "services/person_service.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <cctype>

#include "db/person_repository.hpp"
#include "domain/error.hpp"
#include "domain/validation.hpp"
#include "services/database.hpp"
#include "services/media_request_service.hpp"
#include "services/registration_service.hpp"
#include "services/secrets.hpp"

namespace eventd::services {

namespace {

using domain::detail;
using domain::Error;
using domain::Problem;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

Error signed_out() { return Error(Problem::unauthorized, detail("signed_out", {{"sign_in", "POST /v1/me/sign-in"}})); }

db::PersonSessionRow session_of(soci::session& s, const std::string& token) {
  if (!token.starts_with(kPersonTokenPrefix)) throw signed_out();
  auto row = db::find_person_session(s, secret_hash(token));
  if (!row) throw signed_out();
  return std::move(*row);
}

bool newer_first(const std::optional<domain::Instant>& a, const std::optional<domain::Instant>& b) {
  return a.value_or(domain::Instant{}) > b.value_or(domain::Instant{});
}

}  // namespace

std::string issue_mail_link_code(soci::session& s, std::string_view email,
                                 const std::optional<std::string>& organisation_id) {
  return issue_mail_link_codes(s, email, organisation_id, 1).front();
}

std::vector<std::string> issue_mail_link_codes(soci::session& s, std::string_view email,
                                               const std::optional<std::string>& organisation_id, std::size_t count) {
  MailLinkCodes made = make_mail_link_codes(email, organisation_id, count);
  db::insert_person_codes(s, made.rows);
  return std::move(made.codes);
}

MailLinkCodes make_mail_link_codes(std::string_view email, const std::optional<std::string>& organisation_id,
                                   std::size_t count) {
  MailLinkCodes made;
  for (std::size_t i = 0; i < count; ++i) {
    made.codes.push_back(new_secret(kPersonCodePrefix));
    made.rows.push_back({secret_hash(made.codes.back()), lower(email), organisation_id, db::CodePurpose::mail_link,
                         kMailLinkCodeLifetime});
  }
  return made;
}

std::optional<Person> find_person(soci::session& s, std::string_view token) {
  if (!token.starts_with(kPersonTokenPrefix)) return std::nullopt;
  auto row = db::find_person_session(s, secret_hash(token));
  if (!row) return std::nullopt;
  return Person{row->email, row->organisation_id};
}

boost::asio::awaitable<void> request_sign_in(Database& db, std::string email, std::string language, MailContext mail) {
  const std::string address = lower(email);
  co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    // Both checks run for every address, known or not, so the time taken says nothing.
    const bool known = db::has_person_records(s, address);
    const int recent = db::count_recent_sign_in_codes(s, address, std::chrono::hours(1));
    if (known && recent < kMaxSignInMailsPerHour) {
      const std::string code = new_secret(kPersonCodePrefix);
      db::insert_person_code(s,
                             {secret_hash(code), address, std::nullopt, db::CodePurpose::sign_in, kSignInCodeLifetime});
      enqueue_sign_in_message(s, mail, address, language, code);
    }
    tx.commit();
    return 0;
  });
  co_return;
}

boost::asio::awaitable<NewPersonSession> open_person_session(Database& db, std::string code) {
  NewPersonSession out = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    std::optional<db::PersonScopeRow> scope;
    if (code.starts_with(kPersonCodePrefix)) scope = db::spend_person_code(s, secret_hash(code));
    if (!scope) {
      throw Error(Problem::link_expired, detail("sign_in_link_expired", {{"sign_in", "POST /v1/me/sign-in"}}));
    }
    NewPersonSession created;
    created.token = new_secret(kPersonTokenPrefix);
    created.person = Person{scope->email, scope->organisation_id};
    created.expires_at = db::insert_person_session(
        s, {secret_hash(created.token), scope->email, scope->organisation_id, kPersonSessionLifetime});
    tx.commit();
    return created;
  });
  co_return out;
}

boost::asio::awaitable<void> close_person_session(Database& db, std::string token) {
  co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    session_of(s, token);
    db::delete_person_session(s, secret_hash(token));
    tx.commit();
    return 0;
  });
  co_return;
}

boost::asio::awaitable<PersonOverview> person_overview(Database& db, std::string token) {
  PersonOverview overview = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    s << "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";
    auto session = session_of(s, token);
    PersonOverview out;
    out.person = Person{session.email, session.organisation_id};
    for (auto& r : db::registrations_of_email(s, session.email, session.organisation_id)) {
      out.registrations.push_back({std::move(r.registration), std::move(r.event_slug), std::move(r.event_title),
                                   r.event_starts_at, std::move(r.event_timezone),
                                   std::move(r.organisation_frontend_url)});
    }
    for (auto& m : db::media_requests_of_email(s, session.email, session.organisation_id)) {
      out.media_requests.push_back({std::move(m.request), std::move(m.event_slug), std::move(m.event_title),
                                    m.event_starts_at, std::move(m.event_timezone),
                                    std::move(m.organisation_frontend_url)});
    }
    std::stable_sort(out.registrations.begin(), out.registrations.end(),
                     [](const auto& a, const auto& b) { return newer_first(a.event_starts_at, b.event_starts_at); });
    std::stable_sort(out.media_requests.begin(), out.media_requests.end(),
                     [](const auto& a, const auto& b) { return newer_first(a.event_starts_at, b.event_starts_at); });
    out.has_feed = db::person_feed_exists(s, session.email);
    if (out.has_feed && session.sealed_feed_token) out.feed_token = unseal(*session.sealed_feed_token, token);
    tx.commit();
    return out;
  });
  co_return overview;
}

boost::asio::awaitable<std::string> renew_person_feed(Database& db, std::string token) {
  std::string feed = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    auto session = session_of(s, token);
    if (session.organisation_id) {
      throw Error(Problem::forbidden, detail("organisation_sign_in_no_feed"));
    }
    std::string feed_token = new_secret(kPersonFeedTokenPrefix);
    db::replace_person_feed(s, session.email, secret_hash(feed_token), secret_hash(token), seal(feed_token, token));
    tx.commit();
    return feed_token;
  });
  co_return feed;
}

boost::asio::awaitable<ErasureReport> erase_person(Database& db, std::string token, MailContext mail) {
  ErasureReport report = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    auto session = session_of(s, token);
    ErasureReport out;
    auto registrations = db::registrations_of_email(s, session.email, session.organisation_id);
    // Events are locked in one order by every erasure, so two of them cannot deadlock.
    std::sort(registrations.begin(), registrations.end(),
              [](const auto& a, const auto& b) { return a.registration.event_id < b.registration.event_id; });
    for (const auto& r : registrations) {
      cancel_registration_in(s, r.registration.id, /*erase=*/true, nullptr, mail);
      ++out.registrations;
    }
    for (const auto& m : db::media_requests_of_email(s, session.email, session.organisation_id)) {
      auto locked = db::find_media_request(s, m.request.id, /*for_update=*/true);
      if (!locked) continue;
      withdraw_media_request_in(s, locked->request, /*by_requester=*/true, /*erase=*/true, mail);
      ++out.media_requests;
    }
    if (session.organisation_id) {
      // Only that organisation's records were in reach; the person's other records, and
      // the ways to them, stay. This sign-in ends.
      db::delete_person_session(s, secret_hash(token));
    } else {
      db::delete_person(s, session.email);
    }
    tx.commit();
    return out;
  });
  co_return report;
}

}  // namespace eventd::services
