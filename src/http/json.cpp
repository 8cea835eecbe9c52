#include "http/json.hpp"

#include "domain/error.hpp"

namespace eventd::http {

namespace {
constexpr int max_depth = 32;

std::string_view media_type(std::string_view content_type) {
  auto semicolon = content_type.find(';');
  auto type = content_type.substr(0, semicolon);
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  return type;
}
}  // namespace

Response json_response(int status, const nlohmann::json& body) {
  Response response;
  response.status = status;
  response.headers.set("Content-Type", "application/json");
  response.body = body.dump();
  return response;
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
  int depth = 0;
  bool too_deep = false;
  // The callback sees each nesting level as it opens, so a hostile body is stopped early.
  auto guard = [&](int level, nlohmann::json::parse_event_t event, nlohmann::json&) {
    if (event == nlohmann::json::parse_event_t::object_start || event == nlohmann::json::parse_event_t::array_start) {
      depth = level;
      if (level > max_depth) too_deep = true;
    }
    return !too_deep;
  };
  try {
    auto body = nlohmann::json::parse(request.body, guard);
    if (too_deep) throw Error(ErrorCode::bad_request, "The JSON body is nested too deeply.");
    return body;
  } catch (const nlohmann::json::parse_error& e) {
    if (too_deep) throw Error(ErrorCode::bad_request, "The JSON body is nested too deeply.");
    throw Error(ErrorCode::bad_request, std::string("The body is not valid JSON (or not valid UTF-8): ") + e.what());
  }
  (void)depth;
}

}  // namespace eventd::http
