#pragma once
// Runs a program with an argument vector and an explicit environment through posix_spawn — never a shell, so no
// argument (a job name, a path) is ever interpreted — feeding it standard input and collecting its output.

#include <string>
#include <vector>

#include "core/error.h"

namespace bitgoeul::npu_slurm {

struct ProcessOutput {
  int exit_code = 0;  // the program's exit status; 128 + N when killed by signal N
  std::string out;
  std::string err;
};

struct ProcessOptions {
  std::vector<std::string> environment;  // "NAME=value" entries; the child sees exactly these
  std::string input;                     // written to the child's standard input, which is then closed
  int timeout_s = 30;                    // the child is killed (by its pid) after this long
  size_t max_output_bytes = 64 << 20;    // per stream; the child is killed past it
};

// REQUIRES: argv[0] is an absolute path to an executable. Returns an error when the program cannot be started,
// times out or floods its output; a non-zero exit is reported in ProcessOutput, not as an error.
Result<ProcessOutput> run_process(const std::vector<std::string>& argv, const ProcessOptions& options);

// The absolute path of `program` in `dir`, or in the directories of this process's PATH when `dir` is empty.
Result<std::string> find_program(const std::string& program, const std::string& dir);

}  // namespace bitgoeul::npu_slurm
