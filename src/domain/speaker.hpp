#pragma once
// A speaker (api.md, "Speakers"). email and phone are private: only organisers see them;
// hiding them is the job of whoever renders a speaker, not of this type.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/error.hpp"
#include "domain/time.hpp"

namespace eventd::domain {

struct Speaker {
  std::string id{};  // UUID
  std::string slug{};
  std::string name{};
  std::optional<std::string> title{};        // e.g. "utrikeskorrespondent"
  std::optional<std::string> affiliation{};  // free text, e.g. "Sveriges Radio"
  std::optional<std::string> organisation_id{};
  std::optional<std::string> bio{};
  std::optional<std::string> email{};  // private
  std::optional<std::string> phone{};  // private
  // Not in the field table of api.md, but needed for ETag/Last-Modified like every resource.
  long long version = 1;  // bumped by the database on every visible change; the ETag
  Instant created_at{};
  Instant updated_at{};
};

inline constexpr std::size_t kMaxPhoneLength = 50;

// Rules that need no I/O: slug, name (1-300), short texts, e-mail and phone syntax.
std::vector<FieldError> check_speaker(const Speaker& s);

}  // namespace eventd::domain
