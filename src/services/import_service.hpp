#pragma once
// POST /v1/events/import: each VEVENT of an uploaded calendar becomes a draft event of the
// caller's organisation (ics/import.hpp reads the file), and each programme item of such an
// event (RELATED-TO its UID) a session of it. A VEVENT whose UID was imported before for
// the organisation, or that breaks an event or session rule, is skipped with a reason (and
// so are the programme items of a skipped event); the rest are created in one transaction.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "domain/api_key.hpp"

namespace eventd::services {

class Database;

struct ImportReport {
  struct Created {
    std::string id;
    std::string uid;
  };
  struct CreatedSession {
    std::string id;
    std::string uid;
    std::string event_id;
  };
  struct Skipped {
    std::string uid;
    std::string reason;
  };
  std::vector<Created> created;
  std::vector<CreatedSession> created_sessions;
  std::vector<Skipped> skipped;
};

// An organiser imports for its own organisation; an admin names one (`organisation`, id or
// slug). 422 when the upload as a whole is refused (not a calendar, too large, ...).
boost::asio::awaitable<ImportReport> import_events(Database& db, const domain::Caller& caller,
                                                   std::optional<std::string> organisation, std::string calendar);

}  // namespace eventd::services
