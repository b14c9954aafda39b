using SignActors.Runtime.Federation;
using SignActors.Node.Replicas;
using SignActors.Server;
using SignActors.Server.Metrics;
using SignActors.Training.Faults;
using SignActors.Training.Runs;
using Xunit;

namespace SignActors.Tests.Federation;

/// <summary>
/// Whole federations in one ActorSystem, with verify-replicas on: the server stops a run the
/// moment any node's parameter hash differs from its own, so a completed run proves every
/// replica was bit-identical after every round. Runs use per-host replicas (the default); the
/// fault tests also run per node and must reach the same final hash, since both modes compute the
/// same math.
/// </summary>
[Collection("torch")]
public class FederationRunTests
{
    static (RunOutcome Outcome, IReadOnlyList<RoundMetrics> Rows) Run(RunContract spec, int computeThreads = 2, RunOptions? options = null, ReplicaMode replicas = ReplicaMode.PerHost) =>
        TinyFederation.RunRecorded(spec, options, computeThreads: computeThreads, serializeMessages: true, replicas: replicas);

    /// <summary>The same run with a replica per node: completes, with the per-host run's final hash.</summary>
    static void SameHashPerNode(RunContract spec, RunOutcome perHost, RunOptions? options = null)
    {
        var perNode = Run(spec, options: options, replicas: ReplicaMode.PerNode).Outcome;
        Assert.True(perNode.Completed, perNode.Message);
        Assert.Equal(perHost.FinalHash, perNode.FinalHash);
    }

    [Theory]
    [InlineData("signsgd", 3, 0.001)]
    [InlineData("signum", 3, 0.001)]
    [InlineData("sto-signsgd", 3, 0.001)]
    [InlineData("mvsm-v1", 4, 0.001)]
    [InlineData("mvsm-v2", 3, 0.001)]
    [InlineData("ssvr", 1, 0.001)]
    [InlineData("ssvr-mv", 3, 0.001)]
    [InlineData("ssdm", 3, 0.01)]
    [InlineData("scaled-signsgd", 3, 1e-8)]
    [InlineData("ef-signsgd", 3, 0.001)]
    [InlineData("lion", 1, 0.001)]
    [InlineData("lion-mv", 2, 0.001)]
    [InlineData("sgd", 3, 0.01)]
    [InlineData("sgdm", 3, 0.01)]
    [InlineData("adamw", 3, 0.001)]
    [InlineData("median-sgd", 3, 0.01)]
    [InlineData("trimmed-mean-sgd", 3, 0.01)]
    [InlineData("krum-sgd", 5, 0.01)]
    public void Every_preset_runs_with_replicas_bit_identical_after_every_round(string preset, int nodes, double eta)
    {
        var spec = TinyFederation.Spec(preset, nodes, rounds: 4, eta: eta);
        var (outcome, rows) = Run(spec, options: TinyFederation.Options(evalEvery: 2));
        Assert.True(outcome.Completed, outcome.Message);
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.Equal(nodes, r.Accepted));
        Assert.All(rows, r => Assert.True(double.IsFinite(r.TrainLoss)));
        Assert.NotNull(rows[1].Evaluation);
        Assert.Null(rows[2].Evaluation);
        Assert.NotNull(rows[3].Evaluation);
        Assert.Empty(outcome.Drops);
        SameHashPerNode(spec, outcome, TinyFederation.Options(evalEvery: 2));
    }

    [Fact]
    public void One_config_and_seed_give_the_same_metrics_and_final_hash_with_any_dispatcher_thread_count()
    {
        var spec = TinyFederation.Spec("mvsm-v2", nodes: 4, rounds: 5);
        var first = Run(spec, computeThreads: 1, options: TinyFederation.Options(evalEvery: 5));
        var second = Run(spec, computeThreads: 3, options: TinyFederation.Options(evalEvery: 5));
        Assert.True(first.Outcome.Completed && second.Outcome.Completed);
        Assert.Equal(first.Outcome.FinalHash, second.Outcome.FinalHash);
        Assert.Equal(first.Rows.Select(Deterministic), second.Rows.Select(Deterministic));

        var otherSeed = Run(spec with { Seed = spec.Seed + 1 });
        Assert.NotEqual(first.Outcome.FinalHash, otherSeed.Outcome.FinalHash);
    }

    /// <summary>A metrics row without its timing columns.</summary>
    // Timings vary, and so do late and repeated votes: a round slower than the adaptive resend
    // interval (busy CI cores) makes the server ask again, and the node's answering resend of its
    // vote arrives as repeated, or as late once the round has closed.
    static string Deterministic(RoundMetrics r) => (r with { WallMs = 0, ElapsedSeconds = 0, SlowestComputeMs = 0, TotalComputeMs = 0, CloseMs = 0, Late = 0, Repeated = 0 }).ToCsv();

    [Fact]
    public void A_diverging_run_stops_with_the_reason_instead_of_hanging()
    {
        var spec = TinyFederation.Spec("scaled-signsgd", nodes: 2, rounds: 30, eta: 10);
        var (outcome, rows) = Run(spec);
        Assert.False(outcome.Completed);
        Assert.Contains("training has diverged", outcome.Message);
        Assert.True(rows.Count < 30);
    }

    static FaultPlan Plan(params (int Node, NodeFaults Faults)[] nodes) => new(nodes.ToDictionary(n => n.Node, n => n.Faults), OmniscientSample: 60);

    [Fact]
    public void A_node_that_crashes_at_round_r_for_k_rounds_rejoins_by_snapshot_and_stays_bit_identical()
    {
        var spec = TinyFederation.Spec("signum", nodes: 3, rounds: 8) with { Faults = Plan((1, new NodeFaults(Crash: new CrashSpec(3, 2)))) };
        var (outcome, rows) = Run(spec);
        Assert.True(outcome.Completed, outcome.Message); // verify-replicas: the rejoined node matched the server every round
        Assert.Equal(new[] { 3, 3, 2, 2, 3, 3, 3, 3 }, rows.Select(r => r.Accepted));

        // Deterministic under wait-all: the same crash gives the same model.
        Assert.Equal(outcome.FinalHash, Run(spec, computeThreads: 1).Outcome.FinalHash);
        SameHashPerNode(spec, outcome); // per node the rejoined node syncs by snapshot; per host its host already holds x_t
    }

    [Fact]
    public void A_node_that_crashes_in_the_last_round_does_not_hold_up_the_end_of_the_run()
    {
        var spec = TinyFederation.Spec("signsgd", nodes: 3, rounds: 3) with { Faults = Plan((2, new NodeFaults(Crash: new CrashSpec(3, 5)))) };
        var (outcome, rows) = Run(spec);
        Assert.True(outcome.Completed, outcome.Message);
        Assert.Equal(new[] { 3, 3, 2 }, rows.Select(r => r.Accepted));
    }

    [Fact]
    public void A_straggler_that_misses_rounds_at_the_deadline_still_applies_every_broadcast()
    {
        var spec = TinyFederation.Spec("signsgd", nodes: 3, rounds: 6) with
        {
            Faults = Plan((2, new NodeFaults(Straggler: new StragglerSpec(1.0, DelayDistribution.Fixed, 3000)))),
            Policy = new RoundPolicy(RoundPolicyKind.Deadline, DeadlineMs: 400, MinQuorum: 2, MaxExtensions: 50),
        };
        var (outcome, rows) = Run(spec);
        Assert.True(outcome.Completed, outcome.Message); // node 2 applied every aggregate: its hashes matched
        Assert.All(rows, r => Assert.Equal(2, r.Accepted)); // its vote leaves 3 s after the 0.4 s deadline
        SameHashPerNode(spec, outcome);
    }

    [Theory]
    [InlineData(ByzantineAttack.SignFlip)]
    [InlineData(ByzantineAttack.Random)]
    [InlineData(ByzantineAttack.Colluding)]
    [InlineData(ByzantineAttack.Omniscient)]
    public void Byzantine_nodes_are_counted_and_the_honest_replicas_stay_bit_identical(ByzantineAttack attack)
    {
        var spec = TinyFederation.Spec("signsgd", nodes: 5, rounds: 3) with { Faults = Plan((0, new NodeFaults(Attack: attack)), (3, new NodeFaults(Attack: attack))) };
        var (outcome, rows) = Run(spec);
        Assert.True(outcome.Completed, outcome.Message);
        Assert.All(rows, r => Assert.Equal(2, r.Byzantine));
        Assert.All(rows, r => Assert.InRange(r.Agreement, 0, 1));
        // Two of five attack: where the three honest nodes agree, the majority still follows them.
        Assert.All(rows, r => Assert.True(r.Agreement > 0.5, $"agreement {r.Agreement}"));
        SameHashPerNode(spec, outcome);
    }

    [Theory]
    [InlineData(ByzantineAttack.Alie, "median-sgd")]
    [InlineData(ByzantineAttack.Ipm, "trimmed-mean-sgd")]
    [InlineData(ByzantineAttack.Alie, "signsgd")]
    public void Crafted_attackers_run_through_the_federation_with_bit_identical_replicas(ByzantineAttack attack, string preset)
    {
        var spec = TinyFederation.Spec(preset, nodes: 5, rounds: 3) with { Faults = Plan((0, new NodeFaults(Attack: attack)), (3, new NodeFaults(Attack: attack))) };
        var (outcome, rows) = Run(spec);
        Assert.True(outcome.Completed, outcome.Message); // every replica applied the aggregate of the crafted votes
        Assert.All(rows, r => Assert.Equal(2, r.Byzantine));
        SameHashPerNode(spec, outcome);
    }

    [Theory]
    [InlineData("mvsm-v1")]   // momentum, S_R with the automatic radius
    [InlineData("ssvr-mv")]   // STORM keeps x_t
    [InlineData("adamw")]     // optimizer state on every replica
    [InlineData("ef-signsgd")] // error-feedback residual
    [InlineData("lion-mv")]
    public void A_run_resumed_from_its_checkpoint_ends_with_the_uninterrupted_runs_hash(string preset)
    {
        string path = Path.Combine(Path.GetTempPath(), $"signactors-checkpoint-{Guid.NewGuid():N}.bin");
        var spec = TinyFederation.Spec(preset, nodes: 3, rounds: 7) with
        {
            Faults = Plan((1, new NodeFaults(Attack: ByzantineAttack.Colluding))), // the last broadcast is state too
        };
        var options = TinyFederation.Options() with { CheckpointEvery = 4, CheckpointPath = path, Fingerprint = "tiny" };
        var uninterrupted = Run(spec, options: options);
        Assert.True(uninterrupted.Outcome.Completed, uninterrupted.Outcome.Message);

        var checkpoint = Checkpoint.Read(path);
        Assert.Equal(4, checkpoint.Round);
        Assert.Equal(new[] { 0, 1, 2 }, checkpoint.Nodes.Keys.Order());
        var resumed = Run(spec, options: options with { ResumeFrom = checkpoint, CheckpointPath = path + ".2" });
        Assert.True(resumed.Outcome.Completed, resumed.Outcome.Message);
        Assert.Equal(new long[] { 5, 6, 7 }, resumed.Rows.Select(r => r.Round));
        Assert.Equal(uninterrupted.Outcome.FinalHash, resumed.Outcome.FinalHash);
        Assert.Equal(uninterrupted.Rows.Skip(4).Select(Deterministic), resumed.Rows.Select(Deterministic));
        SameHashPerNode(spec, uninterrupted.Outcome, options with { ResumeFrom = checkpoint, CheckpointPath = path + ".3" }); // the checkpoint is the same in either mode
        File.Delete(path);
        File.Delete(path + ".2");
        File.Delete(path + ".3");
    }

    [Fact]
    public void Under_client_sampling_only_the_drawn_nodes_vote_every_replica_applies_and_the_seed_fixes_the_draws()
    {
        var spec = TinyFederation.Spec("signum", nodes: 5, rounds: 6) with { Sampling = new ParticipationSpec(2) };
        var (outcome, rows) = Run(spec);
        Assert.True(outcome.Completed, outcome.Message); // verify-replicas: non-participants applied every aggregate too
        Assert.All(rows, r => Assert.Equal((2, 2), (r.Accepted, r.Participants)));
        Assert.All(rows, r => Assert.Equal(0, r.Rejected));
        var again = Run(spec, computeThreads: 1);
        Assert.Equal(outcome.FinalHash, again.Outcome.FinalHash);
        Assert.Equal(rows.Select(Deterministic), again.Rows.Select(Deterministic));
        Assert.NotEqual(outcome.FinalHash, Run(spec with { Sampling = null }).Outcome.FinalHash);
        Assert.All(Run(spec with { Sampling = null }).Rows, r => Assert.Equal(5, r.Participants));
    }

    [Fact]
    public void Client_sampling_resumes_bit_identically_and_survives_a_crash()
    {
        string path = Path.Combine(Path.GetTempPath(), $"signactors-checkpoint-{Guid.NewGuid():N}.bin");
        var spec = TinyFederation.Spec("ssvr-mv", nodes: 4, rounds: 7) with // STORM keeps x_{t−1} on non-participants too
        {
            Sampling = new ParticipationSpec(3),
            Faults = Plan((1, new NodeFaults(Crash: new CrashSpec(2, 2)))),
        };
        var options = TinyFederation.Options() with { CheckpointEvery = 4, CheckpointPath = path, Fingerprint = "tiny" };
        var uninterrupted = Run(spec, options: options);
        Assert.True(uninterrupted.Outcome.Completed, uninterrupted.Outcome.Message);
        Assert.All(uninterrupted.Rows.Where(r => r.Round is 2 or 3), r => Assert.Equal(3, r.Accepted)); // node 1 down: the other three
        var resumed = Run(spec, options: options with { ResumeFrom = Checkpoint.Read(path), CheckpointPath = path + ".2" });
        Assert.True(resumed.Outcome.Completed, resumed.Outcome.Message);
        Assert.Equal(uninterrupted.Outcome.FinalHash, resumed.Outcome.FinalHash);
        Assert.Equal(uninterrupted.Rows.Skip(4).Select(Deterministic), resumed.Rows.Select(Deterministic));
        SameHashPerNode(spec, uninterrupted.Outcome, options);
        SameHashPerNode(spec, uninterrupted.Outcome, options with { ResumeFrom = Checkpoint.Read(path), CheckpointPath = path + ".3" });
        File.Delete(path);
        File.Delete(path + ".2");
        File.Delete(path + ".3");
    }

    [Fact]
    public void A_damaged_checkpoint_is_a_clear_error_naming_the_file()
    {
        string path = Path.Combine(Path.GetTempPath(), $"signactors-checkpoint-{Guid.NewGuid():N}.bin");
        var spec = TinyFederation.Spec("signum", nodes: 2, rounds: 3);
        Assert.True(Run(spec, options: TinyFederation.Options() with { CheckpointEvery = 2, CheckpointPath = path, Fingerprint = "tiny" }).Outcome.Completed);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Read(path));
        Assert.StartsWith($"{path}: damaged checkpoint", e.Message);
        File.WriteAllBytes(path, new byte[] { 1, 2, 3, 4, 5 });
        Assert.Equal($"{path}: not a SignActors checkpoint", Assert.Throws<CheckpointException>(() => Checkpoint.Read(path)).Message);
        File.Delete(path);
        Assert.Equal($"{path}: checkpoint not found", Assert.Throws<CheckpointException>(() => Checkpoint.Read(path)).Message);
    }
}
