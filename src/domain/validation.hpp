#pragma once
// Field checks shared by every resource, and a collector so a handler can report all the
// problems of a request in one 422 instead of making the client fix them one at a time.
#include <cstddef>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "domain/error.hpp"

namespace eventd::domain {

// --- predicates (pure, never throw) ---------------------------------------------------------

// Well-formed UTF-8: no overlong forms, no surrogates (U+D800-DFFF), nothing above U+10FFFF,
// no truncated sequences.
bool is_valid_utf8(std::string_view text);

// Number of code points; each invalid byte counts as one (callers check validity first).
std::size_t code_point_count(std::string_view utf8);

// ^[a-z0-9]+(-[a-z0-9]+)*$, 1-100 characters.
inline constexpr std::size_t kMaxSlugLength = 100;
bool is_valid_slug(std::string_view slug);

// http:// or https:// (scheme case-insensitive), a non-empty host (name, IPv4 or [IPv6],
// optional :port 1-65535), no whitespace or control characters, at most 2048 bytes, UTF-8.
// User info ("user:pass@host") is refused: credentials do not belong in published links.
inline constexpr std::size_t kMaxUrlLength = 2048;
bool is_http_url(std::string_view url);

// Pragmatic: exactly one '@', a local part of 1-64 bytes, a domain with a dot and no empty
// labels, at most 254 bytes, no whitespace, control characters or <>()[],;:"\ . UTF-8 is
// allowed (internationalised addresses). Deliverability is not ours to check.
inline constexpr std::size_t kMaxEmailLength = 254;
bool is_valid_email(std::string_view email);

// ^\+?[0-9][0-9 ()-]{3,30}$, as the database's *_phone_check constraints: "+46 70 996 54 25".
bool is_valid_phone(std::string_view phone);

// An assigned ISO 3166-1 alpha-2 code, upper case ("SE", "CY", "AT").
bool is_country_code(std::string_view code);

// A syntactically well-formed BCP 47 tag (RFC 5646 langtag or private use, case-insensitive):
// "sv", "en-GB", "sr-Latn-RS", "zh-Hant", "de-CH-1901", "x-klingon". The registry itself is
// not consulted, so "qq" passes; "english" or "en_GB" do not.
bool is_language_tag(std::string_view tag);

// A URL-safe slug from a title: lower case, Latin letters with diacritics folded to their
// base letter (å, ä → a; ö, ø → o; é → e; ß → ss; æ → ae), apostrophes dropped, every
// other run of non-alphanumerics → one '-', trimmed, at most kMaxSlugLength characters.
// "Integrationsforum 2020" → "integrationsforum-2020", "Östersund" → "ostersund".
// Returns "" when nothing usable is left (e.g. a title in another script): the caller
// must then ask for a slug or make one up.
std::string slugify(std::string_view title);

// --- the collector ----------------------------------------------------------------------------

// Fields already found wrong, so that a request gets one error per field and no follow-up
// errors: a rule about a covered field is not reported again, and a rule that needs the
// value of a covered field (ends_at after starts_at, a venue for a physical format) is not
// checked at all, since that value is not the one the client meant.
class FieldSet {
 public:
  FieldSet() = default;
  explicit FieldSet(const std::vector<FieldError>& errors);
  void insert(std::string field) { fields_.insert(std::move(field)); }
  // `field` itself, or a field it lies in: "venue" covers "venue.city", "tags" covers "tags[2]".
  bool covers(std::string_view field) const;
  bool empty() const noexcept { return fields_.empty(); }

 private:
  std::set<std::string, std::less<>> fields_;
};

// Gathers FieldErrors. Each check adds at most one error and returns whether the value
// passed, so callers can skip dependent checks. Field names are dotted paths ("venue.city",
// "contacts[0].email").
class Validator {
 public:
  void add(std::string field, FieldCode code, MessageParams params = {});
  // Adds an error of `code` for `field` unless `ok`.
  bool check(bool ok, std::string_view field, FieldCode code, MessageParams params = {});
  void append(std::vector<FieldError> more);
  // Appends the errors of `more` whose field no collected error covers (see FieldSet): the
  // findings of a later stage (the domain rules) after those of an earlier one (reading).
  void append_unreported(std::vector<FieldError> more);

  // Text: valid UTF-8 and [min, max] code points. `min` > 0 makes it required.
  bool text(std::string_view field, std::string_view value, std::size_t min_chars, std::size_t max_chars);
  bool optional_text(std::string_view field, const std::optional<std::string>& value, std::size_t max_chars);
  bool slug(std::string_view field, std::string_view value);
  bool http_url(std::string_view field, std::string_view value);
  bool email(std::string_view field, std::string_view value);
  bool phone(std::string_view field, std::string_view value);
  bool country(std::string_view field, std::string_view value);
  bool language(std::string_view field, std::string_view value);
  bool timezone(std::string_view field, std::string_view value);

  bool ok() const noexcept { return errors_.empty(); }
  const std::vector<FieldError>& errors() const noexcept { return errors_; }
  std::vector<FieldError> take() noexcept { return std::move(errors_); }
  // Throws domain::validation(errors) if anything was collected.
  void throw_if_any();

 private:
  std::vector<FieldError> errors_;
};

// "contacts" + 0 + "email" → "contacts[0].email"
std::string indexed_field(std::string_view array, std::size_t index, std::string_view member = {});

}  // namespace eventd::domain
