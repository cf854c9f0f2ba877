// Routing benchmarks on the 320x320 synthetic city grid (about 100,000 nodes; see road/synthetic_grid.h):
//   ChBuild          contraction hierarchy build, one core
//   ChQuery          one-to-one CH query on random pairs (with and without path unpacking)
//   DijkstraQuery    the same pairs with the reference Dijkstra (early stop at the target)
//   Matrix1000       1000 x 1000 bucket many-to-many
//   *Map/<name>      CH build and one-to-one query on the real maps in shared/data/osm (skipped if absent)
// Run: build/<dir>/bench/road_routing_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true

#include <filesystem>
#include <map>
#include <random>

#include <benchmark/benchmark.h>

#include "road/ch_query.h"
#include "road/contraction_hierarchy.h"
#include "road/dijkstra.h"
#include "road/osm_import.h"
#include "road/synthetic_grid.h"
#include "road/travel_time_matrix.h"

namespace bitgoeul::road {
namespace {

const RoadGraph& city() {
  static const RoadGraph graph = make_synthetic_grid(SyntheticGridOptions{});
  return graph;
}

ChBuildOptions quiet() {
  ChBuildOptions options;
  options.show_progress = false;
  return options;
}

const ContractionHierarchy& city_ch() {
  static const ContractionHierarchy ch = ContractionHierarchy::build(city(), quiet());
  return ch;
}

std::vector<std::pair<NodeId, NodeId>> random_pairs(uint32_t count, uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<std::pair<NodeId, NodeId>> pairs(count);
  for (auto& [s, t] : pairs) {
    s = static_cast<NodeId>(random() % city().node_count());
    t = static_cast<NodeId>(random() % city().node_count());
  }
  return pairs;
}

void ChBuild(benchmark::State& state) {
  const RoadGraph& graph = city();
  uint32_t shortcuts = 0;
  for (auto _ : state) {
    const ContractionHierarchy ch = ContractionHierarchy::build(graph, quiet());
    shortcuts = ch.shortcut_count();
    benchmark::DoNotOptimize(shortcuts);
  }
  state.counters["nodes"] = graph.node_count();
  state.counters["edges"] = graph.edge_count();
  state.counters["shortcuts"] = shortcuts;
}
BENCHMARK(ChBuild)->Unit(benchmark::kMillisecond)->Iterations(1);

void ChQueryOneToOne(benchmark::State& state) {
  ChQuery query(city_ch());
  const auto pairs = random_pairs(4096, 1);
  const bool with_path = state.range(0) != 0;
  std::vector<EdgeId> path;
  size_t i = 0;
  for (auto _ : state) {
    const auto [s, t] = pairs[i++ % pairs.size()];
    benchmark::DoNotOptimize(query.run(s, t));
    if (with_path) {
      query.path(path);
      benchmark::DoNotOptimize(path.data());
    }
  }
}
BENCHMARK(ChQueryOneToOne)->Arg(0)->Arg(1)->ArgName("path")->Unit(benchmark::kMicrosecond);

void DijkstraOneToOne(benchmark::State& state) {
  Dijkstra dijkstra(city());
  const auto pairs = random_pairs(4096, 1);
  size_t i = 0;
  for (auto _ : state) {
    const auto [s, t] = pairs[i++ % pairs.size()];
    benchmark::DoNotOptimize(dijkstra.run(s, t));
  }
}
BENCHMARK(DijkstraOneToOne)->Unit(benchmark::kMicrosecond);

void Matrix1000(benchmark::State& state) {
  TravelTimeMatrix matrix(city_ch());
  const auto pairs = random_pairs(1000, 2);
  std::vector<NodeId> sources, targets;
  for (const auto& [s, t] : pairs) {
    sources.push_back(s);
    targets.push_back(t);
  }
  for (auto _ : state) {
    matrix.compute(sources, targets);
    benchmark::DoNotOptimize(matrix.travel_times_ms().data());
  }
}
BENCHMARK(Matrix1000)->Unit(benchmark::kMillisecond);

const char* const kMaps[] = {"asanH.clean.osm", "monaco.osm.pbf"};

// The imported map, or nullptr if the shared data directory does not have it.
const RoadGraph* real_map(const std::string& name) {
  static std::map<std::string, RoadGraph> graphs;
  if (auto it = graphs.find(name); it != graphs.end()) return &it->second;
  const std::filesystem::path path = std::filesystem::path(BITGOEUL_SHARED_DATA_DIR) / "osm" / name;
  if (!std::filesystem::exists(path)) return nullptr;
  ImportOptions options;
  options.show_progress = false;
  auto imported = import_osm(path.string(), options);
  if (!imported.is_ok()) return nullptr;
  return &graphs.emplace(name, std::move(imported->graph)).first->second;
}

void ChBuildMap(benchmark::State& state) {
  const RoadGraph* graph = real_map(kMaps[state.range(0)]);
  if (graph == nullptr) {
    state.SkipWithError("map not available");
    return;
  }
  uint32_t shortcuts = 0;
  for (auto _ : state) {
    const ContractionHierarchy ch = ContractionHierarchy::build(*graph, quiet());
    shortcuts = ch.shortcut_count();
  }
  state.SetLabel(kMaps[state.range(0)]);
  state.counters["nodes"] = graph->node_count();
  state.counters["edges"] = graph->edge_count();
  state.counters["shortcuts"] = shortcuts;
}
BENCHMARK(ChBuildMap)->DenseRange(0, 1)->Unit(benchmark::kMillisecond);

void ChQueryMap(benchmark::State& state) {
  const RoadGraph* graph = real_map(kMaps[state.range(0)]);
  if (graph == nullptr) {
    state.SkipWithError("map not available");
    return;
  }
  const ContractionHierarchy ch = ContractionHierarchy::build(*graph, quiet());
  ChQuery query(ch);
  std::mt19937_64 random(3);
  std::vector<std::pair<NodeId, NodeId>> pairs(4096);
  for (auto& [s, t] : pairs) {
    s = static_cast<NodeId>(random() % graph->node_count());
    t = static_cast<NodeId>(random() % graph->node_count());
  }
  size_t i = 0;
  for (auto _ : state) {
    const auto [s, t] = pairs[i++ % pairs.size()];
    benchmark::DoNotOptimize(query.run(s, t));
  }
  state.SetLabel(kMaps[state.range(0)]);
}
BENCHMARK(ChQueryMap)->DenseRange(0, 1)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace bitgoeul::road
