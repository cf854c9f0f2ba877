#include "plan/pareto.h"

#include <algorithm>
#include <numeric>

namespace bitgoeul::plan {

std::vector<size_t> pareto_front(const std::vector<TradeOff>& options) {
  std::vector<size_t> order(options.size());
  std::iota(order.begin(), order.end(), 0);
  // Cheapest first; at equal cost the best service first, then the first listed.
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (options[a].cost != options[b].cost) return options[a].cost < options[b].cost;
    if (options[a].service != options[b].service) return options[a].service > options[b].service;
    return a < b;
  });
  std::vector<size_t> front;
  for (const size_t i : order) {
    // Every option seen before costs no more; this one is on the front only if it serves strictly better.
    if (front.empty() || options[i].service > options[front.back()].service) front.push_back(i);
  }
  return front;
}

}  // namespace bitgoeul::plan
