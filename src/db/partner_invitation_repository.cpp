#include "db/partner_invitation_repository.hpp"

#include <soci/soci.h>

#include "db/statement.hpp"
#include "db/support.hpp"

namespace eventd::db {

namespace {

constexpr const char* invitation_columns =
    "e.id::text, e.slug, e.title, e.status, e.organiser_id::text, p.organisation_id::text, p.status, "
    "eventd_us(p.invited_at), eventd_us(p.decided_at)";

constexpr const char* invitation_from = " FROM event_partners p JOIN events e ON e.id = p.event_id";

domain::PartnerInvitation invitation_from_row(const soci::row& row) {
  domain::PartnerInvitation i;
  i.event_id = row.get<std::string>(0);
  i.event_slug = row.get<std::string>(1);
  i.event_title = row.get<std::string>(2);
  i.event_status = row.get<std::string>(3);
  i.event_organiser_id = row.get<std::string>(4);
  i.organisation_id = row.get<std::string>(5);
  i.status = domain::parse_partner_status(row.get<std::string>(6)).value_or(domain::PartnerStatus::pending);
  i.invited_at = from_us(row.get<long long>(7));
  i.decided_at = opt_instant(row, 8);
  return i;
}

std::vector<domain::PartnerInvitation> invitations(soci::session& session, const std::string& sql, Params& params) {
  std::vector<domain::PartnerInvitation> out;
  for_each_row(session, sql, params, [&](const soci::row& row) { out.push_back(invitation_from_row(row)); });
  return out;
}

}  // namespace

std::vector<domain::PartnerInvitation> list_partner_invitations(soci::session& session,
                                                                const PartnerInvitationFilter& filter) {
  Params p;
  std::string sql = std::string("SELECT ") + invitation_columns + invitation_from +
                    " WHERE p.organisation_id = " + p.add_uuid(filter.organisation_id);
  if (filter.status) sql += " AND p.status = " + p.add(std::string(domain::to_string(*filter.status)));
  if (filter.after) {
    sql += " AND (p.invited_at, p.event_id) < (eventd_ts(CAST(" + p.add(std::to_string(filter.after->invited_at_us)) +
           " AS bigint)), " + p.add_uuid(filter.after->event_id) + ")";
  }
  sql +=
      " ORDER BY p.invited_at DESC, p.event_id DESC LIMIT CAST(" + p.add(std::to_string(filter.limit)) + " AS integer)";
  return invitations(session, sql, p);
}

std::optional<domain::PartnerInvitation> find_partner_invitation(soci::session& session, const std::string& event_id,
                                                                 const std::string& organisation_id, bool for_update) {
  Params p;
  std::string sql = std::string("SELECT ") + invitation_columns + invitation_from +
                    " WHERE p.event_id = " + p.add_uuid(event_id) +
                    " AND p.organisation_id = " + p.add_uuid(organisation_id);
  if (for_update) sql += " FOR UPDATE OF p";
  auto found = invitations(session, sql, p);
  if (found.empty()) return std::nullopt;
  return found.front();
}

domain::PartnerInvitation answer_partner_invitation(soci::session& session, const std::string& event_id,
                                                    const std::string& organisation_id, domain::PartnerStatus status) {
  Params p;
  const std::string sql = "UPDATE event_partners SET status = " + p.add(std::string(domain::to_string(status))) +
                          ", decided_at = now() WHERE event_id = " + p.add_uuid(event_id) +
                          " AND organisation_id = " + p.add_uuid(organisation_id);
  execute(session, sql, p);
  return find_partner_invitation(session, event_id, organisation_id, false).value();
}

}  // namespace eventd::db
