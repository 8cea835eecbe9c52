#pragma once
// POST /v1/events/import: each VEVENT of an uploaded calendar becomes a draft event of the
// caller's organisation (ics/import.hpp reads the file). A VEVENT whose UID was imported
// before for the organisation, or that breaks an event rule, is skipped with a reason; the
// rest are created in one transaction.
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
  struct Skipped {
    std::string uid;
    std::string reason;
  };
  std::vector<Created> created;
  std::vector<Skipped> skipped;
};

// An organiser imports for its own organisation; an admin names one (`organisation`, id or
// slug). 422 when the upload as a whole is refused (not a calendar, too large, ...).
boost::asio::awaitable<ImportReport> import_events(Database& db, const domain::Caller& caller,
                                                   std::optional<std::string> organisation, std::string calendar);

}  // namespace eventd::services
