#include "services/import_service.hpp"

#include <soci/soci.h>

#include <map>
#include <stdexcept>

#include "db/event_repository.hpp"
#include "db/session_repository.hpp"
#include "db/statement.hpp"
#include "db/support.hpp"
#include "domain/error.hpp"
#include "domain/event_rules.hpp"
#include "domain/validation.hpp"
#include "ics/import.hpp"
#include "services/database.hpp"

namespace eventd::services {

namespace {

using domain::detail;
using domain::Error;
using domain::Problem;

constexpr int kSlugAttempts = 50;
constexpr std::size_t kMaxUidLength = 1000;  // events_import_uid_check

// The event an earlier import made from this UID, and what that import knew.
struct Earlier {
  std::string id;
  long long version = 0;           // the event's now
  long long imported_version = 0;  // the event's when the import last wrote it
  int sequence = 0;
  std::optional<domain::Instant> last_modified;
};

std::optional<Earlier> earlier_import(soci::session& s, const std::string& organisation_id, const std::string& uid) {
  db::Params p;
  std::optional<Earlier> found;
  // An event with an import_uid but no event_imports row cannot arise (both are written
  // together, and schema/023 filled in the older ones); were it to, the version check makes
  // it a conflict, never an overwrite.
  db::for_each_row(s,
                   "SELECT e.id::text, e.version, coalesce(i.imported_version, 0), coalesce(i.sequence, 0)::bigint,"
                   " eventd_us(i.last_modified) FROM events e LEFT JOIN event_imports i ON i.event_id = e.id"
                   " WHERE e.organiser_id = " +
                       p.add_uuid(organisation_id) + " AND e.import_uid = " + p.add(uid) + " FOR UPDATE OF e",
                   p, [&](const soci::row& row) {
                     Earlier e;
                     e.id = row.get<std::string>(0);
                     e.version = row.get<long long>(1);
                     e.imported_version = row.get<long long>(2);
                     e.sequence = static_cast<int>(row.get<long long>(3));
                     if (row.get_indicator(4) != soci::i_null) e.last_modified = db::from_us(row.get<long long>(4));
                     found = std::move(e);
                   });
  return found;
}

// Newer: a higher SEQUENCE, or the same one with a later LAST-MODIFIED (Google keeps
// SEQUENCE at 0 and moves LAST-MODIFIED; Outlook raises SEQUENCE). A file without
// LAST-MODIFIED and the same SEQUENCE is the same revision.
bool is_newer(const ics::ImportedEvent& file, const Earlier& earlier) {
  if (file.sequence != earlier.sequence) return file.sequence > earlier.sequence;
  return file.last_modified && (!earlier.last_modified || *file.last_modified > *earlier.last_modified);
}

// The UID on the event and what this import knew, with the version the import leaves the
// event at (run after its last write of the event).
void remember_import(soci::session& s, const std::string& event_id, const ics::ImportedEvent& file) {
  db::Params p;
  db::execute(s, "UPDATE events SET import_uid = " + p.add(file.uid) + " WHERE id = " + p.add_uuid(event_id), p);
  db::Params q;
  std::optional<std::string> modified_us;  // NULL without LAST-MODIFIED (eventd_ts is STRICT)
  if (file.last_modified) modified_us = std::to_string(db::to_us(*file.last_modified));
  db::execute(s,
              "INSERT INTO event_imports (event_id, sequence, last_modified, imported_version)"
              " SELECT id, CAST(" +
                  q.add(std::to_string(file.sequence)) + " AS integer), eventd_ts(CAST(" + q.add(modified_us) +
                  " AS bigint)), version FROM events WHERE id = " + q.add_uuid(event_id) +
                  " ON CONFLICT (event_id) DO UPDATE SET sequence = EXCLUDED.sequence,"
                  " last_modified = EXCLUDED.last_modified, imported_version = EXCLUDED.imported_version,"
                  " imported_at = now()",
              q);
}

std::vector<std::string> missing_fields(const domain::Event& e) {
  std::vector<std::string> out;
  for (const auto& m : domain::missing_for_publication(e)) out.push_back(m.field);
  return out;
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

std::string organisation_of(soci::session& s, const domain::Caller& caller, const std::optional<std::string>& named) {
  if (caller.is_organiser()) {
    if (named && db::find_organisation_id(s, *named) != caller.organisation_id()) {
      throw Error(Problem::forbidden, detail("import_own_organisation_only"));
    }
    return *caller.organisation_id();
  }
  if (!named) {
    throw Error(Problem::validation, detail("import_admin_names_organisation"),
                {{"organisation", domain::FieldCode("required_for_admin_key")}});
  }
  auto id = db::find_organisation_id(s, *named);
  if (!id) {
    throw Error(Problem::validation, detail("no_such_organisation"),
                {{"organisation", domain::FieldCode("unknown_organisation")}});
  }
  return *id;
}

}  // namespace

boost::asio::awaitable<ImportReport> import_events(Database& db, const domain::Caller& caller,
                                                   std::optional<std::string> organisation, std::string calendar) {
  if (caller.is_anonymous()) throw Error(Problem::unauthorized, detail("needs_organiser_key"));
  // Parsed before a database connection is taken; the limits bound the work.
  ics::ImportResult parsed = ics::parse_import(calendar);
  if (!parsed.ok()) throw Error(Problem::validation, detail("calendar_not_importable", {{"reason", *parsed.error}}));
  ImportReport report = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    ImportReport out;
    const std::string organisation_id = organisation_of(s, caller, organisation);
    for (auto& skipped : parsed.skipped)
      out.skipped.push_back(
          {skipped.uid, Error(Problem::validation, detail("import_unreadable", {{"reason", skipped.reason}}))});
    std::map<std::string, domain::Event> created_by_uid;  // for their programme items
    for (auto& imported : parsed.events) {
      if (imported.uid.size() > kMaxUidLength) {
        out.skipped.push_back(
            {imported.uid.substr(0, 100) + "…",
             Error(Problem::conflict, detail("import_uid_too_long", {{"max", std::to_string(kMaxUidLength)}}))});
        continue;
      }
      domain::Event& e = imported.event;
      e.organiser_id = organisation_id;
      e.status = domain::EventStatus::draft;
      std::optional<Earlier> earlier;
      if (!imported.uid.empty()) earlier = earlier_import(s, organisation_id, imported.uid);
      if (earlier) {
        if (!is_newer(imported, *earlier)) {
          out.unchanged.push_back({earlier->id, imported.uid, std::nullopt});
          continue;
        }
        auto current = db::find_event(s, earlier->id);
        if (!current) throw std::runtime_error("import: the event vanished under its lock");
        if (current->status != domain::EventStatus::draft) {
          out.conflicts.push_back(
              {earlier->id, imported.uid,
               Error(Problem::conflict,
                     detail("import_not_draft", {{"status", std::string(domain::to_string(current->status))}}))});
          continue;
        }
        if (earlier->version != earlier->imported_version) {
          out.conflicts.push_back({earlier->id, imported.uid, Error(Problem::conflict, detail("import_draft_edited"))});
          continue;
        }
        // The draft as the file has it now; what only the service gives (id, slug, organiser)
        // stays. The draft is unedited, so every other field is still what an import sets.
        e.id = current->id;
        e.slug = current->slug;
        e.version = current->version;
        e.sequence = domain::next_sequence(*current, e);
        if (auto errors = domain::check_event(e); !errors.empty()) {
          out.skipped.push_back({imported.uid, domain::validation(errors)});
          continue;
        }
        s << "SAVEPOINT import_event";
        try {
          auto stored = db::update_event(s, e);
          if (auto outside = db::find_session_outside_event(s, stored.id)) {
            throw Error(Problem::conflict, detail("import_session_outside", {{"title", outside->second}}));
          }
          remember_import(s, stored.id, imported);
          s << "RELEASE SAVEPOINT import_event";
          out.updated.push_back({stored.id, imported.uid, missing_fields(stored)});
        } catch (const Error& error) {
          s << "ROLLBACK TO SAVEPOINT import_event";
          out.conflicts.push_back({earlier->id, imported.uid, error});
        }
        continue;
      }
      auto slug = free_slug(s, e.title);
      if (!slug) {
        out.skipped.push_back(
            {imported.uid, Error(Problem::conflict, detail("import_no_free_slug", {{"title", e.title}}))});
        continue;
      }
      e.slug = *slug;
      if (auto errors = domain::check_event(e); !errors.empty()) {
        out.skipped.push_back({imported.uid, domain::validation(errors)});
        continue;
      }
      // One event's constraint violation must not undo the others.
      s << "SAVEPOINT import_event";
      try {
        auto stored = db::insert_event(s, e);
        if (!imported.uid.empty()) remember_import(s, stored.id, imported);
        s << "RELEASE SAVEPOINT import_event";
        out.created.push_back({stored.id, imported.uid, missing_fields(stored)});
        if (!imported.uid.empty()) created_by_uid.emplace(imported.uid, std::move(stored));
      } catch (const Error& error) {
        s << "ROLLBACK TO SAVEPOINT import_event";
        out.skipped.push_back({imported.uid, error});
      }
    }
    for (auto& item : parsed.sessions) {
      auto parent = created_by_uid.find(item.parent_uid);
      if (parent == created_by_uid.end()) {
        // An updated draft keeps its sessions: the organiser's, or those of the first import.
        out.skipped.push_back(
            {item.uid, Error(Problem::conflict, detail("import_session_of_old_event", {{"parent", item.parent_uid}}))});
        continue;
      }
      domain::Session& session = item.session;
      session.event_id = parent->second.id;
      if (auto errors = domain::check_session(session, parent->second); !errors.empty()) {
        out.skipped.push_back({item.uid, domain::validation(errors)});
        continue;
      }
      s << "SAVEPOINT import_session";
      try {
        const std::string id = db::insert_session(s, session);
        s << "RELEASE SAVEPOINT import_session";
        out.created_sessions.push_back({id, item.uid, session.event_id});
      } catch (const Error& error) {
        s << "ROLLBACK TO SAVEPOINT import_session";
        out.skipped.push_back({item.uid, error});
      }
    }
    tx.commit();
    return out;
  });
  co_return report;
}

}  // namespace eventd::services
