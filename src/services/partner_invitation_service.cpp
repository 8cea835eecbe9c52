#include "services/partner_invitation_service.hpp"

#include <soci/soci.h>

#include <optional>

#include "db/event_repository.hpp"
#include "domain/error.hpp"
#include "domain/event_rules.hpp"
#include "services/database.hpp"

namespace eventd::services {

boost::asio::awaitable<PartnerInvitationPage> list_partner_invitations(Database& db, const domain::Caller& caller,
                                                                       const std::string& organisation_ref,
                                                                       db::PartnerInvitationFilter filter) {
  co_return co_await db.run([&](soci::session& s) {
    auto organisation = db::find_organisation_id(s, organisation_ref);
    if (!organisation) throw domain::not_found("organisation");
    if (!caller.can_manage(*organisation)) {
      throw domain::Error(domain::Problem::forbidden, domain::detail("own_invitations_only"));
    }
    filter.organisation_id = *organisation;
    const std::size_t limit = filter.limit;
    filter.limit = limit + 1;
    PartnerInvitationPage page;
    page.items = db::list_partner_invitations(s, filter);
    if (page.items.size() > limit) {
      page.items.resize(limit);
      page.has_more = true;
    }
    return page;
  });
}

boost::asio::awaitable<domain::PartnerInvitation> answer_partner_invitation(
    Database& db, const domain::Caller& caller, const std::string& event_ref, const std::string& organisation_ref,
    domain::PartnerStatus answer, const PartnerInvitationPrecondition& precondition) {
  if (answer == domain::PartnerStatus::pending) {
    throw domain::Error(domain::Problem::validation, domain::detail("invitation_answer"),
                        {{"status", domain::FieldCode("not_one_of"), {{"allowed", "accepted, declined"}}}});
  }
  co_return co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    // The invited organisation answers even for a draft it could not otherwise see; anyone
    // else learns no more than the event itself shows them.
    auto event = db::find_event(s, event_ref);
    auto organisation = db::find_organisation_id(s, organisation_ref);
    std::optional<domain::PartnerInvitation> current;
    if (event && organisation) current = db::find_partner_invitation(s, event->id, *organisation, true);
    const bool invited = current && caller.can_manage(*organisation);
    if (!invited) {
      if (!event || !domain::is_visible_to(*event, caller)) throw domain::not_found("event");
      if (!current) throw domain::not_found("partner");
      throw domain::Error(domain::Problem::forbidden, domain::detail("invited_answers_only"));
    }
    precondition(*current);
    if (current->status == answer) {
      tx.commit();
      return *current;
    }
    auto stored = db::answer_partner_invitation(s, event->id, *organisation, answer);
    tx.commit();
    return stored;
  });
}

}  // namespace eventd::services
