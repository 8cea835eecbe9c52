#pragma once
// One table per enum gives both directions of its wire spelling, so to_string and parse
// cannot drift apart. The tables are public so other layers can list the allowed values
// (in a 422 message, in openapi checks) without repeating them.
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace eventd::domain {

template <class E, std::size_t N>
using EnumNames = std::array<std::pair<E, std::string_view>, N>;

namespace enum_detail {

template <class E, std::size_t N>
constexpr std::string_view name_of(const EnumNames<E, N>& names, E value) {
  for (const auto& [e, name] : names) {
    if (e == value) return name;
  }
  return "?";  // unreachable while every enumerator is in its table (the tests check)
}

template <class E, std::size_t N>
constexpr std::optional<E> value_of(const EnumNames<E, N>& names, std::string_view text) {
  for (const auto& [e, name] : names) {
    if (name == text) return e;
  }
  return std::nullopt;
}

}  // namespace enum_detail
}  // namespace eventd::domain
