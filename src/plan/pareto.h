#pragma once
// The options worth considering: those no other option beats on cost and service at once.

#include <cstddef>
#include <vector>

namespace bitgoeul::plan {

struct TradeOff {
  double cost = 0.0;     // lower is better
  double service = 0.0;  // higher is better (negate a delay)
};

// Indices of the options on the Pareto front, by ascending cost: an option is on it when no other costs no more
// and serves no worse, being strictly better on one of them. Of identical options only the first is kept.
std::vector<size_t> pareto_front(const std::vector<TradeOff>& options);

}  // namespace bitgoeul::plan
