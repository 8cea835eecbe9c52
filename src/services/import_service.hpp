#pragma once
// POST /v1/events/import: each VEVENT of an uploaded calendar becomes a draft event of the
// caller's organisation (ics/import.hpp reads the file), and each programme item of such an
// event (RELATED-TO its UID) a session of it. A draft may be incomplete (no LOCATION: no
// venue); `missing` names what it needs before it can be published.
//
// A UID imported before for the organisation (events.import_uid, schema/023's
// event_imports) is compared with what that import knew: a newer SEQUENCE, or the same
// SEQUENCE and a later LAST-MODIFIED, updates the draft (`updated`) unless an organiser
// has edited it since (its version moved) or it is no longer a draft (`conflicts`, left
// alone); otherwise it is `unchanged`. What breaks an event or session rule is skipped
// with a reason (and so are the programme items of an event not created now). All in one
// transaction.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "domain/api_key.hpp"
#include "domain/error.hpp"

namespace eventd::services {

class Database;

struct ImportReport {
  struct CreatedSession {
    std::string id;
    std::string uid;
    std::string event_id;
  };
  // Why an item was skipped or left alone: a problem (a text of the catalogue, or field
  // errors) the answer tells in the reader's language.
  struct Skipped {
    std::string uid;
    domain::Error reason;
  };
  // A draft made or rewritten now, and the fields it needs before it can be published.
  struct Written {
    std::string id;
    std::string uid;
    std::vector<std::string> missing;
  };
  // A UID imported before: the event it made, and for a conflict why it was left alone.
  struct Existing {
    std::string id;
    std::string uid;
    std::optional<domain::Error> reason;
  };
  std::vector<Written> created;
  std::vector<Written> updated;
  std::vector<Existing> unchanged;
  std::vector<Existing> conflicts;
  std::vector<CreatedSession> created_sessions;
  std::vector<Skipped> skipped;
};

// An organiser imports for its own organisation; an admin names one (`organisation`, id or
// slug). 422 when the upload as a whole is refused (not a calendar, too large, ...).
boost::asio::awaitable<ImportReport> import_events(Database& db, const domain::Caller& caller,
                                                   std::optional<std::string> organisation, std::string calendar);

}  // namespace eventd::services
