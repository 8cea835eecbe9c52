#include "services/idempotency.hpp"

#include <nlohmann/json.hpp>

#include "db/idempotency_repository.hpp"
#include "domain/error.hpp"
#include "services/secrets.hpp"

namespace eventd::services {

namespace {

using domain::detail;
using domain::Error;
using domain::Problem;

std::string answer_key_material(const IdempotencyRequest& r) {
  // Only the client knows both; the database alone cannot open the stored answer.
  return r.key + '\0' + r.request_body;
}

std::string stored_plaintext(const StoredResponse& r) {
  nlohmann::json j = {{"status", r.status}, {"location", r.location}, {"body", r.body}};
  if (!r.etag.empty()) j["etag"] = r.etag;
  return j.dump();
}

StoredResponse stored_from_plaintext(const std::string& text) {
  auto j = nlohmann::json::parse(text);
  return StoredResponse{j.at("status").get<int>(), j.at("location").get<std::string>(), j.at("body").get<std::string>(),
                        j.value("etag", std::string())};
}

}  // namespace

std::optional<StoredResponse> replay_or_claim(soci::session& s, const IdempotencyRequest& request) {
  const std::string request_hash = secret_hash(request.request_body);
  auto stored = db::claim_idempotency_key(s, request.scope, secret_hash(request.key), request_hash);
  if (!stored) return std::nullopt;
  if (stored->status == db::kTombstoneStatus) {
    throw Error(Problem::not_found, detail("idempotency_answer_erased"));
  }
  if (!constant_time_equal(stored->request_hash, request_hash)) {
    throw Error(Problem::idempotency_key_reused, {}, {{"Idempotency-Key", domain::FieldCode("reused")}});
  }
  auto plain = unseal(stored->sealed, answer_key_material(request));
  if (!plain) throw Error(Problem::conflict, detail("idempotency_answer_unreadable"));
  return stored_from_plaintext(*plain);
}

void remember_answer(soci::session& s, const IdempotencyRequest& request, const StoredResponse& answer,
                     const std::string& record_id) {
  db::store_answer(s, request.scope, secret_hash(request.key), answer.status,
                   seal(stored_plaintext(answer), answer_key_material(request)), record_id);
}

void release_claim(soci::session& s, const IdempotencyRequest& request) {
  db::release_claim(s, request.scope, secret_hash(request.key));
}

void erase_stored_answers(soci::session& s, const std::string& record_id, const std::string& legacy_scope_pattern) {
  db::erase_answers_of(s, record_id, legacy_scope_pattern);
}

}  // namespace eventd::services
