// The libFuzzer entry points of one target; EVENTD_FUZZ_TARGET (set by tests/fuzz/CMakeLists.txt)
// names it in eventd::fuzz::targets().
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_inputs.hpp"

namespace {
eventd::fuzz::Target target = nullptr;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  eventd::fuzz::initialise();
  target = eventd::fuzz::targets().at(EVENTD_FUZZ_TARGET);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  target(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
