// Programs run with an argument vector and an exact environment: no shell ever sees an argument.

#include "npu_slurm/process.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>

namespace bitgoeul::npu_slurm {
namespace {

std::string program(const char* name) {
  Result<std::string> path = find_program(name, "/usr/bin:/bin");
  EXPECT_TRUE(path.is_ok()) << path.status().to_string();
  return path.is_ok() ? *path : std::string("/bin/false");
}

TEST(RunProcess, ArgumentsReachTheProgramVerbatim) {
  const std::string hostile = "$(touch /tmp/bitgoeul-pwned); `id`; echo x | cat > y";
  Result<ProcessOutput> out = run_process({program("printf"), "%s", hostile}, {});
  ASSERT_TRUE(out.is_ok()) << out.status().to_string();
  EXPECT_EQ(out->exit_code, 0);
  EXPECT_EQ(out->out, hostile);
  EXPECT_FALSE(std::filesystem::exists("/tmp/bitgoeul-pwned"));
}

TEST(RunProcess, InputEnvironmentAndExitCodes) {
  ProcessOptions options;
  options.input = std::string(300000, 'a') + "\n";  // larger than a pipe buffer
  Result<ProcessOutput> counted = run_process({program("wc"), "-c"}, options);
  ASSERT_TRUE(counted.is_ok());
  EXPECT_EQ(std::stoi(counted->out), 300001);

  ProcessOptions env;
  env.environment = {"ONLY=this"};
  Result<ProcessOutput> printed = run_process({program("env")}, env);
  ASSERT_TRUE(printed.is_ok());
  EXPECT_EQ(printed->out, "ONLY=this\n");

  Result<ProcessOutput> failed = run_process({program("sh"), "-c", "echo oops >&2; exit 3"}, {});
  ASSERT_TRUE(failed.is_ok());
  EXPECT_EQ(failed->exit_code, 3);
  EXPECT_EQ(failed->err, "oops\n");
}

TEST(RunProcess, TimeoutKillsTheChild) {
  ProcessOptions options;
  options.timeout_s = 1;
  Result<ProcessOutput> out = run_process({program("sleep"), "30"}, options);
  ASSERT_FALSE(out.is_ok());
  EXPECT_NE(out.status().message().find("timed out"), std::string::npos);
}

TEST(RunProcess, TheChildStartsWithNoBlockedSignals) {
  // A server blocks SIGINT and SIGTERM to sigwait for them; the Slurm commands it runs must not inherit that.
  sigset_t stop, previous;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &stop, &previous), 0);
  Result<ProcessOutput> out = run_process({program("grep"), "^SigBlk:", "/proc/self/status"}, {});
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  ASSERT_TRUE(out.is_ok()) << out.status().to_string();
  EXPECT_EQ(out->out, "SigBlk:\t0000000000000000\n");
}

TEST(RunProcess, MissingProgramsAreClearErrors) {
  EXPECT_FALSE(find_program("no-such-program-bitgoeul", "/usr/bin").is_ok());
  EXPECT_FALSE(run_process({"relative/path"}, {}).is_ok());
  EXPECT_FALSE(run_process({"/nonexistent/program"}, {}).is_ok());
}

}  // namespace
}  // namespace bitgoeul::npu_slurm
