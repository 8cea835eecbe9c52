#pragma once
// A delegation of a study trip (issue 21): people who travel together, such as the Cyprus
// delegation of the Östersund visit. A registration may belong to one delegation of its
// event; the delegation's quota caps its confirmed seats inside the event's capacity.
#include <optional>
#include <string>
#include <vector>

#include "domain/error.hpp"
#include "domain/registration.hpp"
#include "domain/time.hpp"

namespace eventd::domain {

struct DelegationContact {
  std::optional<std::string> name{};
  std::optional<std::string> email{};
  std::optional<std::string> phone{};

  friend bool operator==(const DelegationContact&, const DelegationContact&) = default;
};

struct Delegation {
  std::string id{};  // UUID
  std::string event_id{};
  std::string name{};
  std::optional<std::string> country{};  // ISO 3166-1 alpha-2
  DelegationContact contact{};
  std::optional<int> quota{};  // confirmed seats at most; none: only the event's capacity
  // Read, never written: counted from the registrations.
  int confirmed = 0;
  int waitlisted = 0;
  bool has_leader_token = false;
  long long version = 1;
  Instant created_at{};
  Instant updated_at{};
};

inline constexpr std::size_t kMaxDelegationNameLength = 200;  // delegations_name_check
inline constexpr int kMaxDelegationQuota = 1000000;

// name 1-200, country code, contact lengths and syntax, quota ≥ 0.
std::vector<FieldError> check_delegation(const Delegation& d);

// Where a new registration of a delegation goes: a seat only when both the event and the
// delegation have one; otherwise the waitlist when the event keeps one.
Admission admit_to_delegation(std::optional<int> capacity, bool waitlist, int confirmed, std::optional<int> quota,
                              int delegation_confirmed);

// A delegation's seats while the waitlist is worked through in order: whether it takes one
// more confirmed registration.
struct DelegationSeats {
  std::optional<int> quota;
  int confirmed = 0;
  bool has_room() const noexcept { return !quota || confirmed < *quota; }
};

}  // namespace eventd::domain
