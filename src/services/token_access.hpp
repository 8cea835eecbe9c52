#pragma once
// Records that their holder reaches with a secret token of their own (a registration's manage
// token, a media request's status token) and that organisers reach with an API key. One rule
// for all of them: a token of no record is a 401 whatever the id; with a token of some record,
// another record's id and an id of no record are alike a 404 with the same body (so a holder
// cannot probe ids); another organisation's key a 403, no credentials a 401.
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "domain/api_key.hpp"

namespace eventd::services {

// A person session's reach (services/person_service.hpp): the records made with `email`, of
// `organisation_id`'s events only when it is set.
struct PersonScope {
  std::string email;
  std::optional<std::string> organisation_id;
};

struct TokenRecordKind {
  std::string_view name;        // "registration", "media request"
  std::string_view title;       // "Registration", for "Registration not found"
  std::string_view token_name;  // "manage token", "status token"
  // Whether some record of this kind has a token with this hash (hex SHA-256).
  std::function<bool(const std::string& token_hash)> token_exists;
  // The person behind a person token (nullopt: unknown or expired), read in the caller's
  // transaction.
  std::function<std::optional<PersonScope>(const std::string& person_token)> find_person{};
};

// Who asks: an API key's caller, the holder of a record's token, or a person (a session of
// services/person_service.hpp) whose e-mail address the record was made with.
struct TokenOrKey {
  domain::Caller caller = domain::Caller::anonymous();
  std::optional<std::string> token;
  std::optional<std::string> person_token{};  // evu_…
};

// True for the holder of one of the record's own tokens (`stored_token_hashes`, hex SHA-256;
// empty ones are none) or a person whose scope holds the record (`holder_email`, nullopt once
// erased), false for an organiser (or admin) of the record's organisation;
// throws 401 (unknown token, no credentials), 404 (another record's token) or 403 (another
// organisation's key) for anyone else.
bool authorise_holder_or_manager(const TokenOrKey& who, std::initializer_list<std::string_view> stored_token_hashes,
                                 std::string_view organiser_id, const std::optional<std::string>& holder_email,
                                 const TokenRecordKind& kind);

// For a record that is not there: 401 for a token of no record, an unknown person token or
// no credentials, otherwise 404.
[[noreturn]] void throw_missing_record(const TokenOrKey& who, const TokenRecordKind& kind);

}  // namespace eventd::services
