// SlurmBackend against a real Slurm: scripts/slurm_local.sh starts a loopback cluster for this suite (its own port)
// and stops it by pid afterwards. Labelled `slurm`, not `unit`; skipped when Slurm is not installed or we are not
// root, unless BITGOEUL_REQUIRE_SLURM=1.

#include "npu_slurm/slurm_backend.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <thread>

namespace bitgoeul::npu_slurm {
namespace {

const std::string kScript = std::string(BITGOEUL_SOURCE_DIR) + "/scripts/slurm_local.sh";

class SlurmBackendTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const char* require = std::getenv("BITGOEUL_REQUIRE_SLURM");
    required_ = require != nullptr && std::string(require) == "1";
    for (const char* program : {"slurmctld", "slurmd", "munged", "sbatch"}) {
      if (!find_program(program, "").is_ok()) {
        skip_reason_ = std::string("Slurm is not installed (") + program + " missing)";
        return;
      }
    }
    if (::geteuid() != 0) {
      skip_reason_ = "the local Slurm runs its daemons as root";
      return;
    }
    state_ = (std::filesystem::temp_directory_path() / ("npu_slurm_backend_" + std::to_string(::getpid()))).string();
    Result<ProcessOutput> started = control("start");
    if (!started.is_ok() || started->exit_code != 0) {
      start_error_ = started.is_ok() ? started->out + started->err : started.status().to_string();
      return;
    }
    SlurmOptions options;
    options.slurm_conf = state_ + "/slurm.conf";
    Result<SlurmBackend> backend = SlurmBackend::create(options);
    if (!backend.is_ok()) {
      start_error_ = backend.status().to_string();
      return;
    }
    backend_ = new SlurmBackend(std::move(*backend));
  }

  static void TearDownTestSuite() {
    delete backend_;
    backend_ = nullptr;
    if (!state_.empty()) {
      Result<ProcessOutput> stopped = control("stop");
      EXPECT_TRUE(stopped.is_ok() && stopped->exit_code == 0);
      std::filesystem::remove_all(state_);
    }
  }

  static Result<ProcessOutput> control(const std::string& action) {
    ProcessOptions options;
    options.environment = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                           "SLURM_LOCAL_PORT=28817"};
    options.timeout_s = 120;
    return run_process({"/bin/bash", kScript, action, state_}, options);
  }

  void SetUp() override {
    if (!skip_reason_.empty()) {
      if (required_) FAIL() << skip_reason_ << " (BITGOEUL_REQUIRE_SLURM=1)";
      GTEST_SKIP() << skip_reason_;
    }
    ASSERT_NE(backend_, nullptr) << "local Slurm did not start: " << start_error_;
  }

  static SubmitSpec spec(const std::string& name, const std::string& gres_type, uint32_t count, int sleep_s) {
    SubmitSpec s;
    s.name = name;
    s.account = "lab";
    s.gres = {"npu", gres_type, count};
    s.time_limit_s = 60;
    s.script = "#!/bin/bash\nsleep " + std::to_string(sleep_s) + "\n";
    s.work_dir = state_;
    s.output_path = state_ + "/%j.out";
    return s;
  }

  // Polls the job list until `predicate` holds for job `id` (20 s at most).
  static std::optional<BackendJob> wait_for(SlurmJobId id, const std::function<bool(const BackendJob&)>& predicate) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      Result<std::vector<BackendJob>> jobs = backend_->list_jobs();
      if (jobs.is_ok()) {
        for (const BackendJob& job : *jobs) {
          if (job.id == id && predicate(job)) return job;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return std::nullopt;
  }

  static std::optional<AccountingRecord> record_of(SlurmJobId id) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      Result<std::vector<AccountingRecord>> records = backend_->accounting({id});
      if (records.is_ok() && !records->empty()) return records->front();
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return std::nullopt;
  }

  static inline bool required_ = false;
  static inline std::string skip_reason_;
  static inline std::string start_error_;
  static inline std::string state_;
  static inline SlurmBackend* backend_ = nullptr;
};

TEST_F(SlurmBackendTest, HeldJobWaitsThenRunsAndIsAccounted) {
  SubmitSpec held = spec("bg-held", "rngd", 2, 2);
  held.hold = true;
  Result<SlurmJobId> id = backend_->submit(held);
  ASSERT_TRUE(id.is_ok()) << id.status().to_string();
  std::optional<BackendJob> waiting = wait_for(*id, [](const BackendJob& j) { return j.state == JobState::kPending; });
  ASSERT_TRUE(waiting.has_value());
  EXPECT_NE(waiting->reason.find("Held"), std::string::npos) << waiting->reason;
  EXPECT_EQ(waiting->name, "bg-held");
  EXPECT_EQ(waiting->account, "lab");
  EXPECT_EQ(waiting->time_limit_s, 60);
  ASSERT_TRUE(backend_->release(*id).is_ok());
  std::optional<BackendJob> running = wait_for(*id, [](const BackendJob& j) { return j.state != JobState::kPending; });
  ASSERT_TRUE(running.has_value());
  EXPECT_EQ(running->node_count, 1u);
  EXPECT_TRUE(running->node_list == "rngd1" || running->node_list == "rngd2") << running->node_list;
  std::optional<AccountingRecord> record = record_of(*id);
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->state, JobState::kCompleted);
  EXPECT_EQ(record->name, "bg-held");
  EXPECT_EQ(record->node_count, 1u);
  EXPECT_GE(record->elapsed_s, 2);
  EXPECT_LE(record->elapsed_s, 10);
  ASSERT_TRUE(record->start_s && record->end_s);
  EXPECT_EQ(*record->end_s - *record->start_s, record->elapsed_s);
}

TEST_F(SlurmBackendTest, PriorityOfAWaitingJobAndCancellation) {
  Result<SlurmJobId> filler = backend_->submit(spec("bg-fill", "atom", 8, 30));
  ASSERT_TRUE(filler.is_ok()) << filler.status().to_string();
  ASSERT_TRUE(wait_for(*filler, [](const BackendJob& j) { return j.state == JobState::kRunning; }).has_value());
  Result<SlurmJobId> waiting = backend_->submit(spec("bg-wait", "atom", 1, 1));
  ASSERT_TRUE(waiting.is_ok());
  ASSERT_TRUE(backend_->set_priority(*waiting, 4242).is_ok());
  std::optional<BackendJob> job = wait_for(*waiting, [](const BackendJob& j) { return j.priority == 4242; });
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ(job->state, JobState::kPending);
  ASSERT_TRUE(backend_->cancel(*waiting).is_ok());
  ASSERT_TRUE(backend_->cancel(*filler).is_ok());
  std::optional<AccountingRecord> never_ran = record_of(*waiting);
  ASSERT_TRUE(never_ran.has_value());
  EXPECT_EQ(never_ran->state, JobState::kCancelled);
  EXPECT_EQ(never_ran->node_count, 0u);  // nothing allocated, nothing to charge
  EXPECT_EQ(never_ran->elapsed_s, 0);
  std::optional<AccountingRecord> ran = record_of(*filler);
  ASSERT_TRUE(ran.has_value());
  EXPECT_EQ(ran->state, JobState::kCancelled);
  EXPECT_EQ(ran->node_count, 1u);
  EXPECT_EQ(ran->node_list, "atom1");
}

TEST_F(SlurmBackendTest, NodeInventoryAndAHeldJobReleasedOnTheNodeChosen) {
  Result<std::vector<BackendNode>> idle = backend_->nodes();
  ASSERT_TRUE(idle.is_ok()) << idle.status().to_string();
  ASSERT_EQ(idle->size(), 3u);
  for (const BackendNode& node : *idle) {
    EXPECT_TRUE(node.usable) << node.name << " " << node.state;
    ASSERT_EQ(node.gres.size(), 1u) << node.name;
    EXPECT_EQ(node.gres[0].name, "npu");
    EXPECT_EQ(node.gres[0].type, node.name == "atom1" ? "atom" : "rngd");
    EXPECT_EQ(node.gres[0].count, 8u);
  }
  SubmitSpec held = spec("bg-placed", "rngd", 3, 5);
  held.hold = true;
  Result<SlurmJobId> id = backend_->submit(held);
  ASSERT_TRUE(id.is_ok()) << id.status().to_string();
  ASSERT_TRUE(backend_->set_node_list(*id, "rngd2").is_ok());
  EXPECT_FALSE(backend_->set_node_list(*id, "rngd2 Priority=1").is_ok());  // one argument, no smuggled fields
  ASSERT_TRUE(backend_->release(*id).is_ok());
  std::optional<BackendJob> running = wait_for(*id, [](const BackendJob& j) { return j.state == JobState::kRunning; });
  ASSERT_TRUE(running.has_value());
  EXPECT_EQ(running->node_list, "rngd2");
  Result<std::vector<BackendNode>> busy = backend_->nodes();
  ASSERT_TRUE(busy.is_ok()) << busy.status().to_string();
  for (const BackendNode& node : *busy) {
    if (node.name == "rngd2") {
      EXPECT_EQ(node.gres[0].used, 3u);
    }
  }
  ASSERT_TRUE(backend_->cancel(*id).is_ok());
  ASSERT_TRUE(record_of(*id).has_value());
}

TEST_F(SlurmBackendTest, SlurmsRefusalsAreErrorsWithItsMessage) {
  Result<SlurmJobId> too_big = backend_->submit(spec("bg-big", "rngd", 9, 1));  // nodes have 8
  ASSERT_FALSE(too_big.is_ok());
  EXPECT_NE(too_big.status().message().find("sbatch failed"), std::string::npos) << too_big.status().message();
  EXPECT_NE(too_big.status().message().find("Requested node configuration is not available"), std::string::npos);
  Result<SlurmJobId> unknown_type = backend_->submit(spec("bg-h100", "h100", 1, 1));
  EXPECT_FALSE(unknown_type.is_ok());
  EXPECT_FALSE(backend_->release(SlurmJobId{987654}).is_ok());
  // Job ids the controller never had have no accounting record.
  Result<std::vector<AccountingRecord>> none = backend_->accounting({SlurmJobId{987654}});
  ASSERT_TRUE(none.is_ok()) << none.status().to_string();
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace bitgoeul::npu_slurm
