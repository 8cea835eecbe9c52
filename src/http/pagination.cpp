#include "http/pagination.hpp"

#include <sodium.h>
#include <charconv>

#include "domain/error.hpp"
#include "http/backend.hpp"
#include "http/context.hpp"
#include "http/json.hpp"

namespace eventd::http {

namespace {
constexpr int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

// The kind's own detail says it: "The cursor is not one this service gave out for this list."
domain::Error bad_cursor() { return domain::Error(domain::Problem::invalid_cursor); }

// 8 bytes of BLAKE2b over the path and each filter's name and values, hex. Not a secret (a
// cursor never was): it only tells one list's cursors from another's. Lengths are part of
// the input, so no two different lists run together into the same bytes.
std::string scope_of(const Query& query, std::string_view path, std::initializer_list<std::string_view> filters) {
  std::string input;
  auto add = [&input](std::string_view part) {
    input += std::to_string(part.size());
    input += ':';
    input += part;
  };
  add(path);
  for (std::string_view name : filters) {
    add(name);
    const auto values = query.all(name);
    input += std::to_string(values.size()) + ';';
    for (const auto& value : values) add(value);
  }
  unsigned char digest[8];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(input.data()), input.size(), nullptr,
                     0);
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

}  // namespace

// The scope first, then the sort key, separated by newlines.
std::string encode_cursor(const Page& page, const std::vector<std::string>& sort_key) {
  std::string joined = page.scope;
  for (const auto& part : sort_key) joined += '\n' + part;
  std::string encoded(sodium_base64_encoded_len(joined.size(), variant), '\0');
  sodium_bin2base64(encoded.data(), encoded.size(), reinterpret_cast<const unsigned char*>(joined.data()),
                    joined.size(), variant);
  encoded.resize(std::char_traits<char>::length(encoded.c_str()));
  return encoded;
}

namespace {

// This request's URL on the public base, every parameter as sent except the cursor, which
// becomes `cursor`. Built from the raw target, so the filters keep their exact bytes and the
// next request computes the same scope.
std::string next_url(const RequestContext& context, const std::string& cursor) {
  const std::string& target = context.request.target;
  const auto question = target.find('?');
  std::string url = context.backend.public_url;
  url += target.starts_with('/') ? target.substr(0, question) : context.request.path;
  std::string query;
  if (question != std::string::npos) {
    std::string_view rest = std::string_view(target).substr(question + 1);
    while (!rest.empty()) {
      const auto amp = rest.find('&');
      const std::string_view item = rest.substr(0, amp);
      rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
      const std::string_view name = item.substr(0, item.find('='));
      if (item.empty() || name == "cursor") continue;
      // A client may send these raw; in a Link header they would end the URL.
      for (char c : item) {
        if (c == '<' || c == '>' || c == '"' || c == '\\') {
          static constexpr char hex[] = "0123456789ABCDEF";
          query += '%';
          query += hex[static_cast<unsigned char>(c) >> 4];
          query += hex[static_cast<unsigned char>(c) & 15];
        } else {
          query += c;
        }
      }
      query += '&';
    }
  }
  return url + '?' + query + "cursor=" + cursor;  // base64url: nothing to escape
}

}  // namespace

Page read_page(const RequestContext& context, std::initializer_list<std::string_view> filters) {
  return read_page(context.query, context.request.path, filters);
}

Page read_page(const Query& query, std::string_view path, std::initializer_list<std::string_view> filters) {
  Page page;
  page.scope = scope_of(query, path, filters);
  if (auto limit = query.get("limit")) {
    std::size_t value = 0;
    auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), value);
    if (ec != std::errc{} || end != limit->data() + limit->size() || value < 1 || value > 200) {
      throw domain::Error(domain::Problem::bad_request, domain::detail("query_limit"));
    }
    page.limit = value;
  }
  if (auto cursor = query.get("cursor")) {
    if (cursor->empty() || cursor->size() > 512) throw bad_cursor();
    std::string decoded(cursor->size(), '\0');
    std::size_t length = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()), decoded.size(), cursor->data(),
                          cursor->size(), nullptr, &length, nullptr, variant) != 0) {
      throw bad_cursor();
    }
    decoded.resize(length);
    std::vector<std::string> key;
    std::size_t start = 0;
    while (true) {
      auto end = decoded.find('\n', start);
      key.push_back(decoded.substr(start, end - start));
      if (end == std::string::npos) break;
      start = end + 1;
    }
    if (key.size() < 2) throw bad_cursor();
    if (key.front() != page.scope) {
      throw domain::Error(domain::Problem::invalid_cursor, domain::detail("cursor_of_another_list"));
    }
    key.erase(key.begin());
    page.after = std::move(key);
  }
  return page;
}

std::optional<long long> read_seq_cursor(const Page& page) {
  if (!page.after) return std::nullopt;
  const auto& key = *page.after;
  long long seq = 0;
  bool ok = key.size() == 1 && !key[0].empty() && key[0].size() < 19;
  for (char c : ok ? key[0] : std::string{}) {
    ok = ok && c >= '0' && c <= '9';
    seq = seq * 10 + (c - '0');
  }
  if (!ok) throw bad_cursor();
  return seq;
}

Response paged_response(const RequestContext& context, const Page& page, nlohmann::json items,
                        const std::optional<std::vector<std::string>>& next_key) {
  nlohmann::json body = {{"items", std::move(items)}, {"next_cursor", nullptr}};
  std::string next;
  if (next_key) {
    next = encode_cursor(page, *next_key);
    body["next_cursor"] = next;
  }
  Response response = json_response(200, body);
  if (next_key) response.headers.set("Link", "<" + next_url(context, next) + ">; rel=\"next\"");
  return response;
}

Response paged_response_text(const RequestContext& context, const Page& page, std::string body,
                             const std::optional<std::vector<std::string>>& next_key) {
  Response response;
  response.status = 200;
  response.headers.set("Content-Type", "application/json");
  body += "],\"next_cursor\":";
  if (next_key) {
    const std::string next = encode_cursor(page, *next_key);
    append_json_string(body, next);
    response.headers.set("Link", "<" + next_url(context, next) + ">; rel=\"next\"");
  } else {
    body += "null";
  }
  body += '}';
  response.body = std::move(body);
  return response;
}

}  // namespace eventd::http
