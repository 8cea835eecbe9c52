#pragma once
// Which of the languages eventd writes (Swedish, English) a reader asked for.
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace eventd::http {

// "sv" or "en": the one the request's Accept-Language ranks highest (by q, then by order;
// "sv-SE" counts as "sv", "*" as neither), else `fallback` (e.g. the event's language; its
// primary subtag is used, and "en" when it is neither).
std::string preferred_language(const Request& request, std::string_view fallback = "en");

}  // namespace eventd::http
