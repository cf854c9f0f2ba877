#pragma once
// A terminal progress bar for long work. It draws on stderr only when stderr is a terminal (or when forced), so
// logs and CI output stay clean, and redraws at most ten times a second so hot loops can call advance() freely.

#include <chrono>
#include <cstdint>
#include <string>

namespace bitgoeul {

class ProgressBar {
 public:
  // total == 0 means unknown: a counter is shown instead of a bar.
  ProgressBar(std::string label, uint64_t total);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void advance(uint64_t steps = 1) { set(done_ + steps); }
  void set(uint64_t done);
  void finish();

  // Overrides the terminal detection (tests and `--progress` flags).
  static void set_enabled(bool enabled);

 private:
  void draw(bool final);

  std::string label_;
  uint64_t total_;
  uint64_t done_ = 0;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace bitgoeul
