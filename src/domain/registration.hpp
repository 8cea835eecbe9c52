#pragma once
// A participant's registration for an event (api.md, "Registrations"), and the rules about
// seats and the registration window that need no I/O. Keeping capacity exact under
// concurrency is the database's part (schema/004_registrations.sql).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/enum_names.hpp"
#include "domain/error.hpp"
#include "domain/event.hpp"
#include "domain/time.hpp"

namespace eventd::domain {

enum class RegistrationStatus { confirmed, waitlisted, cancelled };

inline constexpr EnumNames<RegistrationStatus, 3> kRegistrationStatusNames{{
    {RegistrationStatus::confirmed, "confirmed"},
    {RegistrationStatus::waitlisted, "waitlisted"},
    {RegistrationStatus::cancelled, "cancelled"},
}};
constexpr std::string_view to_string(RegistrationStatus s) { return enum_detail::name_of(kRegistrationStatusNames, s); }
constexpr std::optional<RegistrationStatus> parse_registration_status(std::string_view s) {
  return enum_detail::value_of(kRegistrationStatusNames, s);
}

// What a participant tells us. Personal data: erased on request or by retention.
struct Participant {
  std::string name{};
  std::string email{};
  std::optional<std::string> organisation{};
  std::optional<std::string> country{};  // ISO 3166-1 alpha-2
  std::optional<std::string> needs{};    // dietary / accessibility, free text

  friend bool operator==(const Participant&, const Participant&) = default;
};

struct Registration {
  std::string id{};  // UUID
  std::string event_id{};
  RegistrationStatus status = RegistrationStatus::confirmed;
  std::optional<int> waitlist_position{};      // 1-based, while waitlisted
  std::optional<Participant> participant{};    // nullopt once erased
  std::vector<std::string> session_ids{};      // chosen programme items; empty = the whole event
  std::optional<std::string> delegation_id{};  // the delegation of a study trip it belongs to
  Instant consent_at{};
  std::optional<Instant> confirmed_at{};
  std::optional<Instant> cancelled_at{};
  std::optional<Instant> erased_at{};
  int feed_generation = 0;  // grows when the personal feed link is rotated
  long long version = 1;
  Instant created_at{};
  Instant updated_at{};

  bool is_erased() const noexcept { return erased_at.has_value(); }
  bool is_active() const noexcept { return status != RegistrationStatus::cancelled; }
};

inline constexpr std::size_t kMaxParticipantNameLength = 200;
inline constexpr std::size_t kMaxParticipantOrganisationLength = 200;
inline constexpr std::size_t kMaxNeedsLength = 2000;
inline constexpr std::size_t kMaxChosenSessions = 100;

// Field rules of a participant (name 1-200, e-mail syntax, organisation ≤ 200, country code,
// needs ≤ 2000).
std::vector<FieldError> check_participant(const Participant& p);

// Case-insensitive identity of an address for "one registration per e-mail": ASCII letters
// folded (what PostgreSQL's lower() does for the unique index as well).
std::string email_identity(std::string_view email);

// Whether a registration goes from `from` to `to` by itself, without its holder: a
// waitlisted one is confirmed when a seat frees up. A copy read before such a move still
// says `from`; sent back with PATCH, that is no change (any other status sent is one).
constexpr bool moves_by_itself(RegistrationStatus from, RegistrationStatus to) {
  return from == RegistrationStatus::waitlisted && to == RegistrationStatus::confirmed;
}

// Where a new registration goes, given the event's seats.
enum class Admission { confirmed, waitlisted, full };
Admission admit(std::optional<int> capacity, bool waitlist, int confirmed);

// Why the event takes no registrations at `now` (a registration_closed problem saying why);
// nullopt when it does. Only published events that have not ended take registrations,
// inside the window.
std::optional<Error> registration_refusal(const Event& e, Instant now);

// How many waitlisted registrations a change of capacity confirms; throws a 409 when the
// new capacity is below the confirmed count.
int seats_to_promote(std::optional<int> new_capacity, int confirmed, int waitlisted);

}  // namespace eventd::domain
