#include "plan/slurm_array.h"
#include "plan/testing.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace bitgoeul::plan {
namespace {

using testing::read_all;
using testing::make_points;

std::string fresh_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / "bitgoeul_slurm_array_test" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

TEST(SlurmArray, TheScriptQuotesEveryPathAndPicksItsPointByTaskId) {
  SlurmArrayOptions options;
  options.executable = "/opt/bit goeul/bitgoeul";
  options.arguments = {"plan", "taxi", "/tmp/it's a sweep.toml"};
  options.directory = "/tmp/out $(rm -rf x)";
  const std::string script = array_script(options);
  EXPECT_NE(script.find("exec '/opt/bit goeul/bitgoeul' 'plan' 'taxi' '/tmp/it'\\''s a sweep.toml' -o "
                        "'/tmp/out $(rm -rf x)' --point \"$point\""),
            std::string::npos)
      << script;
  EXPECT_NE(script.find("#SBATCH --output='/tmp/out $(rm -rf x)/slurm/task-%a.out'"), std::string::npos) << script;
  EXPECT_NE(script.find("$((SLURM_ARRAY_TASK_ID + 1))p"), std::string::npos);
}

TEST(SlurmArray, PartsMergeIntoTheStoreOnceAndOnlyForThisSweep) {
  const std::string dir = fresh_dir("merge");
  const auto points = make_points(4);
  ASSERT_TRUE(write_part(dir, 1, points[1].key, {1, points[1].params, {{"y", 1}}}).is_ok());
  ASSERT_TRUE(write_part(dir, 3, points[3].key, {3, points[3].params, {{"y", 9}}}).is_ok());
  ASSERT_TRUE(write_part(dir, 7, "00000000000000aa", {7, {{"x", 7}}, {{"y", 49}}}).is_ok());  // another sweep's
  EXPECT_FALSE(std::filesystem::exists(part_path(dir, 1) + ".tmp"));
  auto store = PointStore::open(dir + "/points.jsonl");
  ASSERT_TRUE(store.is_ok());
  auto merged = merge_parts(dir, points, **store);
  ASSERT_TRUE(merged.is_ok()) << merged.status().to_string();
  EXPECT_EQ(*merged, 2u);
  ASSERT_NE((*store)->find(points[3].key), nullptr);
  EXPECT_EQ((*store)->find(points[3].key)->metrics["y"], 9);
  auto again = merge_parts(dir, points, **store);
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(*again, 0u);  // already stored
  EXPECT_EQ((*store)->size(), 2u);

  std::ofstream(part_path(dir, 2)) << "{\"key\": broken";
  auto damaged = merge_parts(dir, points, **store);
  ASSERT_FALSE(damaged.is_ok());
  EXPECT_NE(damaged.status().message().find("parts/2.jsonl:1"), std::string::npos) << damaged.status().to_string();
  std::ofstream(part_path(dir, 2)) << point_line(points[0].key, {2, points[0].params, {{"y", 0}}}) << "\n";
  auto mislabelled = merge_parts(dir, points, **store);
  ASSERT_FALSE(mislabelled.is_ok());
  EXPECT_NE(mislabelled.status().message().find("point 2 has the key of point 0"), std::string::npos)
      << mislabelled.status().to_string();
}

// sbatch replaced by a script that records its arguments and answers with a job id, as `sbatch --parsable` does.
TEST(SlurmArray, SubmitsOneArrayTaskPerPointThroughSbatch) {
  const std::string dir = fresh_dir("submit");
  const std::string bin = dir + "/bin";
  std::filesystem::create_directories(bin);
  std::ofstream(bin + "/sbatch") << "#!/bin/sh\nprintf '%s\\n' \"$@\" > " << dir << "/sbatch.args\necho 4242\n";
  std::filesystem::permissions(bin + "/sbatch", std::filesystem::perms::owner_all);
  const std::string old_path = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "";
  setenv("PATH", (bin + ":" + old_path).c_str(), 1);
  SlurmArrayOptions options;
  options.executable = "/usr/bin/true";
  options.arguments = {"plan", "taxi", "/tmp/sweep.toml"};
  options.directory = dir + "/out";
  options.points = {2, 5, 9};
  options.max_parallel = 2;
  options.sbatch_options = {"--partition=npu"};
  auto job = run_slurm_array(options);
  setenv("PATH", old_path.c_str(), 1);
  ASSERT_TRUE(job.is_ok()) << job.status().to_string();
  EXPECT_EQ(*job, "4242");
  EXPECT_EQ(read_all(dir + "/sbatch.args"),
            "--parsable\n--wait\n--array=0-2%2\n--partition=npu\n" + dir + "/out/slurm/array.sh\n");
  EXPECT_EQ(read_all(dir + "/out/slurm/points.txt"), "2\n5\n9\n");
  EXPECT_EQ(read_all(dir + "/out/slurm/array.sh"), array_script(options));
}

TEST(SlurmArray, NoSbatchIsAClearError) {
  const std::string dir = fresh_dir("missing");
  const std::string old_path = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "";
  setenv("PATH", dir.c_str(), 1);
  SlurmArrayOptions options;
  options.executable = "/usr/bin/true";
  options.directory = dir + "/out";
  options.points = {0};
  auto job = run_slurm_array(options);
  setenv("PATH", old_path.c_str(), 1);
  ASSERT_FALSE(job.is_ok());
  EXPECT_NE(job.status().message().find("sbatch: not found"), std::string::npos) << job.status().to_string();
}

}  // namespace
}  // namespace bitgoeul::plan
