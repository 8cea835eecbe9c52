#include "http/pagination.hpp"

#include <sodium.h>
#include <charconv>

#include "domain/error.hpp"

namespace eventd::http {

namespace {
constexpr int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

// The kind's own detail says it: "The cursor is not one this service gave out for this list."
domain::Error bad_cursor() { return domain::Error(domain::Problem::invalid_cursor); }
}  // namespace

std::string encode_cursor(const std::vector<std::string>& sort_key) {
  std::string joined;
  for (std::size_t i = 0; i < sort_key.size(); ++i) {
    if (i) joined += '\n';
    joined += sort_key[i];
  }
  std::string encoded(sodium_base64_encoded_len(joined.size(), variant), '\0');
  sodium_bin2base64(encoded.data(), encoded.size(), reinterpret_cast<const unsigned char*>(joined.data()),
                    joined.size(), variant);
  encoded.resize(std::char_traits<char>::length(encoded.c_str()));
  return encoded;
}

Page read_page(const Query& query) {
  Page page;
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

}  // namespace eventd::http
