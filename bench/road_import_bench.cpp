// Import throughput on the real maps in shared/data/osm: an Overpass district in XML and a whole city in PBF.
// Counters report the graph size so a run shows what was imported, not only how fast.

#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>

#include "road/osm_import.h"

namespace {

#ifndef BITGOEUL_SHARED_DATA_DIR
#define BITGOEUL_SHARED_DATA_DIR "shared/data"
#endif

void import_map(benchmark::State& state, const std::string& name) {
  const std::string path = std::string(BITGOEUL_SHARED_DATA_DIR) + "/osm/" + name;
  if (!std::filesystem::exists(path)) {
    state.SkipWithError(("missing " + path).c_str());
    return;
  }
  bitgoeul::road::ImportOptions options;
  options.show_progress = false;
  uint64_t nodes = 0;
  uint64_t edges = 0;
  for (auto _ : state) {
    auto imported = bitgoeul::road::import_osm(path, options);
    if (!imported.is_ok()) {
      state.SkipWithError(imported.status().to_string().c_str());
      return;
    }
    nodes = imported->graph.node_count();
    edges = imported->graph.edge_count();
    benchmark::DoNotOptimize(imported);
  }
  state.counters["nodes"] = static_cast<double>(nodes);
  state.counters["edges"] = static_cast<double>(edges);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(std::filesystem::file_size(path)));
}

void BM_ImportAsanXml(benchmark::State& state) { import_map(state, "asanH.clean.osm"); }
void BM_ImportAsanOverpassXml(benchmark::State& state) { import_map(state, "asanH.osm"); }
void BM_ImportMonacoPbf(benchmark::State& state) { import_map(state, "monaco.osm.pbf"); }

BENCHMARK(BM_ImportAsanXml)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ImportAsanOverpassXml)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ImportMonacoPbf)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
