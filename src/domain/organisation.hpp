#pragma once
// An organisation: organiser of some events, partner of others (api.md, "Organisations").
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/enum_names.hpp"
#include "domain/error.hpp"
#include "domain/time.hpp"

namespace eventd::domain {

enum class OrganisationKind {
  civil_society,
  public_agency,
  municipality,
  region,
  study_association,
  faith_community,
  other
};

inline constexpr EnumNames<OrganisationKind, 7> kOrganisationKindNames{{
    {OrganisationKind::civil_society, "civil_society"},
    {OrganisationKind::public_agency, "public_agency"},
    {OrganisationKind::municipality, "municipality"},
    {OrganisationKind::region, "region"},
    {OrganisationKind::study_association, "study_association"},
    {OrganisationKind::faith_community, "faith_community"},
    {OrganisationKind::other, "other"},
}};
constexpr std::string_view to_string(OrganisationKind k) { return enum_detail::name_of(kOrganisationKindNames, k); }
constexpr std::optional<OrganisationKind> parse_organisation_kind(std::string_view s) {
  return enum_detail::value_of(kOrganisationKindNames, s);
}

struct Organisation {
  std::string id{};  // UUID, server-generated
  std::string slug{};
  std::string name{};
  OrganisationKind kind = OrganisationKind::other;
  std::optional<std::string> website{};
  std::optional<std::string> description{};
  // The contact address: ORGANIZER of its events' feeds and invitations (calendar_renderer.hpp).
  std::optional<std::string> email{};
  // Its own website for participants (domain/links.hpp): links about its events lead there
  // instead of EVENTD_FRONTEND_URL. No trailing slash, no query or fragment.
  std::optional<std::string> frontend_url{};
  long long version = 1;  // bumped by the database on every visible change; the ETag
  Instant created_at{};
  Instant updated_at{};
};

inline constexpr std::size_t kMaxNameLength = 300;
inline constexpr std::size_t kMaxDescriptionLength = 20000;
inline constexpr std::size_t kMaxFrontendUrlLength = 500;

// Rules that need no I/O: slug, name (1-300), website http(s), description length, e-mail.
std::vector<FieldError> check_organisation(const Organisation& o);

}  // namespace eventd::domain
