#include "pages/qr.hpp"

#include <qrencode.h>

#include <memory>
#include <stdexcept>

#include "mail/template.hpp"

namespace eventd::pages {

namespace {

struct FreeCode {
  void operator()(QRcode* code) const { QRcode_free(code); }
};

}  // namespace

std::string qr_svg(std::string_view text, std::string_view label) {
  const std::string input(text);
  std::unique_ptr<QRcode, FreeCode> code(QRcode_encodeString8bit(input.c_str(), 0, QR_ECLEVEL_M));
  if (!code) throw std::runtime_error("the text cannot be encoded as a QR code");
  constexpr int kQuiet = 4;
  const int width = code->width;
  const int size = width + 2 * kQuiet;
  std::string path;
  path.reserve(static_cast<std::size_t>(width * width) * 4);
  for (int y = 0; y < width; ++y) {
    for (int x = 0; x < width; ++x) {
      // Bit 0 of each byte: a dark module (qrencode.h).
      if (code->data[y * width + x] & 1) {
        path += 'M' + std::to_string(x + kQuiet) + ' ' + std::to_string(y + kQuiet) + "h1v1h-1z";
      }
    }
  }
  const std::string dimension = std::to_string(size);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" role=\"img\" aria-label=\"" +
         mail::escape_html(label) + "\" viewBox=\"0 0 " + dimension + ' ' + dimension +
         "\" shape-rendering=\"crispEdges\"><rect width=\"" + dimension + "\" height=\"" + dimension +
         "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>";
}

}  // namespace eventd::pages
