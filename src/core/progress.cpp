#include "core/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

namespace bitgoeul {
namespace {

int& enabled_override() {
  static int value = -1;  // -1: detect, 0: off, 1: on
  return value;
}

bool progress_enabled() {
  if (enabled_override() >= 0) return enabled_override() == 1;
  static const bool is_tty = isatty(STDERR_FILENO) != 0;
  return is_tty;
}

}  // namespace

void ProgressBar::set_enabled(bool enabled) { enabled_override() = enabled ? 1 : 0; }

ProgressBar::ProgressBar(std::string label, uint64_t total)
    : label_(std::move(label)), total_(total), start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::set(uint64_t done) {
  done_ = done;
  if (!progress_enabled() || finished_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  draw(false);
}

void ProgressBar::finish() {
  if (finished_) return;
  finished_ = true;
  // Short work never drew anything; leave no trace of it.
  if (progress_enabled() && last_draw_ != start_) draw(true);
}

void ProgressBar::draw(bool final) {
  const double elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::string line;
  if (total_ > 0) {
    constexpr int kWidth = 30;
    const double fraction = std::min(1.0, static_cast<double>(done_) / static_cast<double>(total_));
    const int filled = static_cast<int>(fraction * kWidth);
    line = fmt::format("\r{} [{}{}] {:5.1f}% {}/{} {:.1f}s", label_, std::string(filled, '#'),
                       std::string(kWidth - filled, '.'), fraction * 100.0, done_, total_, elapsed_s);
  } else {
    line = fmt::format("\r{} {} {:.1f}s", label_, done_, elapsed_s);
  }
  std::fputs(line.c_str(), stderr);
  if (final) std::fputc('\n', stderr);
  std::fflush(stderr);
}

}  // namespace bitgoeul
