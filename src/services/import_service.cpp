#include "services/import_service.hpp"

#include <soci/soci.h>

#include <map>

#include "db/event_repository.hpp"
#include "db/session_repository.hpp"
#include "db/statement.hpp"
#include "domain/error.hpp"
#include "domain/event_rules.hpp"
#include "domain/validation.hpp"
#include "ics/import.hpp"
#include "services/database.hpp"

namespace eventd::services {

namespace {

using domain::Error;
using domain::ErrorCode;

constexpr int kSlugAttempts = 50;
constexpr std::size_t kMaxUidLength = 1000;  // events_import_uid_check

std::optional<std::string> imported_event_id(soci::session& s, const std::string& organisation_id,
                                             const std::string& uid) {
  db::Params p;
  std::optional<std::string> id;
  db::for_each_row(s,
                   "SELECT id::text FROM events WHERE organiser_id = " + p.add_uuid(organisation_id) +
                       " AND import_uid = " + p.add(uid),
                   p, [&](const soci::row& row) { id = row.get<std::string>(0); });
  return id;
}

void remember_uid(soci::session& s, const std::string& event_id, const std::string& uid) {
  db::Params p;
  db::execute(s, "UPDATE events SET import_uid = " + p.add(uid) + " WHERE id = " + p.add_uuid(event_id), p);
}

// The title's slug, or the first free one of slug-2, slug-3, ...
std::optional<std::string> free_slug(soci::session& s, const std::string& title) {
  std::string base = domain::slugify(title);
  if (base.empty()) base = "event";
  base = base.substr(0, domain::kMaxSlugLength - 4);
  while (!base.empty() && base.back() == '-') base.pop_back();
  for (int n = 1; n <= kSlugAttempts; ++n) {
    std::string slug = n == 1 ? base : base + "-" + std::to_string(n);
    if (!db::find_event(s, slug)) return slug;
  }
  return std::nullopt;
}

std::string describe(const std::vector<domain::FieldError>& errors) {
  std::string out;
  for (const auto& e : errors) out += (out.empty() ? "" : "; ") + e.field + " " + e.message;
  return out;
}

std::string organisation_of(soci::session& s, const domain::Caller& caller, const std::optional<std::string>& named) {
  if (caller.is_organiser()) {
    if (named && db::find_organisation_id(s, *named) != caller.organisation_id()) {
      throw Error(ErrorCode::forbidden, "Your key imports only into its own organisation.");
    }
    return *caller.organisation_id();
  }
  if (!named) {
    throw Error(ErrorCode::validation, "An admin names the organisation to import into.",
                {{"organisation", "is required for an admin key"}});
  }
  auto id = db::find_organisation_id(s, *named);
  if (!id) throw Error(ErrorCode::validation, "No such organisation.", {{"organisation", "names no organisation"}});
  return *id;
}

}  // namespace

boost::asio::awaitable<ImportReport> import_events(Database& db, const domain::Caller& caller,
                                                   std::optional<std::string> organisation, std::string calendar) {
  if (caller.is_anonymous()) throw Error(ErrorCode::unauthorized, "This needs an organiser's API key.");
  // Parsed before a database connection is taken; the limits bound the work.
  ics::ImportResult parsed = ics::parse_import(calendar);
  if (!parsed.ok()) throw Error(ErrorCode::validation, "The calendar cannot be imported: " + *parsed.error);
  ImportReport report = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    ImportReport out;
    const std::string organisation_id = organisation_of(s, caller, organisation);
    for (auto& skipped : parsed.skipped) out.skipped.push_back({skipped.uid, skipped.reason});
    std::map<std::string, domain::Event> created_by_uid;  // for their programme items
    for (auto& imported : parsed.events) {
      if (imported.uid.size() > kMaxUidLength) {
        out.skipped.push_back({imported.uid.substr(0, 100) + "…", "the UID is longer than 1000 characters"});
        continue;
      }
      if (!imported.uid.empty()) {
        if (auto existing = imported_event_id(s, organisation_id, imported.uid)) {
          out.skipped.push_back({imported.uid, "imported before as event " + *existing});
          continue;
        }
      }
      domain::Event& e = imported.event;
      e.organiser_id = organisation_id;
      e.status = domain::EventStatus::draft;
      auto slug = free_slug(s, e.title);
      if (!slug) {
        out.skipped.push_back({imported.uid, "no free slug for the title '" + e.title + "'"});
        continue;
      }
      e.slug = *slug;
      if (auto errors = domain::check_event(e); !errors.empty()) {
        out.skipped.push_back({imported.uid, describe(errors)});
        continue;
      }
      // One event's constraint violation must not undo the others.
      s << "SAVEPOINT import_event";
      try {
        auto stored = db::insert_event(s, e);
        if (!imported.uid.empty()) remember_uid(s, stored.id, imported.uid);
        s << "RELEASE SAVEPOINT import_event";
        out.created.push_back({stored.id, imported.uid});
        if (!imported.uid.empty()) created_by_uid.emplace(imported.uid, std::move(stored));
      } catch (const Error& error) {
        s << "ROLLBACK TO SAVEPOINT import_event";
        out.skipped.push_back({imported.uid, error.fields().empty() ? error.detail() : describe(error.fields())});
      }
    }
    for (auto& item : parsed.sessions) {
      auto parent = created_by_uid.find(item.parent_uid);
      if (parent == created_by_uid.end()) {
        out.skipped.push_back({item.uid, "a programme item of " + item.parent_uid + ", which was not created now"});
        continue;
      }
      domain::Session& session = item.session;
      session.event_id = parent->second.id;
      if (auto errors = domain::check_session(session, parent->second); !errors.empty()) {
        out.skipped.push_back({item.uid, describe(errors)});
        continue;
      }
      s << "SAVEPOINT import_session";
      try {
        const std::string id = db::insert_session(s, session);
        s << "RELEASE SAVEPOINT import_session";
        out.created_sessions.push_back({id, item.uid, session.event_id});
      } catch (const Error& error) {
        s << "ROLLBACK TO SAVEPOINT import_session";
        out.skipped.push_back({item.uid, error.fields().empty() ? error.detail() : describe(error.fields())});
      }
    }
    tx.commit();
    return out;
  });
  co_return report;
}

}  // namespace eventd::services
