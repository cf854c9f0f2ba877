#pragma once
// The event queue of the discrete-event simulators: events in time order, ties broken by the order in which they
// were scheduled, so a run is deterministic whatever the heap does internally.

#include <cstddef>
#include <cstdint>
#include <queue>
#include <vector>

namespace bitgoeul {

template <typename Event>
class EventQueue {
 public:
  // Times are seconds of simulated time.
  void schedule(double time_s, Event event) { heap_.push(Entry{time_s, next_sequence_++, std::move(event)}); }
  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }
  // REQUIRES: !empty().
  double next_time_s() const { return heap_.top().time_s; }
  // REQUIRES: !empty(). Removes and returns the earliest event.
  Event pop(double& time_s) {
    Entry entry = heap_.top();
    heap_.pop();
    time_s = entry.time_s;
    return std::move(entry.event);
  }

 private:
  struct Entry {
    double time_s;
    uint64_t sequence;
    Event event;
  };
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const {
      return a.time_s != b.time_s ? a.time_s > b.time_s : a.sequence > b.sequence;
    }
  };
  std::priority_queue<Entry, std::vector<Entry>, Later> heap_;
  uint64_t next_sequence_ = 0;
};

}  // namespace bitgoeul
