#include "plan/slurm_array.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include <fmt/format.h>

#include "core/config_value.h"
#include "npu_slurm/process.h"
#include "plan/report.h"

extern char** environ;

namespace bitgoeul::plan {
namespace {

// `text` as one word of a POSIX shell, whatever it contains.
std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

}  // namespace

std::string part_path(const std::string& directory, size_t index) {
  return fmt::format("{}/parts/{}.jsonl", directory, index);
}

Status write_part(const std::string& directory, size_t index, const std::string& key, const StoredPoint& point) {
  BITGOEUL_RETURN_IF_ERROR(ensure_directory(directory + "/parts"));
  const std::string path = part_path(directory, index);
  const std::string temporary = path + ".tmp";
  BITGOEUL_RETURN_IF_ERROR(write_text(temporary, point_line(key, point) + "\n"));
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) return io_error("{}: cannot rename to {}: {}", temporary, path, error.message());
  return Status::ok();
}

Result<size_t> merge_parts(const std::string& directory, const std::vector<SweepPoint>& points, PointStore& store) {
  const std::filesystem::path parts = std::filesystem::path(directory) / "parts";
  std::error_code error;
  if (!std::filesystem::is_directory(parts, error)) return size_t{0};
  std::map<std::string, size_t> wanted;
  for (size_t i = 0; i < points.size(); ++i) wanted.emplace(points[i].key, i);
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(parts, error)) {
    if (entry.path().extension() == ".jsonl") files.push_back(entry.path());
  }
  if (error) return io_error("{}: cannot list: {}", parts.string(), error.message());
  std::sort(files.begin(), files.end());
  size_t merged = 0;
  for (const auto& file : files) {
    BITGOEUL_ASSIGN_OR_RETURN(std::string text, read_text_file(file.string()));
    while (!text.empty() && text.back() == '\n') text.pop_back();
    BITGOEUL_ASSIGN_OR_RETURN(auto parsed, parse_point_line(text, file.string() + ":1"));
    const auto found = wanted.find(parsed.first);
    if (found == wanted.end() || store.find(parsed.first) != nullptr) continue;
    if (parsed.second.point != found->second) {
      return invalid_input("{}: point {} has the key of point {}", file.string(), parsed.second.point, found->second);
    }
    BITGOEUL_RETURN_IF_ERROR(store.append(parsed.first, parsed.second));
    ++merged;
  }
  return merged;
}

std::string array_script(const SlurmArrayOptions& options) {
  std::string command = shell_quote(options.executable);
  for (const std::string& argument : options.arguments) command += " " + shell_quote(argument);
  command += " -o " + shell_quote(options.directory);
  return fmt::format(
      "#!/bin/sh\n"
      "# Written by bitgoeul plan --slurm: array task i runs the point on line i + 1 of points.txt.\n"
      "#SBATCH --job-name=bitgoeul-plan\n"
      "#SBATCH --output={0}\n"
      "#SBATCH --cpus-per-task=1\n"
      "point=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" {1})\n"
      "exec {2} --point \"$point\"\n",
      shell_quote(options.directory + "/slurm/task-%a.out"), shell_quote(options.directory + "/slurm/points.txt"),
      command);
}

Result<std::string> run_slurm_array(const SlurmArrayOptions& options) {
  if (options.points.empty()) return invalid_input("no points to submit");
  BITGOEUL_ASSIGN_OR_RETURN(const std::string sbatch, npu_slurm::find_program("sbatch", ""));
  const std::string slurm_dir = options.directory + "/slurm";
  BITGOEUL_RETURN_IF_ERROR(ensure_directory(slurm_dir));
  std::string lines;
  for (const size_t point : options.points) lines += fmt::format("{}\n", point);
  BITGOEUL_RETURN_IF_ERROR(write_text(slurm_dir + "/points.txt", lines));
  BITGOEUL_RETURN_IF_ERROR(write_text(slurm_dir + "/array.sh", array_script(options)));
  std::string array = fmt::format("--array=0-{}", options.points.size() - 1);
  if (options.max_parallel > 0) array += fmt::format("%{}", options.max_parallel);
  std::vector<std::string> argv = {sbatch, "--parsable", "--wait", array};
  argv.insert(argv.end(), options.sbatch_options.begin(), options.sbatch_options.end());
  argv.push_back(slurm_dir + "/array.sh");
  npu_slurm::ProcessOptions process;
  for (char** variable = environ; variable != nullptr && *variable != nullptr; ++variable) {
    const std::string entry = *variable;
    if (entry.rfind("SLURM_", 0) == 0 || entry.rfind("PATH=", 0) == 0 || entry.rfind("HOME=", 0) == 0) {
      process.environment.push_back(entry);
    }
  }
  process.timeout_s = options.timeout_s;
  BITGOEUL_ASSIGN_OR_RETURN(const npu_slurm::ProcessOutput output, npu_slurm::run_process(argv, process));
  std::string job = output.out;
  while (!job.empty() && (job.back() == '\n' || job.back() == '\r')) job.pop_back();
  if (const size_t semicolon = job.find(';'); semicolon != std::string::npos) job.resize(semicolon);
  if (job.empty()) {
    return unsupported("sbatch refused the array (exit {}): {}", output.exit_code, output.err);
  }
  // With --wait, sbatch's exit code is the array's highest task exit code: failed tasks are found by the points
  // they did not write, so it is not an error here.
  return job;
}

}  // namespace bitgoeul::plan
