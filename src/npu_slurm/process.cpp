#include "npu_slurm/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace bitgoeul::npu_slurm {
namespace {

// Closes its descriptors when it goes out of scope.
struct Pipe {
  int fd[2] = {-1, -1};
  ~Pipe() {
    for (int& f : fd) close_one(f);
  }
  static void close_one(int& f) {
    if (f >= 0) ::close(f);
    f = -1;
  }
};

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (const std::string& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

bool is_executable(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

Result<std::string> find_program(const std::string& program, const std::string& dir) {
  if (program.find('/') != std::string::npos) {
    if (is_executable(program)) return program;
    return not_found("{}: not an executable file", program);
  }
  std::string search = dir;
  if (search.empty()) {
    const char* path = std::getenv("PATH");
    search = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  }
  size_t start = 0;
  while (start <= search.size()) {
    size_t end = search.find(':', start);
    if (end == std::string::npos) end = search.size();
    const std::string entry = search.substr(start, end - start);
    if (!entry.empty() && entry[0] == '/') {
      const std::string candidate = entry + "/" + program;
      if (is_executable(candidate)) return candidate;
    }
    start = end + 1;
  }
  return not_found("{}: not found in {}", program, dir.empty() ? "PATH" : dir);
}

Result<ProcessOutput> run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
  if (argv.empty() || argv[0].empty() || argv[0][0] != '/') {
    return internal_error("run_process needs an absolute program path");
  }
  Pipe in, out, err;
  if (::pipe2(in.fd, O_CLOEXEC) != 0 || ::pipe2(out.fd, O_CLOEXEC) != 0 || ::pipe2(err.fd, O_CLOEXEC) != 0) {
    return io_error("{}: cannot create pipes: {}", argv[0], std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.fd[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out.fd[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err.fd[1], STDERR_FILENO);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // The child starts with default signal handling and no blocked signals, whatever this process changed (a server
  // blocks SIGINT and SIGTERM to sigwait for them).
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  sigset_t unblocked;
  sigemptyset(&unblocked);
  posix_spawnattr_setsigmask(&attributes, &unblocked);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  std::vector<char*> args = c_strings(argv);
  std::vector<char*> env = c_strings(options.environment);
  pid_t pid = -1;
  const int spawned = ::posix_spawn(&pid, argv[0].c_str(), &actions, &attributes, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (spawned != 0) return io_error("{}: cannot start: {}", argv[0], std::strerror(spawned));
  Pipe::close_one(in.fd[0]);
  Pipe::close_one(out.fd[1]);
  Pipe::close_one(err.fd[1]);
  // Our end of stdin must not raise SIGPIPE if the child exits early.
  ::fcntl(in.fd[1], F_SETFL, O_NONBLOCK);
  ::fcntl(out.fd[0], F_SETFL, O_NONBLOCK);
  ::fcntl(err.fd[0], F_SETFL, O_NONBLOCK);

  ProcessOutput result;
  size_t written = 0;
  if (options.input.empty()) Pipe::close_one(in.fd[1]);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(options.timeout_s);
  std::string failure;
  char buffer[65536];
  while (out.fd[0] >= 0 || err.fd[0] >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      failure = fmt::format("timed out after {} s", options.timeout_s);
      break;
    }
    pollfd fds[3];
    int count = 0;
    int* owners[3];
    for (int* fd : {&in.fd[1], &out.fd[0], &err.fd[0]}) {
      if (*fd < 0) continue;
      fds[count] = {*fd, static_cast<short>(fd == &in.fd[1] ? POLLOUT : POLLIN), 0};
      owners[count++] = fd;
    }
    const int ready = ::poll(fds, static_cast<nfds_t>(count), static_cast<int>(left.count()));
    if (ready < 0) {
      if (errno == EINTR) continue;
      failure = fmt::format("poll failed: {}", std::strerror(errno));
      break;
    }
    for (int i = 0; i < count; ++i) {
      if (fds[i].revents == 0) continue;
      int* fd = owners[i];
      if (fd == &in.fd[1]) {
        if ((fds[i].revents & (POLLERR | POLLHUP)) != 0) {
          Pipe::close_one(*fd);
          continue;
        }
        const ssize_t n = ::write(*fd, options.input.data() + written, options.input.size() - written);
        if (n > 0) written += static_cast<size_t>(n);
        if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == options.input.size()) Pipe::close_one(*fd);
        continue;
      }
      const ssize_t n = ::read(*fd, buffer, sizeof(buffer));
      if (n > 0) {
        std::string& sink = fd == &out.fd[0] ? result.out : result.err;
        sink.append(buffer, static_cast<size_t>(n));
        if (sink.size() > options.max_output_bytes) failure = "printed more than the output limit";
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        Pipe::close_one(*fd);
      }
    }
    if (!failure.empty()) break;
  }
  if (!failure.empty()) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return io_error("{}: waitpid failed: {}", argv[0], std::strerror(errno));
  }
  if (!failure.empty()) return io_error("{}: {}", argv[0], failure);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace bitgoeul::npu_slurm
