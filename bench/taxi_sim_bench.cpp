// Fleet simulation throughput on a synthetic city (Google Benchmark). The target: a 24-hour day on a
// >= 100,000-node map with 1,000 vehicles, 100,000 requests, capacity 4 and 30 s batches in <= 60 s on one core.
//   build/release/bench/taxi_sim_bench --benchmark_filter=City/...

#include <benchmark/benchmark.h>

#include "road/contraction_hierarchy.h"
#include "road/synthetic_grid.h"
#include "taxi/metrics.h"
#include "taxi/simulation.h"
#include "taxi/synthetic_demand.h"

namespace bitgoeul::taxi {
namespace {

struct City {
  road::RoadGraph graph;
  road::ContractionHierarchy ch;
};

const City& city(uint32_t side) {
  static std::map<uint32_t, std::unique_ptr<City>> cities;
  auto& slot = cities[side];
  if (!slot) {
    road::SyntheticGridOptions grid;
    grid.rows = side;
    grid.cols = side;
    grid.seed = 7;
    slot = std::make_unique<City>();
    slot->graph = road::make_synthetic_grid(grid);
    slot->ch = road::ContractionHierarchy::build(slot->graph, {.show_progress = false});
  }
  return *slot;
}

// Arguments: grid side, vehicles, requests per day, policy.
void BM_SimulateDay(benchmark::State& state) {
  const City& world = city(static_cast<uint32_t>(state.range(0)));
  RoadTravel travel(world.graph, world.ch);
  Scenario scenario;
  scenario.fleet.size = static_cast<uint32_t>(state.range(1));
  scenario.fleet.capacity = 4;
  scenario.dispatch.policy = static_cast<DispatchPolicy>(state.range(3));
  scenario.dispatch.batch_interval_s = 30;
  scenario.dispatch.insertion_interval_s = 30;
  scenario.seed = 1;
  SyntheticDemandOptions demand;
  demand.total_trips = static_cast<uint64_t>(state.range(2));
  demand.seed = 2;
  demand.min_trip_distance_m = 1000;
  const std::vector<TripRequest> requests = generate_road_demand(world.graph, demand).value();
  double service_rate = 0;
  for (auto _ : state) {
    auto result = simulate(travel, scenario, requests, {.verify = false, .show_progress = false});
    service_rate = compute_kpis(result.value()).overall.service_rate;
    benchmark::DoNotOptimize(result);
  }
  state.counters["nodes"] = world.graph.node_count();
  state.counters["requests"] = static_cast<double>(requests.size());
  state.counters["service_rate"] = service_rate;
}

BENCHMARK(BM_SimulateDay)
    ->ArgNames({"side", "vehicles", "requests", "policy"})
    ->Args({100, 100, 10000, static_cast<int>(DispatchPolicy::kNearestIdle)})
    ->Args({100, 100, 10000, static_cast<int>(DispatchPolicy::kBatchMatching)})
    ->Args({100, 100, 10000, static_cast<int>(DispatchPolicy::kInsertion)})
    ->Args({100, 100, 10000, static_cast<int>(DispatchPolicy::kRtv)})
    ->Args({200, 300, 30000, static_cast<int>(DispatchPolicy::kInsertion)})
    ->Args({200, 300, 30000, static_cast<int>(DispatchPolicy::kRtv)})
    ->Args({320, 1000, 100000, static_cast<int>(DispatchPolicy::kInsertion)})
    ->Unit(benchmark::kSecond)
    ->Iterations(1);

}  // namespace
}  // namespace bitgoeul::taxi
