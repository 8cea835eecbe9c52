#include "http/json.hpp"

#include <optional>
#include <string>
#include <vector>

#include "domain/error.hpp"

namespace eventd::http {

namespace {

std::string_view media_type(std::string_view content_type) {
  auto semicolon = content_type.find(';');
  auto type = content_type.substr(0, semicolon);
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  return type;
}

// Follows the parser's events with a stack of the open containers and records the first
// limit that is exceeded. From then on every value is discarded, so the parser only scans
// the rest of the body without building anything.
class LimitGuard {
 public:
  explicit LimitGuard(const JsonLimits& limits) : limits_(limits) {}

  bool operator()(int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    if (problem_) return false;
    switch (event) {
      case Event::object_start:
      case Event::array_start:
        count_array_element();
        if (open_.size() >= limits_.max_depth) {
          fail("The JSON body is nested more than " + std::to_string(limits_.max_depth) + " levels deep.");
        }
        open_.push_back({event == Event::array_start, 0});
        break;
      case Event::object_end:
      case Event::array_end:
        if (!open_.empty()) open_.pop_back();
        break;
      case Event::key:
        if (parsed.is_string() && parsed.get_ref<const std::string&>().size() > limits_.max_key_bytes) {
          fail("A member name in the JSON body is longer than " + std::to_string(limits_.max_key_bytes) + " bytes.");
        }
        count_member();
        break;
      case Event::value:
        if (parsed.is_string() && parsed.get_ref<const std::string&>().size() > limits_.max_string_bytes) {
          fail("A string in the JSON body is longer than " + std::to_string(limits_.max_string_bytes) + " bytes.");
        }
        count_array_element();
        break;
    }
    return !problem_;
  }

  const std::optional<std::string>& problem() const { return problem_; }

 private:
  struct Open {
    bool is_array;
    std::size_t count;
  };

  void count_array_element() {
    if (!open_.empty() && open_.back().is_array) count_item();
  }
  void count_member() {
    if (!open_.empty() && !open_.back().is_array) count_item();
  }
  void count_item() {
    if (++open_.back().count > limits_.max_items) {
      fail("An array or object in the JSON body has more than " + std::to_string(limits_.max_items) + " entries.");
    }
  }
  void fail(std::string message) {
    if (!problem_) problem_ = std::move(message);
  }

  const JsonLimits& limits_;
  std::vector<Open> open_;
  std::optional<std::string> problem_;
};

}  // namespace

Response json_response(int status, const nlohmann::json& body) {
  Response response;
  response.status = status;
  response.headers.set("Content-Type", "application/json");
  response.body = body.dump();
  return response;
}

nlohmann::json parse_json_text(std::string_view text, const JsonLimits& limits) {
  using domain::Error;
  using domain::ErrorCode;
  LimitGuard guard(limits);
  try {
    auto body = nlohmann::json::parse(text, std::ref(guard));
    if (guard.problem()) throw Error(ErrorCode::bad_request, *guard.problem());
    return body;
  } catch (const nlohmann::json::exception& e) {
    // Not only parse_error: a number beyond double's range ("1e400") is an out_of_range
    // (found by fuzzing; it was a 500).
    if (guard.problem()) throw Error(ErrorCode::bad_request, *guard.problem());
    throw Error(ErrorCode::bad_request, std::string("The body is not valid JSON (or not valid UTF-8): ") + e.what());
  }
}

nlohmann::json parse_json_body(const Request& request, bool merge_patch) {
  using domain::Error;
  using domain::ErrorCode;
  auto type = media_type(request.headers.get("Content-Type").value_or(""));
  bool accepted = iequals(type, "application/json") || (merge_patch && iequals(type, "application/merge-patch+json"));
  if (!accepted) {
    throw Error(ErrorCode::unsupported_media_type, merge_patch
                                                       ? "Send application/merge-patch+json or application/json."
                                                       : "Send the body as application/json.");
  }
  return parse_json_text(request.body);
}

}  // namespace eventd::http
