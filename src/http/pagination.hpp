#pragma once
// Cursor pagination: `limit` (default 50, at most 200) and an opaque `cursor` that encodes
// the sort key of the last row returned, so inserts between pages neither repeat nor skip.
#include <optional>
#include <string>
#include <vector>

#include "http/query.hpp"

namespace eventd::http {

struct Page {
  std::size_t limit = 50;
  std::optional<std::vector<std::string>> after;  // the decoded sort key, when a cursor was given
};

// Throws domain::Error(bad_request) for a bad limit or a cursor this server did not make.
Page read_page(const Query& query);

std::string encode_cursor(const std::vector<std::string>& sort_key);
// The cursor of lists in arrival order (one non-negative integer); bad_request otherwise.
std::optional<long long> read_seq_cursor(const Page& page);

}  // namespace eventd::http
