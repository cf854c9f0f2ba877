#pragma once
// One clock, two worlds: the live services ask a Clock for the time instead of the system, so tests run them on a
// simulated clock (Abseil's Clock / SimulatedClock design).

#include <cstdint>

namespace bitgoeul {

class Clock {
 public:
  virtual ~Clock() = default;
  // Seconds since the Unix epoch (UTC).
  virtual int64_t now_s() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t now_s() const override;
};

class SimulatedClock final : public Clock {
 public:
  explicit SimulatedClock(int64_t start_s) : now_s_(start_s) {}
  int64_t now_s() const override { return now_s_; }
  void advance(int64_t seconds) { now_s_ += seconds; }
  void set(int64_t now_s) { now_s_ = now_s; }

 private:
  int64_t now_s_;
};

}  // namespace bitgoeul
