#pragma once
// Ownership of libical objects (internal to ics/). A component owns its properties and
// subcomponents once added, so only the roots need an owner.
#include <libical/ical.h>

#include <cstdlib>
#include <memory>
#include <string>

namespace eventd::ics::detail {

struct ComponentDeleter {
  void operator()(icalcomponent* c) const noexcept { icalcomponent_free(c); }
};
using ComponentPtr = std::unique_ptr<icalcomponent, ComponentDeleter>;

struct PropertyDeleter {
  void operator()(icalproperty* p) const noexcept { icalproperty_free(p); }
};
using PropertyPtr = std::unique_ptr<icalproperty, PropertyDeleter>;

// Strings libical returns from its *_r functions are malloc'ed and the caller's to free.
struct MallocDeleter {
  void operator()(char* p) const noexcept { std::free(p); }
};
inline std::string take_string(char* p) {
  std::unique_ptr<char, MallocDeleter> owner(p);
  return p == nullptr ? std::string{} : std::string(p);
}

}  // namespace eventd::ics::detail
