#pragma once
// A traveller's passport details for a study trip (issue 21): special personal data, kept
// sealed, shown only to the event's organisers, erased after the trip
// (services/travel_data_service.hpp).
#include <optional>
#include <string>
#include <vector>

#include "domain/error.hpp"
#include "domain/time.hpp"

namespace eventd::domain {

struct TravelDocument {
  std::optional<std::string> passport_number{};
  std::optional<std::string> issuing_country{};  // ISO 3166-1 alpha-2
  std::optional<Date> passport_expires_on{};
  std::optional<Date> date_of_birth{};
  std::optional<std::string> nationality{};  // ISO 3166-1 alpha-2

  friend bool operator==(const TravelDocument&, const TravelDocument&) = default;
};

inline constexpr std::size_t kMaxPassportNumberLength = 20;

// passport_number: 5-20 letters A-Z, digits, and no other character; the countries are
// codes; at least one field is given.
std::vector<FieldError> check_travel_document(const TravelDocument& d);

}  // namespace eventd::domain
