#include "services/token_access.hpp"

#include <cctype>

#include "domain/error.hpp"
#include "services/secrets.hpp"

namespace eventd::services {

namespace {

using domain::detail;
using domain::Error;
using domain::Problem;

// The texts name the kind of record, so each kind has its own (a record's name cannot be a
// value: it is translated with the sentence). Registrations and media requests have tokens.
bool is_registration(const TokenRecordKind& kind) { return kind.name == "registration"; }

Error record_not_found(const TokenRecordKind& kind) {
  return is_registration(kind) ? domain::not_found("registration") : domain::not_found("media_request");
}

Error unknown_token(const TokenRecordKind& kind) {
  return Error(Problem::unauthorized,
               is_registration(kind) ? detail("unknown_registration_token") : detail("unknown_media_request_token"));
}

Error unknown_person(const TokenRecordKind& kind) {
  domain::MessageParams params{{"sign_in", "POST /v1/me/sign-in"}};
  return Error(Problem::unauthorized, is_registration(kind) ? detail("signed_out_registration", std::move(params))
                                                            : detail("signed_out_media_request", std::move(params)));
}

bool same_address(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

Error no_credentials(const TokenRecordKind& kind) {
  return Error(Problem::unauthorized,
               is_registration(kind) ? detail("needs_manage_token_or_key") : detail("needs_status_token_or_key"));
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
    throw record_not_found(kind);
  }
  if (who.token) {
    const std::string hash = secret_hash(*who.token);
    for (std::string_view stored : stored_token_hashes) {
      if (!stored.empty() && constant_time_equal(hash, stored)) return true;
    }
    // Another record's token: the same answer as for an id that does not exist, so a holder
    // cannot tell other records' ids from made-up ones.
    if (kind.token_exists(hash)) throw record_not_found(kind);
    throw unknown_token(kind);
  }
  if (who.caller.is_anonymous()) throw no_credentials(kind);
  if (!who.caller.can_manage(organiser_id)) {
    throw Error(Problem::forbidden, detail("key_not_for_event_organisation"));
  }
  return false;
}

void throw_missing_record(const TokenOrKey& who, const TokenRecordKind& kind) {
  if (who.person_token && !kind.find_person(*who.person_token)) throw unknown_person(kind);
  if (who.token && !kind.token_exists(secret_hash(*who.token))) throw unknown_token(kind);
  if (!who.token && !who.person_token && who.caller.is_anonymous()) throw no_credentials(kind);
  throw record_not_found(kind);
}

}  // namespace eventd::services
