#pragma once
// A QR code as inline SVG (libqrencode), for a calendar link a phone can scan off the screen.
#include <string>
#include <string_view>

namespace eventd::pages {

// An <svg> element (one path of dark modules, a quiet zone of four) labelled `label`
// (escaped here). Throws std::runtime_error when the text cannot be encoded (too long).
std::string qr_svg(std::string_view text, std::string_view label);

}  // namespace eventd::pages
