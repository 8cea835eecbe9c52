#pragma once
// Webhooks (issue 22): an organisation's subscriptions to the changes of its records, and the
// catalogue of change types a subscription may name. The delivery itself (signatures, the
// address policy, the POST) is src/webhook/; the outbox and the sender are
// services/webhook_service.hpp.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/enum_names.hpp"
#include "domain/error.hpp"
#include "domain/time.hpp"

namespace eventd::domain {

// A type of change: "registration.created". `resource` names the schema of its `data` in
// openapi.yaml (the resource as its route returns it).
struct WebhookEventType {
  std::string_view name;
  std::string_view resource;
  std::string_view description;
};
std::span<const WebhookEventType> webhook_event_types();
bool is_webhook_event_type(std::string_view name);

enum class WebhookDisabledReason { none, gone, failing };
// `none` has no spelling: the column and the member are null.
inline constexpr EnumNames<WebhookDisabledReason, 2> kWebhookDisabledReasonNames{{
    {WebhookDisabledReason::gone, "gone"},
    {WebhookDisabledReason::failing, "failing"},
}};
// nullopt for none.
constexpr std::optional<std::string_view> to_string(WebhookDisabledReason r) {
  if (r == WebhookDisabledReason::none) return std::nullopt;
  return enum_detail::name_of(kWebhookDisabledReasonNames, r);
}
constexpr WebhookDisabledReason parse_webhook_disabled_reason(std::string_view s) {
  return enum_detail::value_of(kWebhookDisabledReasonNames, s).value_or(WebhookDisabledReason::none);
}

struct WebhookSubscription {
  std::string id{};  // UUID
  std::string organisation_id{};
  std::string url{};
  std::vector<std::string> event_types{};  // empty: every type
  std::optional<std::string> description{};
  bool enabled = true;
  WebhookDisabledReason disabled_reason = WebhookDisabledReason::none;
  std::optional<Instant> previous_secret_until{};  // a rotation's overlap lasts until then
  long long version = 1;
  Instant created_at{};
  Instant updated_at{};
};

inline constexpr std::size_t kMaxWebhookUrlLength = 2000;         // webhook_subscriptions_url_check
inline constexpr std::size_t kMaxWebhookDescriptionLength = 500;  // webhook_subscriptions_description_check
inline constexpr std::size_t kMaxWebhookEventTypes = 100;
inline constexpr std::size_t kMaxWebhooksPerOrganisation = 20;

// Length and type checks; the URL's scheme and address are the address policy's
// (webhook/address_policy.hpp), checked by the service.
std::vector<FieldError> check_webhook_subscription(const WebhookSubscription& s);

// Whether a subscription wants changes of this type.
bool wants(const WebhookSubscription& s, std::string_view type);

}  // namespace eventd::domain
