#pragma once
// Our own request and response, so handlers never see Beast (and compile fast).
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace eventd::http {

enum class Method { get, head, post, put, patch, delete_, options, other };

std::string_view to_string(Method method);
Method parse_method(std::string_view name);

// Header names compare case-insensitively; order is kept.
class Headers {
 public:
  void set(std::string name, std::string value);  // replaces
  void add(std::string name, std::string value);  // appends
  std::optional<std::string_view> get(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& all() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

struct Request {
  Method method = Method::get;
  std::string target;  // as sent: path and query
  std::string path;    // percent-decoded path, without the query
  std::string query;   // raw query string, without '?'
  Headers headers;
  std::string body;
  std::string peer_address;  // the TCP peer; see client_address.hpp for the client behind a proxy
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  // When set, the body instead of `body`: bytes shared with a cache (a rendered feed), sent
  // without a copy per response.
  std::shared_ptr<const std::string> shared_body;

  const std::string& body_bytes() const { return shared_body ? *shared_body : body; }
};

bool iequals(std::string_view a, std::string_view b);

// A header value or list element without the spaces and tabs around it (RFC 9110 "OWS").
std::string_view trim_ows(std::string_view s);

}  // namespace eventd::http
