// The center store: schema and migrations, registry import from the npu TOML files, tokens, jobs and usage.

#include "npu_slurm/center_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/sqlite_db.h"
#include "npu_slurm/testing.h"

namespace bitgoeul::npu_slurm {
namespace {

// The tenants of npu_slurm/testing.h, with a guarantee for univ-vision so that its import is checked too.
std::string tenants_toml() { return testing::tenants_toml({.univ_vision_guaranteed_rngd = 2}); }

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() / ("npu_slurm_store_" + std::to_string(::getpid()) + "_" +
                                                      std::to_string(counter_++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

TEST(CenterStore, CreatesMigratesAndReopens) {
  TempDir dir;
  EXPECT_EQ(CenterStore::open(dir.file("missing.sqlite"), false).status().code(), ErrorCode::kNotFound);
  {
    Result<CenterStore> store = CenterStore::open(dir.file("center.sqlite"), true);
    ASSERT_TRUE(store.is_ok()) << store.status().to_string();
    EXPECT_EQ(store->schema_version(), kSchemaVersion);
    Status imported = testing::import_registry(*store, testing::cluster_toml(), tenants_toml());
    ASSERT_TRUE(imported.is_ok()) << imported.to_string();
  }
  Result<CenterStore> again = CenterStore::open(dir.file("center.sqlite"), false);
  ASSERT_TRUE(again.is_ok());
  Result<std::vector<TenantRow>> tenants = again->tenants();
  ASSERT_TRUE(tenants.is_ok());
  ASSERT_EQ(tenants->size(), 6u);  // in the file's order
  const TenantRow& programme = (*tenants)[0];
  const TenantRow& univ = (*tenants)[1];
  const TenantRow& vision = (*tenants)[2];
  EXPECT_EQ(programme.name, "public");
  EXPECT_EQ(programme.kind, npu::TenantKind::kProgramme);
  EXPECT_FALSE(programme.parent.has_value());
  EXPECT_EQ(*programme.voucher_granted_hours, 100.0);
  EXPECT_EQ(univ.name, "univ");
  EXPECT_EQ(univ.parent, programme.id);
  EXPECT_EQ(univ.maximum_milli.at("RNGD"), 4000);
  EXPECT_FALSE(univ.maximum_milli.contains("ATOM"));  // unlimited
  EXPECT_EQ(*univ.voucher_granted_hours, 3.0);
  EXPECT_EQ(vision.name, "univ-vision");
  EXPECT_EQ(vision.parent, univ.id);
  EXPECT_EQ(vision.guaranteed_milli.at("RNGD"), 2000);
  EXPECT_FALSE(vision.maximum_milli.contains("RNGD"));  // unlimited
  EXPECT_FALSE(vision.voucher_granted_hours.has_value());
  Result<std::vector<DeviceTypeRow>> types = again->device_types();
  ASSERT_TRUE(types.is_ok());
  ASSERT_EQ(types->size(), 2u);
  EXPECT_EQ((*types)[0].name, "ATOM");
  EXPECT_EQ((*types)[0].gres_name + ":" + (*types)[0].gres_type, "npu:atom");
  EXPECT_EQ((*types)[1].devices, 16u);
}

// A store written by schema 1 (before the center scheduled): its jobs survive the migration, not yet released and
// without predictions, and the settings start at their defaults.
TEST(CenterStore, MigratesASchema1StoreWithItsJobs) {
  TempDir dir;
  CenterJobId id{};
  {
    Result<CenterStore> store = CenterStore::open(dir.file("center.sqlite"), true);
    ASSERT_TRUE(store.is_ok());
    ASSERT_TRUE(testing::import_registry(*store, testing::cluster_toml(), tenants_toml()).is_ok());
    NewJob job;
    job.tenant = (*store->tenants())[2].id;  // univ-vision
    job.name = "old";
    job.device_type = "RNGD";
    job.gres = {"npu", "rngd", 2};
    job.time_limit_s = 60;
    job.script = "#!/bin/sh\n";
    id = *store->insert_job(job);
    ASSERT_TRUE(store->set_submitted(id, SlurmJobId{77}).is_ok());
  }
  {
    // Back to schema 1, as an older bitgoeul left it.
    Result<std::unique_ptr<SqliteDb>> db = SqliteDb::open(dir.file("center.sqlite"), false);
    ASSERT_TRUE(db.is_ok());
    for (const char* sql : {"ALTER TABLE jobs DROP COLUMN released_s", "ALTER TABLE jobs DROP COLUMN planned_nodes",
                            "ALTER TABLE jobs DROP COLUMN eta_submit_s", "ALTER TABLE jobs DROP COLUMN eta_s",
                            "ALTER TABLE jobs DROP COLUMN queue_position", "DROP TABLE settings",
                            "DELETE FROM schema_version WHERE version = 2"}) {
      ASSERT_TRUE((*db)->exec(sql).is_ok()) << sql;
    }
  }
  Result<CenterStore> store = CenterStore::open(dir.file("center.sqlite"), false);
  ASSERT_TRUE(store.is_ok()) << store.status().to_string();
  EXPECT_EQ(store->schema_version(), 2);
  const JobRow job = **store->job(id);
  EXPECT_EQ(job.name, "old");
  EXPECT_EQ(job.slurm_id, SlurmJobId{77});
  EXPECT_FALSE(job.released_s.has_value());
  EXPECT_FALSE(job.eta_s.has_value());
  EXPECT_EQ(job.planned_nodes, "");
  EXPECT_FALSE(store->setting("policy")->has_value());
  ASSERT_TRUE(store->set_prediction(id, 1000, 3).is_ok());
  ASSERT_TRUE(store->set_prediction(id, 1200, 2).is_ok());
  EXPECT_EQ(store->job(id)->value().eta_submit_s, 1000);  // the first prediction is kept
  EXPECT_EQ(store->job(id)->value().eta_s, 1200);
  EXPECT_EQ(store->job(id)->value().queue_position, 2);
  ASSERT_TRUE(store->set_released(id, 1100, "rngd1").is_ok());
  EXPECT_EQ(store->job(id)->value().released_s, 1100);
  EXPECT_FALSE(store->job(id)->value().queue_position.has_value());
}

// Writes that follow a cluster command carry their decision's premise in the WHERE clause: what another writer
// recorded meanwhile is never overwritten, and the writer learns that nothing changed.
TEST(CenterStore, WritesAfterAClusterCommandReCheckTheirRow) {
  TempDir dir;
  Result<CenterStore> store = CenterStore::open(dir.file("center.sqlite"), true);
  ASSERT_TRUE(store.is_ok());
  ASSERT_TRUE(testing::import_registry(*store, testing::cluster_toml(), tenants_toml()).is_ok());
  NewJob job;
  job.tenant = (*store->tenants())[2].id;  // univ-vision
  job.name = "j";
  job.device_type = "RNGD";
  job.gres = {"npu", "rngd", 2};
  job.time_limit_s = 600;
  job.script = "#!/bin/sh\n";
  const CenterJobId a = *store->insert_job(job);
  const CenterJobId b = *store->insert_job(job);

  // a reached Slurm: recorded once; a second confirmation or a "lost" verdict changes nothing.
  EXPECT_TRUE(*store->set_submitted(a, SlurmJobId{1}));
  EXPECT_FALSE(*store->set_submitted(a, SlurmJobId{2}));
  EXPECT_FALSE(*store->set_rejected(a, "lost: never reached the cluster"));
  EXPECT_EQ(store->job(a)->value().slurm_id, SlurmJobId{1});
  EXPECT_EQ(store->job(a)->value().state, "PENDING");
  // b was given up as lost: its submitter's late confirmation changes nothing.
  EXPECT_TRUE(*store->set_rejected(b, "lost: never reached the cluster"));
  EXPECT_FALSE(*store->set_submitted(b, SlurmJobId{3}));
  EXPECT_EQ(store->job(b)->value().state, "REJECTED");
  EXPECT_FALSE(*store->update_job(b, "RUNNING", "None", "rngd1", 10, std::nullopt));

  // a waits on the center: predictions land until it is released, then not.
  EXPECT_TRUE(*store->set_prediction(a, 100, 2));
  EXPECT_TRUE(*store->set_released(a, 50, "rngd1"));
  EXPECT_FALSE(*store->set_released(a, 60, "rngd2"));
  EXPECT_FALSE(*store->set_prediction(a, 200, 1));
  JobRow row = **store->job(a);
  EXPECT_EQ(row.released_s, 50);
  EXPECT_EQ(row.planned_nodes, "rngd1");
  EXPECT_EQ(row.eta_s, 50);
  EXPECT_EQ(row.eta_submit_s, 100);  // the first prediction stays
  EXPECT_FALSE(row.queue_position.has_value());

  // Slurm's states land until the job is charged; a charge holds the final state against a stale squeue.
  EXPECT_TRUE(*store->update_job(a, "RUNNING", "None", "rngd1", 55, std::nullopt));
  UsageRow usage;
  usage.job = a;
  usage.tenant = job.tenant;
  usage.device_type = "RNGD";
  usage.final_state = "CANCELLED";
  usage.start_s = 55;
  usage.end_s = 70;
  EXPECT_TRUE(*store->charge(**store->job(a), usage, {}));
  EXPECT_FALSE(*store->update_job(a, "RUNNING", "None", "rngd1", 55, std::nullopt));
  EXPECT_EQ(store->job(a)->value().state, "CANCELLED");
  EXPECT_EQ(store->job(a)->value().end_s, 70);
}

TEST(CenterStore, RefusesNewerSchemasAndForeignFiles) {
  TempDir dir;
  {
    Result<CenterStore> store = CenterStore::open(dir.file("center.sqlite"), true);
    ASSERT_TRUE(store.is_ok());
  }
  {
    Result<std::unique_ptr<SqliteDb>> db = SqliteDb::open(dir.file("center.sqlite"), false);
    ASSERT_TRUE(db.is_ok());
    ASSERT_TRUE((*db)->exec("INSERT INTO schema_version VALUES (99)").is_ok());
  }
  Result<CenterStore> newer = CenterStore::open(dir.file("center.sqlite"), false);
  ASSERT_FALSE(newer.is_ok());
  EXPECT_NE(newer.status().message().find("schema version 99"), std::string::npos) << newer.status().message();

  std::ofstream(dir.file("not.sqlite")) << "this is a text file, not a database, and long enough to have a header";
  Result<CenterStore> foreign = CenterStore::open(dir.file("not.sqlite"), false);
  ASSERT_FALSE(foreign.is_ok());
  EXPECT_NE(foreign.status().message().find("not.sqlite"), std::string::npos) << foreign.status().message();
}

TEST(CenterStore, ReimportKeepsIdsAndBurntHoursAndRefusesHostileNames) {
  TempDir dir;
  Result<CenterStore> store = CenterStore::open(dir.file("center.sqlite"), true);
  ASSERT_TRUE(store.is_ok());
  ASSERT_TRUE(testing::import_registry(*store, testing::cluster_toml(), tenants_toml()).is_ok());
  const TenantId vision = (*store->tenants())[2].id;
  NewJob job;
  job.tenant = vision;
  job.name = "x";
  job.device_type = "RNGD";
  job.gres = {"npu", "rngd", 2};
  job.time_limit_s = 60;
  job.script = "#!/bin/sh\n";
  Result<CenterJobId> id = store->insert_job(job);
  ASSERT_TRUE(id.is_ok());
  JobRow row = **store->job(*id);
  UsageRow usage;
  usage.device_type = "RNGD";
  usage.devices = 2;
  usage.billed_device_hours = 1.5;
  usage.final_state = "COMPLETED";
  EXPECT_EQ(store->open_jobs()->size(), 1u);
  ASSERT_TRUE(*store->charge(row, usage, {(*store->tenants())[1].id}));
  EXPECT_TRUE(store->open_jobs()->empty());  // charged: holds nothing any more
  EXPECT_EQ(store->jobs(false)->size(), 1u);
  EXPECT_FALSE(*store->charge(row, usage, {(*store->tenants())[1].id}));  // idempotent
  ASSERT_TRUE(testing::import_registry(*store, testing::cluster_toml(), tenants_toml()).is_ok());
  std::vector<TenantRow> tenants = *store->tenants();
  EXPECT_EQ(tenants[2].id, vision);
  EXPECT_DOUBLE_EQ(tenants[1].voucher_burnt_hours, 1.5);

  Status hostile = testing::import_registry(*store, testing::cluster_toml(), R"(
[[tenants]]
name = "x'); DROP TABLE jobs; --"
kind = "programme"
)");
  ASSERT_FALSE(hostile.is_ok());
  EXPECT_NE(hostile.message().find("tenant name"), std::string::npos) << hostile.message();
  EXPECT_EQ(store->jobs(false)->size(), 1u);
  EXPECT_EQ(store->tenants()->size(), 6u);
}

TEST(CenterStore, TokensAreFoundByHashOnly) {
  TempDir dir;
  Result<CenterStore> store = CenterStore::open(dir.file("center.sqlite"), true);
  ASSERT_TRUE(store.is_ok());
  ASSERT_TRUE(store->add_token(std::string(64, 'a'), std::nullopt, "operator", 1).is_ok());
  EXPECT_FALSE(store->add_token(std::string(64, 'a'), std::nullopt, "again", 1).is_ok());  // unique
  Result<std::optional<TokenRow>> found = store->find_token(std::string(64, 'a'));
  ASSERT_TRUE(found.is_ok() && found->has_value());
  EXPECT_FALSE((*found)->tenant.has_value());
  EXPECT_FALSE(store->find_token("' OR '1'='1")->has_value());
}

}  // namespace
}  // namespace bitgoeul::npu_slurm
