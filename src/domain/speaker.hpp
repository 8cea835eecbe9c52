#pragma once
// A speaker (api.md, "Speakers"). The record belongs to one organisation
// (owner_organisation_id), whose organisers manage it and alone see email and phone; the
// public sees the profile only where the speaker appears in a public event. Hiding fields is
// the job of whoever renders a speaker, not of this type.
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
  std::optional<std::string> title{};                  // e.g. "utrikeskorrespondent"
  std::optional<std::string> affiliation{};            // free text, e.g. "Sveriges Radio"
  std::optional<std::string> organisation_id{};        // the organisation the speaker comes from
  std::optional<std::string> owner_organisation_id{};  // the organisation managing the record; none: admins only
  std::optional<std::string> bio{};
  std::optional<std::string> photo_url{};  // public
  std::optional<std::string> email{};      // private
  std::optional<std::string> phone{};      // private
  // Not in the field table of api.md, but needed for ETag/Last-Modified like every resource.
  long long version = 1;  // bumped by the database on every visible change; the ETag
  Instant created_at{};
  Instant updated_at{};
};

inline constexpr std::size_t kMaxPhoneLength = 50;
inline constexpr std::size_t kMaxPhotoUrlLength = 2000;  // speakers_photo_url_check

// Rules that need no I/O: slug, name (1-300), short texts, e-mail and phone syntax.
std::vector<FieldError> check_speaker(const Speaker& s);

}  // namespace eventd::domain
