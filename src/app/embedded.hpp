#pragma once
// Files compiled into the binary (see cmake/embed.cmake).
#include <string_view>
#include <vector>

namespace eventd {

struct EmbeddedFile {
  std::string_view name;
  std::string_view content;
};

namespace embedded {
std::vector<EmbeddedFile> migrations();      // schema/*.sql
std::vector<EmbeddedFile> contract();        // openapi.yaml
std::vector<EmbeddedFile> reference();       // api/reference/index.html, third_party/redoc/redoc.standalone.js
std::vector<EmbeddedFile> examples();        // api/examples/**/*.json, by file name
std::vector<EmbeddedFile> mail_templates();  // templates/mail/<lang>/<kind>.{txt,html}, by path under it
std::vector<EmbeddedFile> page_files();      // templates/pages/**: pages, stylesheet, messages/<lang>.txt
}  // namespace embedded

}  // namespace eventd
