#include "services/token_access.hpp"

#include <cctype>

#include "domain/error.hpp"
#include "services/secrets.hpp"

namespace eventd::services {

namespace {

using domain::Error;
using domain::ErrorCode;

Error unknown_token(const TokenRecordKind& kind) {
  return Error(ErrorCode::unauthorized,
               "The token is unknown, or the " + std::string(kind.name) + " it belonged to is gone.");
}

Error unknown_person(const TokenRecordKind& kind) {
  return Error(ErrorCode::unauthorized,
               "The sign-in has expired or was ended: open the link in your latest e-mail, or "
               "ask for a new one (POST /v1/me/sign-in), to reach this " +
                   std::string(kind.name) + ".");
}

bool same_address(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

Error no_credentials(const TokenRecordKind& kind) {
  return Error(ErrorCode::unauthorized, "Use the " + std::string(kind.name) + "'s " + std::string(kind.token_name) +
                                            " or an organiser's API key.");
}

}  // namespace

bool authorise_holder_or_manager(const TokenOrKey& who, std::initializer_list<std::string_view> stored_token_hashes,
                                 std::string_view organiser_id, const std::optional<std::string>& holder_email,
                                 const TokenRecordKind& kind) {
  if (who.person_token) {
    auto person = kind.find_person(*who.person_token);
    if (!person) throw unknown_person(kind);
    const bool in_scope = !person->organisation_id || *person->organisation_id == organiser_id;
    if (holder_email && in_scope && same_address(*holder_email, person->email)) return true;
    // Someone else's record, or one outside the session's organisation: as if it did not exist.
    throw domain::not_found(std::string(kind.title));
  }
  if (who.token) {
    const std::string hash = secret_hash(*who.token);
    for (std::string_view stored : stored_token_hashes) {
      if (!stored.empty() && constant_time_equal(hash, stored)) return true;
    }
    // Another record's token: the same answer as for an id that does not exist, so a holder
    // cannot tell other records' ids from made-up ones.
    if (kind.token_exists(hash)) throw domain::not_found(std::string(kind.title));
    throw unknown_token(kind);
  }
  if (who.caller.is_anonymous()) throw no_credentials(kind);
  if (!who.caller.can_manage(organiser_id)) {
    throw Error(ErrorCode::forbidden, "Your key does not act for the organisation of this event.");
  }
  return false;
}

void throw_missing_record(const TokenOrKey& who, const TokenRecordKind& kind) {
  if (who.person_token && !kind.find_person(*who.person_token)) throw unknown_person(kind);
  if (who.token && !kind.token_exists(secret_hash(*who.token))) throw unknown_token(kind);
  if (!who.token && !who.person_token && who.caller.is_anonymous()) throw no_credentials(kind);
  throw domain::not_found(std::string(kind.title));
}

}  // namespace eventd::services
