// libFuzzer target for the capacity planner's inputs. The first byte chooses the parser (its value mod 6; seeds
// use '0' to '5'), an optional newline after it is skipped, and the rest is the input:
//   0  a taxi sweep TOML (read_taxi_sweep)
//   1  an NPU sweep TOML (read_npu_sweep)
//   2  a taxi cost model TOML (read_taxi_cost_model); one that reads is asked the cost of a few fleets
//   3  an NPU cost model TOML (read_npu_cost_model); one that reads is asked the cost of a load
//   4  a points.jsonl file (PointStore::open, which also cuts off a torn last line)
//   5  one stored line (parse_point_line), whose metrics are then read as a taxi and as an NPU point's
// Any input must end in a result or an error Status; crashes, hangs, leaks and sanitizer reports are bugs.
// The readers read files, so each input is written to a file in /dev/shm (or the temporary directory) first.
// Seed corpus: tests/fuzz/plan_parsers/.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "plan/cost_model.h"
#include "plan/npu_plan.h"
#include "plan/point_store.h"
#include "plan/taxi_plan.h"

namespace {

using namespace bitgoeul;

const std::string& scratch_path() {
  static const std::string path = [] {
    const std::filesystem::path base =
        std::filesystem::exists("/dev/shm") ? std::filesystem::path("/dev/shm") : std::filesystem::temp_directory_path();
    const std::filesystem::path dir = base / ("bitgoeul_plan_fuzz_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    return (dir / "input").string();
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int parser = data[0] % 6;
  size_t start = 1;
  if (start < size && data[start] == '\n') ++start;
  const std::string text(reinterpret_cast<const char*>(data + start), size - start);
  const std::string path = scratch_path();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
  }
  switch (parser) {
    case 0: {
      auto sweep = plan::read_taxi_sweep(path);
      if (sweep.is_ok() && sweep->fleets.empty()) __builtin_trap();  // the reader promises at least one fleet
      break;
    }
    case 1: {
      auto sweep = plan::read_npu_sweep(path);
      if (sweep.is_ok() && (sweep->growth.empty() || sweep->policies.empty())) __builtin_trap();
      break;
    }
    case 2: {
      auto model = plan::read_taxi_cost_model(path);
      if (model.is_ok()) {
        for (const uint32_t fleet : {1u, 40u, 100000u}) {
          const plan::TaxiCost cost = plan::taxi_day_cost(*model, fleet, 2, 1000.0, 3.0);
          if (!(cost.total_krw() >= 0.0) || cost.depots == 0) __builtin_trap();
        }
      }
      break;
    }
    case 3: {
      auto model = plan::read_npu_cost_model(path);
      if (model.is_ok()) {
        std::vector<plan::NpuTypeLoad> load;
        for (const auto& [name, price] : model->device_types) load.push_back({name, 2, 16, 0.5});
        auto cost = plan::npu_year_cost(*model, load);
        if (!cost.is_ok() || !(cost->total_krw() >= 0.0)) __builtin_trap();
      }
      break;
    }
    case 4: {
      auto store = plan::PointStore::open(path);
      if (store.is_ok()) {
        (void)(*store)->find("0123456789abcdef");
      }
      break;
    }
    case 5: {
      auto line = plan::parse_point_line(text, "fuzz");
      if (line.is_ok()) {
        (void)plan::taxi_metrics_from_json(line->second.metrics);
        (void)plan::npu_metrics_from_json(line->second.metrics);
        // What was read is written back the same way.
        auto again = plan::parse_point_line(plan::point_line(line->first, line->second), "again");
        if (!again.is_ok() || again->first != line->first) __builtin_trap();
      }
      break;
    }
    default:
      break;
  }
  return 0;
}
