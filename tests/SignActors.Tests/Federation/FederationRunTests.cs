using SignActors.Host.Federation;
using SignActors.Server;
using SignActors.Server.Metrics;
using SignActors.Training.Runs;
using Xunit;

namespace SignActors.Tests.Federation;

/// <summary>
/// Whole federations in one ActorSystem, with verify-replicas on: the server stops a run the
/// moment any node's parameter hash differs from its own, so a completed run proves every
/// replica was bit-identical after every round.
/// </summary>
[Collection("torch")]
public class FederationRunTests
{
    static (RunOutcome Outcome, IReadOnlyList<RoundMetrics> Rows) Run(FederationSpec spec, int computeThreads = 2)
    {
        var recorder = new RecordingObserver();
        var outcome = InProcessFederation.Run(spec, TinyFederation.Train, TinyFederation.Test, TinyFederation.Shards(spec), recorder, computeThreads, torchThreads: 1, logLevel: "warning");
        return (outcome, recorder.Rows);
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
    public void Every_preset_runs_with_replicas_bit_identical_after_every_round(string preset, int nodes, double eta)
    {
        var spec = TinyFederation.Spec(preset, nodes, rounds: 4, eta: eta, evalEvery: 2);
        var (outcome, rows) = Run(spec);
        Assert.True(outcome.Completed, outcome.Message);
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.Equal(nodes, r.Accepted));
        Assert.All(rows, r => Assert.True(double.IsFinite(r.TrainLoss)));
        Assert.NotNull(rows[1].Evaluation);
        Assert.Null(rows[2].Evaluation);
        Assert.NotNull(rows[3].Evaluation);
        Assert.Empty(outcome.Drops);
    }

    [Fact]
    public void One_config_and_seed_give_the_same_metrics_and_final_hash_with_any_dispatcher_thread_count()
    {
        var spec = TinyFederation.Spec("mvsm-v2", nodes: 4, rounds: 5, evalEvery: 5);
        var first = Run(spec, computeThreads: 1);
        var second = Run(spec, computeThreads: 3);
        Assert.True(first.Outcome.Completed && second.Outcome.Completed);
        Assert.Equal(first.Outcome.FinalHash, second.Outcome.FinalHash);
        Assert.Equal(first.Rows.Select(Deterministic), second.Rows.Select(Deterministic));

        var otherSeed = Run(spec with { Seed = spec.Seed + 1 });
        Assert.NotEqual(first.Outcome.FinalHash, otherSeed.Outcome.FinalHash);
    }

    /// <summary>A metrics row without its timing columns.</summary>
    static string Deterministic(RoundMetrics r) => (r with { WallMs = 0, ElapsedSeconds = 0, SlowestComputeMs = 0, TotalComputeMs = 0 }).ToCsv();

    [Fact]
    public void A_diverging_run_stops_with_the_reason_instead_of_hanging()
    {
        var spec = TinyFederation.Spec("scaled-signsgd", nodes: 2, rounds: 30, eta: 10);
        var (outcome, rows) = Run(spec);
        Assert.False(outcome.Completed);
        Assert.Contains("training has diverged", outcome.Message);
        Assert.True(rows.Count < 30);
    }
}
