#include "domain/validation.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "domain/time.hpp"

namespace eventd::domain {

namespace {

bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ascii_alnum(char c) { return is_ascii_alpha(c) || is_ascii_digit(c); }
char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool is_control_or_space(unsigned char c) { return c <= 0x20 || c == 0x7F; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

// Decodes one strictly valid UTF-8 sequence at s[i] and advances i past it. On invalid
// input returns nullopt and advances i by one byte, so callers can resynchronise.
// The ranges are those of RFC 3629 §4, which exclude overlongs, surrogates and > U+10FFFF.
std::optional<char32_t> decode_utf8(std::string_view s, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
  char32_t cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) low = 0xA0;   // overlong below U+0800
    if (b0 == 0xED) high = 0x9F;  // surrogates U+D800-DFFF
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    cp = b0 & 0x07;
    if (b0 == 0xF0) low = 0x90;   // overlong below U+10000
    if (b0 == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    ++i;  // continuation byte, C0/C1 (always overlong) or F5-FF
    return std::nullopt;
  }
  if (i + length > s.size()) {
    ++i;
    return std::nullopt;
  }
  for (std::size_t k = 1; k < length; ++k) {
    const unsigned char b = byte(i + k);
    const unsigned char lo = k == 1 ? low : 0x80;
    const unsigned char hi = k == 1 ? high : 0xBF;
    if (b < lo || b > hi) {
      ++i;
      return std::nullopt;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  i += length;
  return cp;
}

// Base letters for U+00C0-U+017F (Latin-1 Supplement letters and Latin Extended-A), which
// covers Swedish, the Nordic languages, German, French, Polish, Czech, Turkish and more.
// "" marks the two non-letters in that range (× and ÷).
// clang-format off
constexpr std::array<std::string_view, 0x180 - 0xC0> kLatinFold = {
    // U+00C0 À Á Â Ã Ä Å Æ Ç È É Ê Ë Ì Í Î Ï
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    // U+00D0 Ð Ñ Ò Ó Ô Õ Ö × Ø Ù Ú Û Ü Ý Þ ß
    "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",
    // U+00E0 à á â ã ä å æ ç è é ê ë ì í î ï
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    // U+00F0 ð ñ ò ó ô õ ö ÷ ø ù ú û ü ý þ ÿ
    "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
    // U+0100 Ā ā Ă ă Ą ą Ć ć Ĉ ĉ Ċ ċ Č č Ď ď
    "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",
    // U+0110 Đ đ Ē ē Ĕ ĕ Ė ė Ę ę Ě ě Ĝ ĝ Ğ ğ
    "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",
    // U+0120 Ġ ġ Ģ ģ Ĥ ĥ Ħ ħ Ĩ ĩ Ī ī Ĭ ĭ Į į
    "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",
    // U+0130 İ ı Ĳ ĳ Ĵ ĵ Ķ ķ ĸ Ĺ ĺ Ļ ļ Ľ ľ Ŀ
    "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",
    // U+0140 ŀ Ł ł Ń ń Ņ ņ Ň ň ŉ Ŋ ŋ Ō ō Ŏ ŏ
    "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",
    // U+0150 Ő ő Œ œ Ŕ ŕ Ŗ ŗ Ř ř Ś ś Ŝ ŝ Ş ş
    "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",
    // U+0160 Š š Ţ ţ Ť ť Ŧ ŧ Ũ ũ Ū ū Ŭ ŭ Ů ů
    "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",
    // U+0170 Ű ű Ų ų Ŵ ŵ Ŷ ŷ Ÿ Ź ź Ż ż Ž ž ſ
    "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",
};
// clang-format on

// The 249 officially assigned ISO 3166-1 alpha-2 codes (no reserved or user-assigned ones
// such as XK or EU), sorted for binary search.
constexpr std::array<std::string_view, 249> kCountryCodes = {
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",  //
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",  //
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",  //
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",  //
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",  //
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",  //
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",  //
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",  //
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",  //
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",  //
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",  //
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",  //
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",  //
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",  //
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",  //
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
};
static_assert(std::is_sorted(kCountryCodes.begin(), kCountryCodes.end()), "binary search needs sorted codes");

bool all_of(std::string_view s, bool (*pred)(char)) { return !s.empty() && std::all_of(s.begin(), s.end(), pred); }

// Host name, IPv4 address or IDN in UTF-8: labels of letters, digits, '-' and non-ASCII
// bytes (already known to be valid UTF-8), no empty label except a final root dot.
bool is_host_name(std::string_view host) {
  if (host.empty() || host.front() == '.' || host.size() > 253) return false;
  char previous = '\0';
  for (char c : host) {
    const bool ok = is_ascii_alnum(c) || c == '-' || c == '.' || static_cast<unsigned char>(c) >= 0x80;
    if (!ok || (c == '.' && previous == '.')) return false;
    previous = c;
  }
  return true;
}

bool is_port(std::string_view port) {
  if (port.empty() || port.size() > 5 || !all_of(port, is_ascii_digit)) return false;
  int value = 0;
  for (char c : port) value = value * 10 + (c - '0');
  return value >= 1 && value <= 65535;
}

bool is_ipv6_literal(std::string_view inner) {
  return !inner.empty() && inner.find(':') != std::string_view::npos &&
         std::all_of(inner.begin(), inner.end(), [](char c) {
           return is_ascii_digit(c) || (ascii_lower(c) >= 'a' && ascii_lower(c) <= 'f') || c == ':' || c == '.';
         });
}

std::vector<std::string_view> split(std::string_view s, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = s.find(separator, start);
    parts.push_back(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

bool length_between(std::string_view s, std::size_t lo, std::size_t hi) { return s.size() >= lo && s.size() <= hi; }

// Tab, line feed and carriage return are fine in free text; other C0 controls, DEL and NUL
// are not (PostgreSQL refuses NUL in text, and feeds cannot carry the others).
bool has_forbidden_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F;
  });
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (!decode_utf8(text, i)) return false;
  }
  return true;
}

std::size_t code_point_count(std::string_view utf8) {
  std::size_t count = 0;
  std::size_t i = 0;
  while (i < utf8.size()) {
    (void)decode_utf8(utf8, i);
    ++count;
  }
  return count;
}

bool is_valid_slug(std::string_view slug) {
  if (slug.empty() || slug.size() > kMaxSlugLength || slug.front() == '-' || slug.back() == '-') return false;
  char previous = '\0';
  for (char c : slug) {
    const bool ok = (c >= 'a' && c <= 'z') || is_ascii_digit(c) || c == '-';
    if (!ok || (c == '-' && previous == '-')) return false;
    previous = c;
  }
  return true;
}

bool is_http_url(std::string_view url) {
  if (url.size() > kMaxUrlLength || !is_valid_utf8(url)) return false;
  if (std::any_of(url.begin(), url.end(), [](char c) {
        return is_control_or_space(static_cast<unsigned char>(c)) ||
               std::string_view("<>\"\\{}|^`").find(c) != std::string_view::npos;
      })) {
    return false;
  }
  std::string_view rest;
  if (url.size() > 7 && iequals(url.substr(0, 7), "http://")) {
    rest = url.substr(7);
  } else if (url.size() > 8 && iequals(url.substr(0, 8), "https://")) {
    rest = url.substr(8);
  } else {
    return false;
  }
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.empty() || authority.find('@') != std::string_view::npos) return false;

  if (authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos || !is_ipv6_literal(authority.substr(1, close - 1))) return false;
    const std::string_view after = authority.substr(close + 1);
    return after.empty() || (after.front() == ':' && is_port(after.substr(1)));
  }
  const std::size_t colon = authority.rfind(':');
  if (colon == std::string_view::npos) return is_host_name(authority);
  return is_host_name(authority.substr(0, colon)) && is_port(authority.substr(colon + 1));
}

bool is_valid_phone(std::string_view phone) {
  std::size_t i = 0;
  if (i < phone.size() && phone[i] == '+') ++i;
  if (i >= phone.size() || phone[i] < '0' || phone[i] > '9') return false;
  ++i;
  const std::size_t rest = phone.size() - i;
  if (rest < 3 || rest > 30) return false;
  for (; i < phone.size(); ++i) {
    const char c = phone[i];
    if (!((c >= '0' && c <= '9') || c == ' ' || c == '(' || c == ')' || c == '-')) return false;
  }
  return true;
}

bool is_valid_email(std::string_view email) {
  if (email.size() > kMaxEmailLength || !is_valid_utf8(email)) return false;
  if (std::any_of(email.begin(), email.end(), [](char c) {
        return is_control_or_space(static_cast<unsigned char>(c)) ||
               std::string_view("<>()[],;:\"\\").find(c) != std::string_view::npos;
      })) {
    return false;
  }
  const std::size_t at = email.find('@');
  if (at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos) return false;
  const std::string_view local = email.substr(0, at);
  const std::string_view domain = email.substr(at + 1);
  if (local.empty() || local.size() > 64) return false;
  if (domain.find('.') == std::string_view::npos) return false;
  for (std::string_view label : split(domain, '.')) {
    if (label.empty() || label.front() == '-' || label.back() == '-') return false;
  }
  return true;
}

bool is_country_code(std::string_view code) {
  return code.size() == 2 && std::binary_search(kCountryCodes.begin(), kCountryCodes.end(), code);
}

// RFC 5646 §2.1, without the irregular grandfathered tags:
//   langtag = language ["-" script] ["-" region] *("-" variant) *("-" extension) ["-" privateuse]
//   language = 2*3ALPHA ["-" extlang];  extlang = 3ALPHA *2("-" 3ALPHA)
//   (the grammar also allows 4-8 letter languages, but none are registered; refusing them
//   catches "english" and "swedish")
//   script = 4ALPHA;  region = 2ALPHA / 3DIGIT;  variant = 5*8alphanum / (DIGIT 3alphanum)
//   extension = singleton 1*("-" (2*8alphanum));  privateuse = "x" 1*("-" (1*8alphanum))
bool is_language_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > 64) return false;
  const std::vector<std::string_view> parts = split(tag, '-');
  for (std::string_view p : parts) {
    if (!length_between(p, 1, 8) || !all_of(p, is_ascii_alnum)) return false;
  }
  const std::size_t n = parts.size();
  std::size_t i = 0;
  const auto is_private_use_from = [&](std::size_t k) {
    // "x" followed by at least one subtag of 1-8 alphanumerics (already checked above)
    return k < n && iequals(parts[k], "x") && k + 1 < n;
  };
  if (is_private_use_from(0)) return true;

  // language
  if (!length_between(parts[0], 2, 3) || !all_of(parts[0], is_ascii_alpha)) return false;
  i = 1;
  for (int extlangs = 0; extlangs < 3 && i < n && parts[i].size() == 3 && all_of(parts[i], is_ascii_alpha);
       ++extlangs) {
    ++i;
  }
  // script
  if (i < n && parts[i].size() == 4 && all_of(parts[i], is_ascii_alpha)) ++i;
  // region
  if (i < n && ((parts[i].size() == 2 && all_of(parts[i], is_ascii_alpha)) ||
                (parts[i].size() == 3 && all_of(parts[i], is_ascii_digit)))) {
    ++i;
  }
  // variants
  while (i < n && (parts[i].size() >= 5 || (parts[i].size() == 4 && is_ascii_digit(parts[i][0])))) ++i;
  // extensions
  while (i < n && parts[i].size() == 1 && !iequals(parts[i], "x")) {
    std::size_t k = i + 1;
    while (k < n && parts[k].size() >= 2) ++k;
    if (k == i + 1) return false;  // a singleton needs at least one subtag
    i = k;
  }
  if (i < n && is_private_use_from(i)) return true;
  return i == n;
}

std::string slugify(std::string_view title) {
  std::string slug;
  bool pending_dash = false;
  const auto emit = [&](std::string_view letters) {
    if (pending_dash && !slug.empty()) slug += '-';
    pending_dash = false;
    slug += letters;
  };
  std::size_t i = 0;
  while (i < title.size()) {
    const std::optional<char32_t> cp = decode_utf8(title, i);
    if (!cp) {
      pending_dash = true;
      continue;
    }
    const char32_t c = *cp;
    if (c == U'\'' || c == U'\u2019' || c == U'\u02BC') continue;  // "Children's" → "childrens"
    if (c < 0x80 && is_ascii_alnum(static_cast<char>(c))) {
      const char lower = ascii_lower(static_cast<char>(c));
      emit(std::string_view(&lower, 1));
    } else if (c >= 0xC0 && c < 0x180 && !kLatinFold[c - 0xC0].empty()) {
      emit(kLatinFold[c - 0xC0]);
    } else {
      pending_dash = true;
    }
  }
  if (slug.size() > kMaxSlugLength) {
    slug.resize(kMaxSlugLength);
    while (!slug.empty() && slug.back() == '-') slug.pop_back();
  }
  return slug;
}

// --- Validator ------------------------------------------------------------------------------

void Validator::add(std::string field, FieldCode code, MessageParams params) {
  errors_.push_back(FieldError{std::move(field), code, std::move(params)});
}

bool Validator::check(bool ok, std::string_view field, FieldCode code, MessageParams params) {
  if (!ok) add(std::string(field), code, std::move(params));
  return ok;
}

void Validator::append(std::vector<FieldError> more) {
  for (FieldError& e : more) errors_.push_back(std::move(e));
}

void Validator::append_unreported(std::vector<FieldError> more) {
  const FieldSet reported(errors_);
  for (FieldError& e : more) {
    if (!reported.covers(e.field)) errors_.push_back(std::move(e));
  }
}

FieldSet::FieldSet(const std::vector<FieldError>& errors) {
  for (const auto& e : errors) fields_.insert(e.field);
}

bool FieldSet::covers(std::string_view field) const {
  if (fields_.contains(field)) return true;
  for (std::size_t i = 0; i < field.size(); ++i) {
    if ((field[i] == '.' || field[i] == '[') && fields_.contains(field.substr(0, i))) return true;
  }
  return false;
}

bool Validator::text(std::string_view field, std::string_view value, std::size_t min_chars, std::size_t max_chars) {
  if (!is_valid_utf8(value)) return check(false, field, FieldCode("invalid_utf8"));
  if (has_forbidden_control(value)) return check(false, field, FieldCode("control_characters"));
  const std::size_t n = code_point_count(value);
  if (min_chars > 0 && n == 0) return check(false, field, FieldCode("required"));
  if (n < min_chars) return check(false, field, FieldCode("too_short"), {{"min", std::to_string(min_chars)}});
  if (n > max_chars) return check(false, field, FieldCode("too_long"), {{"max", std::to_string(max_chars)}});
  return true;
}

bool Validator::optional_text(std::string_view field, const std::optional<std::string>& value, std::size_t max_chars) {
  return !value || text(field, *value, 0, max_chars);
}

bool Validator::slug(std::string_view field, std::string_view value) {
  return check(is_valid_slug(value), field, FieldCode("invalid_slug"));
}

bool Validator::http_url(std::string_view field, std::string_view value) {
  return check(is_http_url(value), field, FieldCode("invalid_url"), {{"max", std::to_string(kMaxUrlLength)}});
}

bool Validator::email(std::string_view field, std::string_view value) {
  return check(is_valid_email(value), field, FieldCode("invalid_email"));
}

bool Validator::phone(std::string_view field, std::string_view value) {
  return check(is_valid_phone(value), field, FieldCode("invalid_phone"));
}

bool Validator::country(std::string_view field, std::string_view value) {
  return check(is_country_code(value), field, FieldCode("invalid_country"));
}

bool Validator::language(std::string_view field, std::string_view value) {
  return check(is_language_tag(value), field, FieldCode("invalid_language"));
}

bool Validator::timezone(std::string_view field, std::string_view value) {
  return check(is_valid_timezone(value), field, FieldCode("invalid_time_zone"));
}

void Validator::throw_if_any() {
  if (errors_.empty()) return;
  std::vector<FieldError> collected;
  collected.swap(errors_);  // leaves the validator empty and reusable
  throw validation(std::move(collected));
}

std::string indexed_field(std::string_view array, std::size_t index, std::string_view member) {
  std::string field(array);
  field += '[';
  field += std::to_string(index);
  field += ']';
  if (!member.empty()) {
    field += '.';
    field += member;
  }
  return field;
}

}  // namespace eventd::domain
