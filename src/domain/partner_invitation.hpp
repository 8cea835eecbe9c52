#pragma once
// A partner invitation: naming another organisation as an event's partner (co-host) asks it;
// only its organisers (or an admin) accept or decline. Until it accepts, the event is not
// shown as its event anywhere (partner_ids to the public, its organisation feed, lists
// filtered by it).
#include <optional>
#include <string>
#include <string_view>

#include "domain/enum_names.hpp"
#include "domain/time.hpp"

namespace eventd::domain {

enum class PartnerStatus { pending, accepted, declined };

inline constexpr EnumNames<PartnerStatus, 3> kPartnerStatusNames{{
    {PartnerStatus::pending, "pending"},
    {PartnerStatus::accepted, "accepted"},
    {PartnerStatus::declined, "declined"},
}};
constexpr std::string_view to_string(PartnerStatus v) { return enum_detail::name_of(kPartnerStatusNames, v); }
constexpr std::optional<PartnerStatus> parse_partner_status(std::string_view s) {
  return enum_detail::value_of(kPartnerStatusNames, s);
}

struct PartnerInvitation {
  std::string event_id{};
  std::string event_slug{};
  std::string event_title{};
  std::string event_status{};
  std::string event_organiser_id{};
  std::string organisation_id{};  // the invited partner
  PartnerStatus status = PartnerStatus::pending;
  Instant invited_at{};
  std::optional<Instant> decided_at{};
};

}  // namespace eventd::domain
