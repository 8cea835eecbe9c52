#include "http/handlers/messages.hpp"

#include <nlohmann/json.hpp>

#include "domain/error.hpp"
#include "domain/time.hpp"
#include "http/auth.hpp"
#include "http/backend.hpp"
#include "http/context.hpp"
#include "http/json.hpp"
#include "http/pagination.hpp"
#include "services/mail_outbox.hpp"

namespace eventd::http::handlers {

namespace {

nlohmann::json optional_json(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json optional_instant(const std::optional<domain::Instant>& t) {
  return t ? nlohmann::json(domain::format_utc(*t)) : nlohmann::json(nullptr);
}

// The message's state and addressing; never its text (it may hold the participant's key).
nlohmann::json message_json(const db::MailRow& m) {
  return {
      {"id", m.id},
      {"kind", m.kind},
      {"language", m.language},
      {"registration_id", optional_json(m.registration_id)},
      {"media_request_id", optional_json(m.media_request_id)},
      {"recipient", m.recipient_email
                        ? nlohmann::json{{"name", m.recipient_name.value_or("")}, {"email", *m.recipient_email}}
                        : nlohmann::json(nullptr)},
      {"subject", m.subject},
      {"state", m.state},
      {"attempts", m.attempts},
      {"last_error", optional_json(m.last_error)},
      {"created_at", domain::format_utc(m.created_at)},
      {"next_attempt_at", optional_instant(m.next_attempt_at)},
      {"sent_at", optional_instant(m.sent_at)},
  };
}

}  // namespace

boost::asio::awaitable<Response> list_event_messages(RequestContext& context) {
  auto caller = co_await authenticate(context);
  services::MailListQuery query;
  if (auto state = context.query.get("state"); state && !state->empty()) {
    if (*state != "pending" && *state != "sent" && *state != "failed" && *state != "erased") {
      throw domain::Error(
          domain::Problem::bad_request,
          domain::detail("query_one_of", {{"name", "state"}, {"allowed", "pending, sent, failed, erased"}}));
    }
    query.state = std::string(*state);
  }
  auto page = read_page(context, {"state"});
  query.after_seq = read_seq_cursor(page);
  query.limit = page.limit;
  auto found = co_await services::list_event_mail(context.backend.db, caller, context.param("id"), query);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& m : found.items) items.push_back(message_json(m));
  std::optional<std::vector<std::string>> next;
  if (found.next_seq) next = {std::to_string(*found.next_seq)};
  Response response = paged_response(context, page, std::move(items), next);
  response.headers.set("Vary", "Authorization");
  response.headers.set("Cache-Control", "no-store");
  co_return response;
}

}  // namespace eventd::http::handlers
