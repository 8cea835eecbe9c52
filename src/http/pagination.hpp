#pragma once
// Cursor pagination: `limit` (default 50, at most 200) and an opaque `cursor` that encodes
// the sort key of the last row returned, so inserts between pages neither repeat nor skip.
//
// A cursor is bound to the list it was made for: it carries a digest of the path and of the
// values of the list's filters, and read_page refuses it (400) anywhere else. A sort key
// means nothing under other filters, and a silently wrong page is worse than an error.
// Each list answers with `paged_response`, which also sends `Link: <...>; rel="next"`.
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/message.hpp"
#include "http/query.hpp"

namespace eventd::http {

struct RequestContext;

struct Page {
  std::size_t limit = 50;
  std::optional<std::vector<std::string>> after;  // the decoded sort key, when a cursor was given
  std::string scope;                              // the digest of path and filters the cursors carry
};

// `filters`: the names of the query parameters that choose the list's rows (not limit,
// cursor, or what only shapes each item). Throws domain::Error: bad_request for a bad limit,
// invalid_cursor for a cursor this server did not make or one made for another path or other
// filter values.
Page read_page(const RequestContext& context, std::initializer_list<std::string_view> filters = {});
// The same, from the parts (for tests and the fuzz target).
Page read_page(const Query& query, std::string_view path, std::initializer_list<std::string_view> filters = {});
// A cursor for `sort_key` in the list `page` was read for.
std::string encode_cursor(const Page& page, const std::vector<std::string>& sort_key);

// The cursor of lists in arrival order (one non-negative integer); bad_request otherwise.
std::optional<long long> read_seq_cursor(const Page& page);

// {"items": items, "next_cursor": ...}, and when there is a next page (`next_key`: the sort key
// of the last item), `Link: <absolute URL of the next page>; rel="next"`: this request's URL
// on EVENTD_PUBLIC_URL with the cursor replaced.
Response paged_response(const RequestContext& context, const Page& page, nlohmann::json items,
                        const std::optional<std::vector<std::string>>& next_key);
// The same answer, byte for byte, written as text (a hot list writes its items without
// building documents): `body` is kPagedItemsStart followed by the items (JSON,
// comma-separated); this closes it and sends it as it is, without a copy.
inline constexpr std::string_view kPagedItemsStart = "{\"items\":[";
Response paged_response_text(const RequestContext& context, const Page& page, std::string body,
                             const std::optional<std::vector<std::string>>& next_key);

}  // namespace eventd::http
