// The center on the fake cluster: admission against quotas and vouchers, submission, states, cancellation across
// tenants, accounting burnt once from the backend's records, recovery of interrupted submissions, hostile input.
//
// The cluster and tenants of npu_slurm/testing.h: rngd1, rngd2 (8 RNGD each), atom1 (8 ATOM, billing 0.5); programme
// public (voucher 100 h) over organisations univ (maximum RNGD 4, voucher 3 h; project univ-vision) and startup
// (projects startup-speech, maximum ATOM 2, and lab-open).

#include "npu_slurm/center.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>

#include "npu_slurm/fake_backend.h"
#include "npu_slurm/testing.h"

namespace bitgoeul::npu_slurm {
namespace {

using testing::kStart;

class CenterTest : public ::testing::Test, public testing::TestCenter {
 protected:
  void SetUp() override {
    Status started = start("npu_slurm_center");
    ASSERT_TRUE(started.is_ok()) << started.to_string();
    operator_ = operator_principal();
    univ_ = login("univ-vision");
    startup_ = login("startup-speech");
  }

  Principal login(const std::string& tenant) {
    Result<std::string> token = issue_token(tenant, "test");
    EXPECT_TRUE(token.is_ok()) << token.status().to_string();
    Result<Principal> principal = center->authenticate(*token);
    EXPECT_TRUE(principal.is_ok()) << principal.status().to_string();
    return *principal;
  }

  static SubmitRequest request(const std::string& gres, const std::string& time, int sleep_s) {
    SubmitRequest r;
    r.gres = gres;
    r.time_limit = time;
    r.script = "#!/bin/bash\nsleep " + std::to_string(sleep_s) + "\n";
    r.script_source = "job.sh";
    return r;
  }

  double burnt(const std::string& tenant) {
    const std::vector<TenantRow> rows = *store->tenants();
    for (const TenantRow& row : rows) {
      if (row.name == tenant) return row.voucher_burnt_hours;
    }
    ADD_FAILURE() << "no tenant " << tenant;
    return -1;
  }

  Principal operator_, univ_, startup_;
};

TEST_F(CenterTest, AdmittedJobRunsAndIsChargedOnceByActualDeviceHours) {
  Result<JobRow> job = center->submit(univ_, request("npu:rngd:2", "60", 1800));
  ASSERT_TRUE(job.is_ok()) << job.status().to_string();
  EXPECT_EQ(job->tenant_name, "univ-vision");
  EXPECT_EQ(job->state, "RUNNING");  // reached Slurm held; the policy pass released it at once (devices free)
  EXPECT_EQ(job->released_s, kStart);
  ASSERT_TRUE(job->slurm_id.has_value());
  EXPECT_DOUBLE_EQ(job->reserved_device_hours, 2.0);  // 2 cards × 1 h limit
  const SubmitSpec* spec = backend->spec(*job->slurm_id);
  ASSERT_NE(spec, nullptr);
  EXPECT_EQ(spec->name, fmt::format("bg-{}", raw(job->id)));
  EXPECT_EQ(spec->account, "univ-vision");
  EXPECT_EQ(spec->gres.to_string(), "npu:rngd:2");
  EXPECT_EQ(spec->time_limit_s, 3600);
  EXPECT_TRUE(spec->hold);

  std::vector<JobRow> queue = *center->queue(univ_, false);
  ASSERT_EQ(queue.size(), 1u);
  EXPECT_EQ(queue[0].state, "RUNNING");
  EXPECT_EQ(queue[0].node_list, "rngd1");

  clock.advance(1800);
  Result<SyncReport> report = center->sync();
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_EQ(report->charged, 1u);
  EXPECT_DOUBLE_EQ(burnt("univ"), 1.0);  // 2 cards × 0.5 h actually used, not the 1 h limit
  EXPECT_DOUBLE_EQ(burnt("public"), 1.0);
  // Read again (and again): charged once.
  EXPECT_EQ(center->sync()->charged, 0u);
  EXPECT_EQ(center->sync()->charged, 0u);
  EXPECT_DOUBLE_EQ(burnt("univ"), 1.0);
  std::vector<UsageRow> usage = *center->usage(univ_);
  ASSERT_EQ(usage.size(), 1u);
  EXPECT_EQ(usage[0].elapsed_s, 1800);
  EXPECT_EQ(usage[0].devices, 2u);
  EXPECT_EQ(usage[0].final_state, "COMPLETED");
  EXPECT_TRUE(center->queue(univ_, false)->empty());
  EXPECT_EQ(center->queue(univ_, true)->size(), 1u);
}

TEST_F(CenterTest, QuotaCountsQueuedAndRunningJobsUpTheHierarchy) {
  ASSERT_TRUE(center->submit(univ_, request("npu:rngd:2", "10", 300)).is_ok());
  ASSERT_TRUE(center->submit(univ_, request("npu:rngd:2", "10", 300)).is_ok());
  const size_t submitted = backend->submit_count();
  Result<JobRow> third = center->submit(univ_, request("npu:rngd:1", "10", 300));
  ASSERT_FALSE(third.is_ok());
  EXPECT_EQ(third.status().message(),
            "rejected: quota exceeded for tenant 'univ-vision' (the quota of organisation 'univ'): 4 RNGD in use or "
            "queued + 1 requested > maximum 4");
  EXPECT_EQ(backend->submit_count(), submitted);  // never reached the cluster
  EXPECT_EQ(store->jobs(false)->size(), 2u);      // and left no row
  // Other device types and other tenants are not affected.
  EXPECT_TRUE(center->submit(startup_, request("npu:atom:2", "10", 300)).is_ok());
  EXPECT_FALSE(center->submit(startup_, request("npu:atom:1", "10", 300)).is_ok());
  // When the jobs end, the quota is free again.
  clock.advance(300);
  EXPECT_TRUE(center->submit(univ_, request("npu:rngd:4", "10", 300)).is_ok());
}

TEST_F(CenterTest, VoucherReservesTheTimeLimitAndRejectsWhatCouldOverdrawIt) {
  ASSERT_TRUE(center->submit(univ_, request("npu:rngd:2", "60", 60)).is_ok());  // reserves 2 of univ's 3 h
  Result<JobRow> second = center->submit(univ_, request("npu:rngd:2", "31", 60));  // 2 × 31 min = 1.033 h
  ASSERT_FALSE(second.is_ok());
  EXPECT_NE(second.status().message().find("rejected: voucher of 'univ' has 1.000 device-hours left (3.000 granted, "
                                           "0.000 burnt, 2.000 reserved"),
            std::string::npos)
      << second.status().message();
  EXPECT_TRUE(center->submit(univ_, request("npu:rngd:2", "30", 600)).is_ok());  // exactly 1 h fits
  // The first job used 1 minute: 2 cards × 1 min burnt, its reservation freed.
  clock.advance(120);
  ASSERT_TRUE(center->sync().is_ok());
  EXPECT_NEAR(burnt("univ"), 2.0 / 60.0, 1e-9);
  EXPECT_EQ(center->tenants(univ_)->size(), 1u);  // a project's token sees its own tenant only
  std::vector<TenantView> views = *center->tenants(login("univ"));
  ASSERT_EQ(views.size(), 2u);  // an organisation's sees itself and its projects
  EXPECT_EQ(views[0].tenant.name, "univ");
  ASSERT_TRUE(views[0].voucher_left_hours.has_value());
  // 3 h − 2/60 h burnt − 1 h reserved by the third job (2 × 30 min), still running
  EXPECT_NEAR(*views[0].voucher_left_hours, 3.0 - 2.0 / 60.0 - 1.0, 1e-9);
  EXPECT_EQ(views[0].in_use_milli.at("RNGD"), 2000);
}

TEST_F(CenterTest, TimeoutChargesTheLimitAndBillingWeightsApply) {
  ASSERT_TRUE(center->submit(startup_, request("npu:atom:2", "30", 7200)).is_ok());
  clock.advance(4000);
  ASSERT_TRUE(center->sync().is_ok());
  std::vector<UsageRow> usage = *center->usage(startup_);
  ASSERT_EQ(usage.size(), 1u);
  EXPECT_EQ(usage[0].final_state, "TIMEOUT");
  EXPECT_EQ(usage[0].elapsed_s, 1800);
  EXPECT_DOUBLE_EQ(usage[0].device_hours, 1.0);
  EXPECT_DOUBLE_EQ(usage[0].billed_device_hours, 0.5);  // ATOM bills 0.5
  EXPECT_DOUBLE_EQ(burnt("public"), 0.5);
}

TEST_F(CenterTest, TenantsSeeAndCancelOnlyTheirOwnJobs) {
  JobRow univ_job = *center->submit(univ_, request("npu:rngd:2", "10", 600));
  JobRow startup_job = *center->submit(startup_, request("npu:atom:1", "10", 600));
  clock.advance(60);
  Result<JobRow> foreign = center->cancel(startup_, *univ_job.slurm_id);
  ASSERT_FALSE(foreign.is_ok());
  EXPECT_EQ(foreign.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(foreign.status().message(), fmt::format("job {}: no such job of yours", raw(*univ_job.slurm_id)));
  EXPECT_EQ((*center->queue(univ_, false))[0].state, "RUNNING");  // untouched

  std::vector<JobRow> seen = *center->queue(startup_, true);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].id, startup_job.id);
  EXPECT_EQ(center->queue(operator_, true)->size(), 2u);

  Result<JobRow> cancelled = center->cancel(univ_, *univ_job.slurm_id);
  ASSERT_TRUE(cancelled.is_ok()) << cancelled.status().to_string();
  EXPECT_EQ(cancelled->state, "CANCELLED");
  EXPECT_TRUE(cancelled->charged);
  EXPECT_NEAR(burnt("univ"), 2.0 * 60 / 3600.0, 1e-9);
  EXPECT_FALSE(center->cancel(univ_, *univ_job.slurm_id).is_ok());  // already ended
  EXPECT_FALSE(center->cancel(univ_, SlurmJobId{987654}).is_ok());
}

TEST_F(CenterTest, TokensAndTenantScope) {
  EXPECT_FALSE(center->authenticate("").is_ok());
  EXPECT_FALSE(center->authenticate("bgt_0000").is_ok());
  EXPECT_FALSE(center->authenticate("' OR '1'='1").is_ok());
  EXPECT_FALSE(center->authenticate(std::string(100000, 'x')).is_ok());
  EXPECT_FALSE(center->issue_token(univ_, "startup-speech", "steal").is_ok());
  EXPECT_FALSE(center->issue_token(operator_, "nobody", "x").is_ok());
  // An organisation's token acts for its projects.
  Principal univ_org = login("univ");
  SubmitRequest r = request("npu:rngd:1", "10", 10);
  EXPECT_FALSE(center->submit(univ_org, r).is_ok());  // 'univ' itself is not a project
  r.tenant = "univ-vision";
  EXPECT_TRUE(center->submit(univ_org, r).is_ok());
  r.tenant = "startup-speech";
  Result<JobRow> foreign = center->submit(univ_org, r);
  ASSERT_FALSE(foreign.is_ok());
  EXPECT_NE(foreign.status().message().find("may not submit"), std::string::npos);
  r.tenant = "";
  EXPECT_FALSE(center->submit(operator_, r).is_ok());  // the operator must name the tenant
}

TEST_F(CenterTest, OperatorRevokesTokens) {
  ASSERT_TRUE(center->submit(univ_, request("npu:rngd:1", "10", 10)).is_ok());
  Result<std::vector<TokenRow>> tokens = list_tokens(*store, operator_);
  ASSERT_TRUE(tokens.is_ok());
  ASSERT_EQ(tokens->size(), 2u);  // univ-vision's and startup-speech's (the fixture's operator has none stored)
  EXPECT_FALSE(list_tokens(*store, univ_).is_ok());
  EXPECT_FALSE(revoke_token(*store, univ_, (*tokens)[1].id).is_ok());
  Result<std::string> token = center->issue_token(operator_, "univ-vision", "second");
  ASSERT_TRUE(token.is_ok());
  ASSERT_TRUE(center->authenticate(*token).is_ok());
  const int64_t id = list_tokens(*store, operator_)->back().id;
  ASSERT_TRUE(revoke_token(*store, operator_, id).is_ok());
  Result<Principal> revoked = center->authenticate(*token);
  ASSERT_FALSE(revoked.is_ok());
  EXPECT_EQ(revoked.status().message(), "token: revoked ('second')");
  EXPECT_FALSE(revoke_token(*store, operator_, id).is_ok());      // already
  EXPECT_FALSE(revoke_token(*store, operator_, 987654).is_ok());  // no such token
  // The operator's own last token cannot be revoked.
  Result<std::string> first = issue_first_operator_token(*store, clock);
  EXPECT_FALSE(first.is_ok());  // tokens exist already
  Result<std::string> op = center->issue_token(operator_, "", "ops");
  ASSERT_TRUE(op.is_ok());
  const int64_t op_id = list_tokens(*store, operator_)->back().id;
  Status last = revoke_token(*store, operator_, op_id);
  ASSERT_FALSE(last.is_ok());
  EXPECT_NE(last.message().find("the last operator token"), std::string::npos);
}

TEST_F(CenterTest, HostileAndBadSubmissionsChangeNothing) {
  const auto rejected = [&](SubmitRequest r, const std::string& needle) {
    Result<JobRow> job = center->submit(univ_, r);
    ASSERT_FALSE(job.is_ok()) << needle;
    EXPECT_NE(job.status().message().find(needle), std::string::npos) << job.status().message();
  };
  SubmitRequest r = request("npu:rngd:1", "10", 10);
  r.tenant = "x' OR '1'='1";
  rejected(r, "--tenant");
  r.tenant = "univ-vision'; DROP TABLE jobs; --";
  rejected(r, "--tenant");
  rejected(request("npu:rngd:99999999999", "10", 10), "--gres");
  rejected(request("npu:rngd:17", "10", 10), "the center has 16");
  rejected(request("npu:h100:1", "10", 10), "no such device type in this center (it has npu:atom, npu:rngd)");
  rejected(request("npu:rngd:1", "99999999:00:00", 10), "--time");
  rejected(request("npu:rngd:1", "1-2-3", 10), "--time");
  r = request("npu:rngd:1", "10", 10);
  r.nodes = 0;
  rejected(r, "--nodes");
  r.nodes = int64_t{1} << 40;
  rejected(r, "--nodes");
  // 12 cards fit the center's 16, but only two nodes carry RNGD cards: refused before Slurm sees it.
  r = request("npu:rngd:4", "10", 10);
  r.nodes = 3;
  rejected(r, "the cluster has 2 node(s) with 4 or more npu:rngd cards");
  r = request("npu:rngd:1", "10", 10);
  r.script = "#!/bin/bash\n#SBATCH --gres=npu:rngd:16\nsleep 1\n";
  rejected(r, "job.sh: line 2");
  EXPECT_EQ(backend->submit_count(), 0u);
  EXPECT_TRUE(store->jobs(false)->empty());

  // SQL-looking names are data: stored and shown verbatim, the tables intact.
  r = request("npu:rngd:1", "10", 10);
  r.job_name = "'; DROP TABLE jobs; --";
  Result<JobRow> job = center->submit(univ_, r);
  ASSERT_TRUE(job.is_ok()) << job.status().to_string();
  EXPECT_EQ((*center->queue(univ_, true))[0].name, "'; DROP TABLE jobs; --");
  EXPECT_EQ(backend->spec(*job->slurm_id)->name, fmt::format("bg-{}", raw(job->id)));
}

TEST_F(CenterTest, ClusterRefusalIsRecordedAndHoldsNothing) {
  backend->fail_next_submit(io_error("sbatch failed (exit 1): Invalid account"));
  Result<JobRow> job = center->submit(univ_, request("npu:rngd:4", "10", 10));
  ASSERT_FALSE(job.is_ok());
  EXPECT_NE(job.status().message().find("the cluster refused the job: sbatch failed"), std::string::npos);
  std::vector<JobRow> rows = *store->jobs(false);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].state, "REJECTED");
  EXPECT_TRUE(center->submit(univ_, request("npu:rngd:4", "10", 10)).is_ok());  // quota not held by it

  backend->set_unavailable(io_error("squeue failed (exit 1): Unable to contact slurm controller"));
  EXPECT_FALSE(center->queue(univ_, false).is_ok());
  backend->set_unavailable(Status::ok());
  EXPECT_TRUE(center->queue(univ_, false).is_ok());
}

TEST_F(CenterTest, InterruptedSubmissionsAreRecoveredOrGivenUp) {
  // A submitter stored its job and sent it to Slurm, then died before recording the Slurm id.
  NewJob job;
  job.tenant = store->tenants()->at(2).id;  // univ-vision
  job.name = "interrupted";
  job.device_type = "RNGD";
  job.gres = {"npu", "rngd", 1};
  job.time_limit_s = 600;
  job.reserved_device_hours = 600 / 3600.0;
  job.script = "#!/bin/sh\nsleep 60\n";
  job.submitted_s = clock.now_s();
  CenterJobId sent = *store->insert_job(job);
  SubmitSpec spec;
  spec.name = fmt::format("bg-{}", raw(sent));
  spec.account = "univ-vision";
  spec.gres = job.gres;
  spec.time_limit_s = 600;
  spec.script = job.script;
  ASSERT_TRUE(backend->submit(spec).is_ok());
  // Another died before reaching Slurm.
  CenterJobId lost = *store->insert_job(job);
  Result<SyncReport> report = center->sync();
  ASSERT_TRUE(report.is_ok());
  EXPECT_EQ(report->recovered, 1u);
  EXPECT_EQ(report->lost, 0u);  // not yet given up
  EXPECT_TRUE((*store->job(sent))->slurm_id.has_value());
  clock.advance(200);
  report = center->sync();
  EXPECT_EQ(report->lost, 1u);
  EXPECT_EQ((*store->job(lost))->state, "REJECTED");
  EXPECT_EQ(report->charged, 1u);  // the recovered one ran its 60 s
}

TEST_F(CenterTest, SlurmIdsReusedAfterTheControllerLostItsStateAreNotConfused) {
  JobRow a = *center->submit(univ_, request("npu:rngd:1", "10", 60));
  clock.advance(100);
  ASSERT_EQ(center->sync()->charged, 1u);
  JobRow b = *center->submit(univ_, request("npu:rngd:1", "10", 600));
  clock.advance(10);
  ASSERT_TRUE(center->sync().is_ok());
  // The controller restarts with an empty state: job ids start again at 1, and b is gone from it.
  backend.emplace(testing::fake_nodes(), clock);
  JobRow c = *center->submit(univ_, request("npu:rngd:1", "10", 30));
  JobRow d = *center->submit(startup_, request("npu:atom:1", "10", 300));
  EXPECT_EQ(c.slurm_id, a.slurm_id);
  EXPECT_EQ(d.slurm_id, b.slurm_id);
  clock.advance(60);  // c ends after 30 s; d runs
  ASSERT_TRUE(center->sync().is_ok());
  EXPECT_EQ((*store->job(c.id))->state, "COMPLETED");
  EXPECT_TRUE((*store->job(c.id))->charged);
  EXPECT_EQ((*store->job(d.id))->state, "RUNNING");
  // b's id now names d: b takes nothing of d's state, and d's end is charged to d alone.
  EXPECT_EQ((*store->job(b.id))->state, "RUNNING");  // last known; its record was lost with the controller
  clock.advance(300);
  ASSERT_TRUE(center->sync().is_ok());
  EXPECT_TRUE((*store->job(d.id))->charged);
  EXPECT_FALSE((*store->job(b.id))->charged);
  std::vector<UsageRow> usage = *center->usage(operator_);
  ASSERT_EQ(usage.size(), 3u);
  EXPECT_EQ(usage[2].job, d.id);
  EXPECT_EQ(usage[2].elapsed_s, 300);
  // A Slurm id names the latest job that had it.
  JobRow e = *center->submit(univ_, request("npu:rngd:1", "10", 300));
  Result<JobRow> cancelled = center->cancel(univ_, *e.slurm_id);
  ASSERT_TRUE(cancelled.is_ok()) << cancelled.status().to_string();
  EXPECT_EQ(cancelled->id, e.id);
}

// --- The center's own scheduling: jobs reach Slurm held; the policy pass releases them.

// Schedule (seconds from the start), the same under both policies up to t=400:
//   t=0    univ-vision U0   rngd:2, 60 min limit, runs 2400 s       (univ's fair-share usage: 4,800 device-s)
//   t=2400 startup-speech S rngd:8 × 2 nodes, 5 min, runs 100 s     (startup's: 1,600 device-s)
//   t=2410 univ-vision A    rngd:2, 10 min, runs 60 s               (queued behind S)
//   t=2420 startup-speech B rngd:8 × 2 nodes, 10 min, runs 60 s     (queued behind S; needs the whole RNGD pool)
// When S ends (t=2500): fifo starts A (submitted first), then B when A ends (2560); multifactor's fair share
// puts B (startup used less) before A: B at 2500, A at 2560.
struct FairShareRun {
  int64_t a_start = -1, b_start = -1;
};

class CenterPolicyTest : public CenterTest {
 protected:
  FairShareRun run_fair_share_scenario(const std::string& policy) {
    EXPECT_TRUE(set_scheduling(*store, policy, 7 * 86400.0).is_ok());
    FairShareRun run;
    Result<JobRow> u0 = center->submit(univ_, request("npu:rngd:2", "60", 2400));
    EXPECT_TRUE(u0.is_ok()) << u0.status().to_string();
    clock.advance(2400);
    SubmitRequest blocker = request("npu:rngd:8", "5", 100);
    blocker.nodes = 2;
    Result<JobRow> s = center->submit(startup_, blocker);
    EXPECT_TRUE(s.is_ok()) << s.status().to_string();
    clock.advance(10);
    Result<JobRow> a = center->submit(univ_, request("npu:rngd:2", "10", 60));
    EXPECT_TRUE(a.is_ok()) << a.status().to_string();
    clock.advance(10);
    SubmitRequest big = request("npu:rngd:8", "10", 60);
    big.nodes = 2;
    Result<JobRow> b = center->submit(startup_, big);
    EXPECT_TRUE(b.is_ok()) << b.status().to_string();
    if (!a.is_ok() || !b.is_ok()) return run;
    // Both wait, held by the center, not by Slurm's resources.
    for (SlurmJobId id : {*a->slurm_id, *b->slurm_id}) {
      const std::optional<JobRow> row = *store->job_by_slurm_id(id);
      EXPECT_EQ(row->state, "PENDING");
      EXPECT_FALSE(row->released_s.has_value());
      EXPECT_TRUE(row->queue_position.has_value());
    }
    // A periodic tick, once a second.
    for (int t = 0; t < 300; ++t) {
      clock.advance(1);
      EXPECT_TRUE(center->sync().is_ok());
    }
    run.a_start = store->job(a->id)->value().start_s.value_or(-1) - kStart;
    run.b_start = store->job(b->id)->value().start_s.value_or(-1) - kStart;
    return run;
  }
};

TEST_F(CenterPolicyTest, FifoStartsInSubmissionOrder) {
  const FairShareRun run = run_fair_share_scenario("fifo");
  EXPECT_EQ(run.a_start, 2500);
  EXPECT_EQ(run.b_start, 2560);
}

TEST_F(CenterPolicyTest, FairSharePutsTheLighterTenantFirst) {
  const FairShareRun run = run_fair_share_scenario("multifactor");
  EXPECT_EQ(run.b_start, 2500);
  EXPECT_EQ(run.a_start, 2560);
}

TEST_F(CenterPolicyTest, HeavierUsageDecaysAwayWithAShortHalfLife) {
  // The same scenario with a 60 s half-life: univ's usage from t=0..2400 has decayed to almost nothing by 2500,
  // while startup's S ran until then: now univ is the lighter tenant and A goes first.
  EXPECT_TRUE(set_scheduling(*store, "multifactor", 60.0).is_ok());
  Result<JobRow> u0 = center->submit(univ_, request("npu:rngd:2", "60", 2400));
  ASSERT_TRUE(u0.is_ok());
  clock.advance(2400);
  SubmitRequest blocker = request("npu:rngd:8", "5", 100);
  blocker.nodes = 2;
  ASSERT_TRUE(center->submit(startup_, blocker).is_ok());
  clock.advance(10);
  Result<JobRow> a = center->submit(univ_, request("npu:rngd:2", "10", 60));
  clock.advance(10);
  SubmitRequest big = request("npu:rngd:8", "10", 60);
  big.nodes = 2;
  Result<JobRow> b = center->submit(startup_, big);
  ASSERT_TRUE(a.is_ok() && b.is_ok());
  clock.advance(80);
  ASSERT_TRUE(center->sync().is_ok());
  EXPECT_EQ(store->job(a->id)->value().start_s.value_or(-1) - kStart, 2500);
  EXPECT_FALSE(store->job(b->id)->value().start_s.has_value());
}

TEST_F(CenterPolicyTest, SettingsAreCheckedAndKept) {
  EXPECT_EQ(scheduling_settings(*store)->policy, "multifactor");  // the default
  Status bad = set_scheduling(*store, "lottery", 60.0);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.message().find("--policy: unknown policy 'lottery'"), std::string::npos) << bad.message();
  EXPECT_FALSE(set_scheduling(*store, "fifo", 0.0).is_ok());
  EXPECT_FALSE(set_scheduling(*store, "fifo", -5.0).is_ok());
  EXPECT_FALSE(set_scheduling(*store, "fifo", std::nan("")).is_ok());
  EXPECT_EQ(scheduling_settings(*store)->policy, "multifactor");  // refused settings change nothing
  ASSERT_TRUE(set_scheduling(*store, "easy", 3600.0).is_ok());
  EXPECT_EQ(scheduling_settings(*store)->policy, "easy");
  EXPECT_EQ(scheduling_settings(*store)->usage_half_life_s, 3600.0);
  ASSERT_TRUE(store->set_setting("usage_half_life_s", "soon").is_ok());
  Result<SchedulingSettings> corrupt = scheduling_settings(*store);
  ASSERT_FALSE(corrupt.is_ok());
  EXPECT_NE(corrupt.status().message().find("usage_half_life_s = 'soon'"), std::string::npos);
}

// Queue position and predicted start for every waiting job, from the policy run forward; then predicted against
// actual. No history: the center expects each job to run its whole limit (5 min), and these do.
//   t=0  J1 rngd:8 × 2 nodes (the whole pool) runs 300 s
//   t=10 J2 rngd:8           predicted 300 (J1 ends), position 1
//   t=20 J3 rngd:8 × 2       predicted 600 (after J2), position 2
TEST_F(CenterPolicyTest, QueuePositionAndEtaFromThePolicyRunForward) {
  ASSERT_TRUE(set_scheduling(*store, "fifo", 86400.0).is_ok());
  SubmitRequest whole = request("npu:rngd:8", "5", 300);
  whole.nodes = 2;
  Result<JobRow> j1 = center->submit(startup_, whole);
  clock.advance(10);
  Result<JobRow> j2 = center->submit(startup_, request("npu:rngd:8", "5", 300));
  clock.advance(10);
  Result<JobRow> j3 = center->submit(startup_, whole);
  ASSERT_TRUE(j1.is_ok() && j2.is_ok() && j3.is_ok());
  std::vector<JobRow> queue = *center->queue(startup_, false);
  ASSERT_EQ(queue.size(), 3u);
  EXPECT_EQ(queue[0].state, "RUNNING");
  EXPECT_FALSE(queue[0].queue_position.has_value());
  EXPECT_EQ(queue[1].queue_position, 1);
  EXPECT_EQ(queue[1].eta_s, kStart + 300);
  EXPECT_EQ(queue[1].eta_submit_s, kStart + 300);
  EXPECT_EQ(queue[2].queue_position, 2);
  EXPECT_EQ(queue[2].eta_s, kStart + 600);
  // The tenant of another project sees none of it.
  EXPECT_TRUE(center->queue(univ_, false)->empty());

  clock.advance(280);  // t=300: J1 ends, J2 starts on its predicted second, on the node the placement chose
  ASSERT_TRUE(center->sync().is_ok());
  const JobRow started = store->job(j2->id)->value();
  EXPECT_EQ(started.state, "RUNNING");
  EXPECT_EQ(started.start_s, kStart + 300);
  EXPECT_EQ(started.planned_nodes, "rngd1");
  EXPECT_EQ(backend->required_nodes(*j2->slurm_id), "rngd1");
  EXPECT_EQ(store->job(j3->id)->value().queue_position, 1);
  clock.advance(300);
  ASSERT_TRUE(center->sync().is_ok());
  clock.advance(300);
  Result<EtaAccuracy> accuracy = center->eta_accuracy(startup_);
  ASSERT_TRUE(accuracy.is_ok()) << accuracy.status().to_string();
  ASSERT_EQ(accuracy->samples.size(), 3u);
  EXPECT_EQ(accuracy->median_error_s, 0.0);
  EXPECT_EQ(accuracy->p90_error_s, 0.0);
  EXPECT_EQ(accuracy->waited_jobs, 2u);
  EXPECT_EQ(accuracy->median_error_pct_of_wait, 0.0);
}

TEST_F(CenterPolicyTest, EstimatesLearnFromTheTenantsCompletedJobs) {
  // A job that used half its limit teaches the center that this tenant's jobs run half their limit.
  ASSERT_TRUE(center->submit(startup_, request("npu:rngd:1", "10", 300)).is_ok());
  clock.advance(300);
  ASSERT_TRUE(center->sync().is_ok());
  const std::vector<JobRow> history = *store->jobs(false);
  JobRow next = history[0];
  next.id = CenterJobId{1000};
  next.time_limit_s = 1200;
  EXPECT_EQ(estimate_run_s(next, history), 600);
  next.tenant = history[0].tenant + 100;  // another tenant without history: the center's median
  EXPECT_EQ(estimate_run_s(next, history), 600);
  EXPECT_EQ(estimate_run_s(next, {}), 1200);  // no history at all: the whole limit
  // The same tenant and limit again: the mean of the last two such jobs' run times (300 and 101 → 201).
  ASSERT_TRUE(center->submit(startup_, request("npu:rngd:1", "10", 101)).is_ok());
  clock.advance(200);
  ASSERT_TRUE(center->sync().is_ok());
  const std::vector<JobRow> more = *store->jobs(false);
  JobRow again = more[0];
  again.id = CenterJobId{1001};
  EXPECT_EQ(estimate_run_s(again, more), 201);
  again.time_limit_s = 1200;  // another limit: the median share (0.5 and 0.168 → 0.334) × 1200
  EXPECT_EQ(estimate_run_s(again, more), 401);
}

TEST_F(CenterPolicyTest, DrainedNodesAreLeftOutAndRestartedCentersContinue) {
  ASSERT_TRUE(set_scheduling(*store, "fifo", 86400.0).is_ok());
  backend->set_node_usable("rngd1", false);
  Result<JobRow> j1 = center->submit(startup_, request("npu:rngd:8", "5", 300));
  Result<JobRow> j2 = center->submit(startup_, request("npu:rngd:8", "5", 300));
  ASSERT_TRUE(j1.is_ok() && j2.is_ok());
  EXPECT_EQ(store->job(j1->id)->value().planned_nodes, "rngd2");
  EXPECT_EQ(store->job(j1->id)->value().state, "RUNNING");
  EXPECT_FALSE(store->job(j2->id)->value().released_s.has_value());  // rngd1 takes no jobs: J2 waits
  EXPECT_EQ(store->job(j2->id)->value().eta_s, kStart + 300);

  // The center stops; another process opens the same store: J2 is still held, and its first pass releases it
  // once J1 has ended.
  center.reset();
  center.emplace(*store, *backend, clock, center_options());
  ASSERT_TRUE(center->sync().is_ok());
  EXPECT_FALSE(store->job(j2->id)->value().released_s.has_value());
  clock.advance(300);
  ASSERT_TRUE(center->sync().is_ok());
  EXPECT_EQ(store->job(j2->id)->value().start_s, kStart + 300);

  // A center stopped between storing a release and telling Slurm: the next pass tells Slurm.
  backend->set_node_usable("rngd1", true);
  Result<JobRow> j3 = center->submit(startup_, request("npu:rngd:8", "5", 300));
  Result<JobRow> j4 = center->submit(startup_, request("npu:rngd:8", "5", 300));
  ASSERT_TRUE(j3.is_ok() && j4.is_ok());
  const JobRow held = store->job(j4->id)->value();
  ASSERT_FALSE(held.released_s.has_value());
  ASSERT_TRUE(store->set_released(held.id, clock.now_s(), "").is_ok());
  clock.advance(300);  // J2 and J3 end: J4 fits
  ASSERT_TRUE(center->sync().is_ok());
  ASSERT_TRUE(center->sync().is_ok());
  EXPECT_EQ(store->job(j4->id)->value().state, "RUNNING");
}

TEST_F(CenterPolicyTest, SlurmUnavailableDuringThePassLeavesJobsHeld) {
  Result<JobRow> j1 = center->submit(startup_, request("npu:rngd:8", "5", 300));
  ASSERT_TRUE(j1.is_ok());
  backend->set_unavailable(io_error("squeue: error: slurm_load_jobs error: Unable to contact slurm controller"));
  Result<JobRow> j2 = center->submit(startup_, request("npu:rngd:8", "5", 300));
  EXPECT_FALSE(j2.is_ok());  // admission needs Slurm's states
  EXPECT_FALSE(center->sync().is_ok());
  backend->set_unavailable(Status::ok());
  ASSERT_TRUE(center->sync().is_ok());
  EXPECT_EQ(store->job(j1->id)->value().state, "RUNNING");
}

TEST_F(CenterPolicyTest, WithoutSchedulingAtSubmissionTheNextSyncDecidesForAllTogether) {
  // Two jobs submitted in the same second want the same 8 cards of rngd2 (rngd1 is drained): fifo started at each
  // submission would also give the first; what matters is that neither starts before the sync.
  CenterOptions options = center_options();
  options.schedule_on_submit = false;
  center.emplace(*store, *backend, clock, options);
  ASSERT_TRUE(set_scheduling(*store, "multifactor", 86400.0).is_ok());
  backend->set_node_usable("rngd1", false);
  Result<JobRow> first = center->submit(univ_, request("npu:rngd:4", "5", 100));
  Result<JobRow> second = center->submit(startup_, request("npu:rngd:8", "5", 100));
  ASSERT_TRUE(first.is_ok() && second.is_ok());
  EXPECT_EQ(first->state, "PENDING");
  EXPECT_FALSE(first->released_s.has_value());
  EXPECT_EQ(backend->spec(*first->slurm_id)->hold, true);
  Result<SyncReport> report = center->sync();
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_EQ(report->released, 1u);
  EXPECT_EQ(store->job(first->id)->value().state, "RUNNING");
  EXPECT_EQ(store->job(second->id)->value().queue_position, 1);
}

TEST(FakeBackend, NodeListsAndInventory) {
  SimulatedClock clock(kStart);
  FakeBackend backend({{"rngd1", "npu", "rngd", 8}, {"rngd2", "npu", "rngd", 8}}, clock);
  SubmitSpec spec;
  spec.name = "bg-1";
  spec.gres = {"npu", "rngd", 3};
  spec.time_limit_s = 60;
  spec.script = "sleep 30\n";
  spec.hold = true;
  Result<SlurmJobId> id = backend.submit(spec);
  ASSERT_TRUE(id.is_ok());
  EXPECT_FALSE(backend.set_node_list(*id, "rngd9").is_ok());    // no such node
  EXPECT_FALSE(backend.set_node_list(*id, "rngd[2-").is_ok());  // unreadable list
  ASSERT_TRUE(backend.set_node_list(*id, "rngd[2]").is_ok());
  ASSERT_TRUE(backend.release(*id).is_ok());
  std::vector<BackendJob> jobs = *backend.list_jobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].node_list, "rngd2");
  EXPECT_FALSE(backend.set_node_list(*id, "rngd1").is_ok());  // no longer pending
  std::vector<BackendNode> nodes = *backend.nodes();
  ASSERT_EQ(nodes.size(), 2u);
  EXPECT_EQ(nodes[0].gres[0].used, 0u);
  EXPECT_EQ(nodes[1].gres[0].used, 3u);
  EXPECT_EQ(nodes[1].state, "mixed");
  backend.set_node_usable("rngd1", false);
  EXPECT_FALSE(backend.nodes()->at(0).usable);
}

TEST(FakeBackend, NodesJoinAndLeave) {
  SimulatedClock clock(kStart);
  FakeBackend backend({{"rngd1", "npu", "rngd", 8}, {"atom1", "npu", "atom", 8}}, clock);
  EXPECT_FALSE(backend.add_node({"rngd1", "npu", "rngd", 8}).is_ok());  // already there
  ASSERT_TRUE(backend.add_node({"rngd2", "npu", "rngd", 4}).is_ok());
  SubmitSpec spec;
  spec.name = "bg-1";
  spec.gres = {"npu", "atom", 2};
  spec.time_limit_s = 60;
  spec.script = "sleep 30\n";
  ASSERT_TRUE(backend.submit(spec).is_ok());  // runs on atom1
  EXPECT_FALSE(backend.remove_node("atom1").is_ok());  // runs a job
  EXPECT_FALSE(backend.remove_node("rngd9").is_ok());
  ASSERT_TRUE(backend.remove_node("rngd1").is_ok());
  std::vector<BackendNode> nodes = *backend.nodes();
  ASSERT_EQ(nodes.size(), 2u);
  EXPECT_EQ(nodes[0].name, "atom1");
  EXPECT_EQ(nodes[0].gres[0].used, 2u);  // the running job's cards stay on its node
  EXPECT_EQ(nodes[1].name, "rngd2");
  EXPECT_EQ(nodes[1].gres[0].count, 4u);
  clock.advance(30);
  EXPECT_EQ(backend.nodes()->at(0).gres[0].used, 0u);
  EXPECT_TRUE(backend.remove_node("atom1").is_ok());
}

// --- Concurrency: the center calls the fake cluster through a gate (npu_slurm/testing.h). A call of the kind a test
// closes does its work, then waits until the test opens the gate, as a slow sbatch, squeue or sinfo would. Another
// process on the same store (`npu cancel` while `npu serve` runs) is a second store connection and Center.

using Call = testing::GatedBackend::Call;

class CenterGatedTest : public CenterTest {
 protected:
  void SetUp() override {
    Status started = start("npu_slurm_center_gated", {.gated = true});
    ASSERT_TRUE(started.is_ok()) << started.to_string();
    operator_ = operator_principal();
    univ_ = login("univ-vision");
    startup_ = login("startup-speech");
    lab_ = login("lab-open");
  }

  // A second process on the same store and cluster; `schedule_on_submit` as its command line says.
  void start_other_process(bool schedule_on_submit) {
    Result<CenterStore> opened = CenterStore::open((dir / "center.sqlite").string(), false);
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    other_store_.emplace(std::move(*opened));
    CenterOptions options = center_options();
    options.schedule_on_submit = schedule_on_submit;
    other_.emplace(*other_store_, *gate, clock, options);
  }

  // Opens the gate when it goes, before the futures declared ahead of it wait for their calls.
  struct OpenOnExit {
    testing::GatedBackend& gate;
    ~OpenOnExit() { gate.open(); }
  };

  void TearDown() override {
    other_.reset();
    other_store_.reset();
  }

  Principal lab_;
  std::optional<CenterStore> other_store_;
  std::optional<Center> other_;
};

TEST_F(CenterGatedTest, AStaleSqueueAnswerNeverOverwritesACancellationAnotherProcessCharged) {
  start_other_process(true);
  // lab-open fills both RNGD nodes for 100 s; univ-vision's job J waits for them, held by the center.
  SubmitRequest blocker = request("npu:rngd:8", "10", 100);
  blocker.nodes = 2;
  ASSERT_TRUE(center->submit(lab_, blocker).is_ok());
  Result<JobRow> j = center->submit(univ_, request("npu:rngd:2", "60", 1800));
  ASSERT_TRUE(j.is_ok()) << j.status().to_string();
  ASSERT_EQ(j->state, "PENDING");
  clock.advance(100);  // the blocker ends

  // The sync charges the blocker and releases J (Slurm starts it); its second squeue — J RUNNING — is taken, then
  // waits at the gate before the sync commits it.
  gate->close(Call::kListJobs, 1);
  std::future<Result<SyncReport>> synced = std::async(std::launch::async, [&] { return center->sync(); });
  const OpenOnExit open_on_exit{*gate};
  ASSERT_EQ(gate->wait_until_held(), Call::kListJobs);
  // Meanwhile the other process cancels J; its own sync charges it, CANCELLED.
  Result<JobRow> cancelled = other_->cancel(univ_, *j->slurm_id);
  ASSERT_TRUE(cancelled.is_ok()) << cancelled.status().to_string();
  EXPECT_EQ(cancelled->state, "CANCELLED");
  EXPECT_TRUE(cancelled->charged);
  gate->open();
  Result<SyncReport> report = synced.get();
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_EQ(report->released, 1u);

  // The stale "RUNNING" was not written over the charge: J stays CANCELLED, charged once, and stays so.
  JobRow after = **store->job(j->id);
  EXPECT_EQ(after.state, "CANCELLED");
  EXPECT_TRUE(after.charged);
  ASSERT_TRUE(center->sync().is_ok());
  EXPECT_EQ((*store->job(j->id))->state, "CANCELLED");
  EXPECT_EQ(center->stored_usage(operator_)->size(), 2u);
}

TEST_F(CenterGatedTest, APassNeverReleasesAJobAnotherProcessCancelledMeanwhile) {
  start_other_process(false);
  // The other process submits W without a pass: W waits, held, for the next sync to decide.
  Result<JobRow> w = other_->submit(univ_, request("npu:rngd:2", "60", 600));
  ASSERT_TRUE(w.is_ok()) << w.status().to_string();
  ASSERT_EQ(w->state, "PENDING");
  ASSERT_FALSE(w->released_s.has_value());

  // The serving center's pass has read W as held and waits for sinfo.
  gate->close(Call::kNodes);
  std::future<Result<SyncReport>> synced = std::async(std::launch::async, [&] { return center->sync(); });
  const OpenOnExit open_on_exit{*gate};
  ASSERT_EQ(gate->wait_until_held(), Call::kNodes);
  ASSERT_TRUE(other_->cancel(univ_, *w->slurm_id).is_ok());
  gate->open();
  Result<SyncReport> report = synced.get();
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();

  // The pass would have started W now; the re-check found it cancelled, so nothing was released.
  EXPECT_EQ(report->released, 0u);
  EXPECT_EQ(gate->calls(Call::kRelease), 0u);
  const JobRow after = **store->job(w->id);
  EXPECT_EQ(after.state, "CANCELLED");
  EXPECT_FALSE(after.released_s.has_value());
  EXPECT_TRUE(after.charged);
}

TEST_F(CenterGatedTest, ASubmissionAnotherProcessRecoveredDuringSbatchStands) {
  start_other_process(true);
  // sbatch has queued the job but not returned; the other process's sync finds it in Slurm by its name.
  gate->close(Call::kSubmit);
  std::future<Result<JobRow>> submitted =
      std::async(std::launch::async, [&] { return center->submit(univ_, request("npu:rngd:2", "60", 600)); });
  const OpenOnExit open_on_exit{*gate};
  ASSERT_EQ(gate->wait_until_held(), Call::kSubmit);
  Result<SyncReport> report = other_->sync();
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_EQ(report->recovered, 1u);
  gate->open();
  // The submitter finds its own Slurm id recorded: the submission stands.
  Result<JobRow> job = submitted.get();
  ASSERT_TRUE(job.is_ok()) << job.status().to_string();
  EXPECT_EQ(job->state, "RUNNING");
  EXPECT_EQ(backend->submit_count(), 1u);
}

TEST_F(CenterGatedTest, ASubmissionAnotherProcessGaveUpAsLostIsCancelledInSlurm) {
  start_other_process(true);
  // sbatch has not reached the controller when the other process's sync, past the 120 s grace, gives the job up.
  gate->close(Call::kSubmit, 0, /*before=*/true);
  std::future<Result<JobRow>> submitted =
      std::async(std::launch::async, [&] { return center->submit(univ_, request("npu:rngd:2", "60", 600)); });
  const OpenOnExit open_on_exit{*gate};
  ASSERT_EQ(gate->wait_until_held(), Call::kSubmit);
  clock.advance(center_options().lost_submission_s + 1);
  Result<SyncReport> report = other_->sync();
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_EQ(report->lost, 1u);
  gate->open();
  // sbatch then queues it, but the store says REJECTED: the submitter cancels it in Slurm and says so.
  Result<JobRow> job = submitted.get();
  ASSERT_FALSE(job.is_ok());
  EXPECT_NE(job.status().message().find("given up as lost while sbatch ran; Slurm job 1 cancelled, submit again"),
            std::string::npos)
      << job.status().message();
  const std::vector<BackendJob> live = *backend->list_jobs();
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].state, JobState::kCancelled);
  const std::vector<JobRow> rows = *store->jobs(false);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].state, "REJECTED");
  EXPECT_EQ(rows[0].reason, "lost: never reached the cluster");
}

TEST_F(CenterGatedTest, ReadsAndTokensAreAnsweredWhileSbatchRuns) {
  gate->close(Call::kSubmit);
  std::future<Result<JobRow>> submitted =
      std::async(std::launch::async, [&] { return center->submit(univ_, request("npu:rngd:2", "60", 600)); });
  const OpenOnExit open_on_exit{*gate};
  ASSERT_EQ(gate->wait_until_held(), Call::kSubmit);
  Result<std::vector<JobRow>> jobs = center->stored_jobs(univ_, true);
  ASSERT_TRUE(jobs.is_ok());
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ((*jobs)[0].state, "SUBMITTING");
  EXPECT_TRUE(center->stored_job(univ_, (*jobs)[0].id).is_ok());
  EXPECT_FALSE(center->stored_job(startup_, (*jobs)[0].id).is_ok());  // another tenant's
  EXPECT_TRUE(center->stored_usage(univ_).is_ok());
  EXPECT_TRUE(center->stored_tenants(univ_).is_ok());
  EXPECT_TRUE(center->stored_eta_accuracy(univ_).is_ok());
  Result<std::string> token = center->issue_token(operator_, "startup-speech", "while sbatch runs");
  ASSERT_TRUE(token.is_ok());
  EXPECT_TRUE(center->authenticate(*token).is_ok());
  EXPECT_EQ(submitted.wait_for(std::chrono::seconds(0)), std::future_status::timeout);  // the gate is closed
  gate->open();
  Result<JobRow> job = submitted.get();
  ASSERT_TRUE(job.is_ok()) << job.status().to_string();
  EXPECT_EQ(job->state, "RUNNING");
}

TEST_F(CenterGatedTest, AdmissionUsesThePassesInventoryAndSeesNodeChangesAfterARefresh) {
  // 4 cards on each of 3 nodes: the cluster has 2 RNGD nodes. The first submission takes the inventory itself.
  SubmitRequest wide = request("npu:rngd:4", "10", 60);
  wide.nodes = 3;
  const auto refused = [&](const SubmitRequest& r, uint32_t nodes) {
    Result<JobRow> job = center->submit(lab_, r);
    ASSERT_FALSE(job.is_ok());
    EXPECT_EQ(job.status().message(),
              fmt::format("rejected: --nodes 3 with --gres npu:rngd:4, but the cluster has {} node(s) with 4 or more "
                          "npu:rngd cards (at most 8 per node)",
                          nodes));
  };
  refused(wide, 2);
  EXPECT_EQ(gate->calls(Call::kNodes), 1u);
  // A third RNGD node joins. Within a tick the inventory taken a moment ago still counts: no sinfo asked.
  ASSERT_TRUE(backend->add_node({"rngd3", "npu", "rngd", 8}).is_ok());
  refused(wide, 2);
  EXPECT_EQ(gate->calls(Call::kNodes), 1u);
  // Older than the tick, it is taken again: the node is seen and the job admitted (its pass asks sinfo too).
  clock.advance(center_options().inventory_max_age_s + 1);
  Result<JobRow> admitted = center->submit(lab_, wide);
  ASSERT_TRUE(admitted.is_ok()) << admitted.status().to_string();
  EXPECT_EQ(admitted->state, "RUNNING");
  EXPECT_EQ(gate->calls(Call::kNodes), 3u);
  // Later submissions use the pass's inventory: one sinfo each, the pass's own, none for admission.
  for (size_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(center->submit(lab_, request("npu:atom:1", "10", 60)).is_ok());
    EXPECT_EQ(gate->calls(Call::kNodes), 4u + i) << i;
  }
  // The node leaves once idle. The next submission finds the inventory older than a tick and takes it again.
  clock.advance(60);
  ASSERT_TRUE(center->sync().is_ok());
  ASSERT_TRUE(backend->remove_node("rngd3").is_ok());
  SubmitRequest full = request("npu:rngd:8", "10", 60);
  full.nodes = 2;
  ASSERT_TRUE(center->submit(lab_, full).is_ok());
  refused(wide, 2);
}

}  // namespace
}  // namespace bitgoeul::npu_slurm
