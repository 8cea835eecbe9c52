#pragma once
// API keys (api.md, "API keys") and the identity of whoever makes a request.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/enum_names.hpp"
#include "domain/error.hpp"
#include "domain/time.hpp"

namespace eventd::domain {

enum class Role { admin, organiser };

inline constexpr EnumNames<Role, 2> kRoleNames{{
    {Role::admin, "admin"},
    {Role::organiser, "organiser"},
}};
constexpr std::string_view to_string(Role r) { return enum_detail::name_of(kRoleNames, r); }
constexpr std::optional<Role> parse_role(std::string_view s) { return enum_detail::value_of(kRoleNames, s); }

// The stored record; the key itself is shown once at creation and only its hash is kept
// (the hash belongs to db/, not here).
struct ApiKey {
  std::string id{};  // UUID
  std::string name{};
  Role role = Role::organiser;
  std::optional<std::string> organisation_id{};  // set exactly when role == organiser
  std::string key_prefix{};                      // the first characters of the key, to recognise it in lists
  Instant created_at{};
  std::optional<Instant> last_used_at{};
  std::optional<Instant> revoked_at{};

  bool is_revoked() const noexcept { return revoked_at.has_value(); }
};

inline constexpr std::size_t kMaxApiKeyNameLength = 200;  // openapi ApiKeyCreate.name, api_keys_name_check

// name 1-200; an organiser key needs organisation_id, an admin key must not have one.
std::vector<FieldError> check_api_key(const ApiKey& k);

// Who is calling, as established from the bearer key. Participants and journalists holding
// a manage/status token are not Callers: those tokens grant access to one record only and
// are checked where that record is loaded.
class Caller {
 public:
  enum class Kind { anonymous, admin, organiser };

  static Caller anonymous() { return Caller(Kind::anonymous, {}, {}); }
  static Caller admin(std::string key_id) { return Caller(Kind::admin, std::move(key_id), {}); }
  static Caller organiser(std::string key_id, std::string organisation_id) {
    return Caller(Kind::organiser, std::move(key_id), std::move(organisation_id));
  }
  // From a live (not revoked) key; the caller of this function checked revocation.
  static Caller from_key(const ApiKey& key);

  Kind kind() const noexcept { return kind_; }
  bool is_anonymous() const noexcept { return kind_ == Kind::anonymous; }
  bool is_admin() const noexcept { return kind_ == Kind::admin; }
  bool is_organiser() const noexcept { return kind_ == Kind::organiser; }
  bool is_authenticated() const noexcept { return kind_ != Kind::anonymous; }

  // The key's id, for logs and audit; empty for anonymous callers.
  const std::string& key_id() const noexcept { return key_id_; }
  // The organisation an organiser key is scoped to; nullopt for admin and anonymous.
  const std::optional<std::string>& organisation_id() const noexcept { return organisation_id_; }

  // Admin: everything. Organiser: only its own organisation's events, their sessions,
  // registrations and media requests. Anonymous: nothing.
  bool can_manage(std::string_view organisation_id) const noexcept {
    return is_admin() || (is_organiser() && !organisation_id.empty() && organisation_id_ == organisation_id);
  }

 private:
  Caller(Kind kind, std::string key_id, std::optional<std::string> organisation_id)
      : kind_(kind), key_id_(std::move(key_id)), organisation_id_(std::move(organisation_id)) {}

  Kind kind_;
  std::string key_id_{};
  std::optional<std::string> organisation_id_{};
};

}  // namespace eventd::domain
