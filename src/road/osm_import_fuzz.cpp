// libFuzzer target: arbitrary bytes as an OSM XML file through the same import the CLI runs. Any input must end in
// a graph that passes validate() or in an error Status; crashes, hangs, leaks and sanitizer reports are bugs.
// Seed corpus: tests/fuzz/osm_import/.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "road/osm_import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bitgoeul::road::ImportOptions options;
  options.show_progress = false;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto imported = bitgoeul::road::import_osm_buffer(bytes, "osm", "fuzz.osm", options);
  if (imported.is_ok() && !bitgoeul::road::validate(imported->graph).is_ok()) std::abort();
  return 0;
}
