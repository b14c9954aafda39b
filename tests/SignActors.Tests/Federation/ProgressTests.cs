using SignActors.Runtime.Federation;
using SignActors.Server;
using SignActors.Server.Metrics;
using SignActors.Training.Algorithms;
using SignActors.Training.Data;
using SignActors.Training.Faults;
using SignActors.Training.Models;
using SignActors.Training.Runs;
using SignActors.Training.Schedules;
using Xunit;
using Xunit.Abstractions;

namespace SignActors.Tests.Federation;

/// <summary>
/// A small fixed problem every preset must make progress on: 10 classes of 1×8×8 images, each a
/// class prototype plus noise, 600 training records, the mlp (d = 26,122), label-skewed over the
/// nodes. Fixed seeds, so the bounds are exact facts about these runs, with margin.
/// </summary>
[Collection("torch")]
public class ProgressTests(ITestOutputHelper output)
{
    static readonly ImageSet Train = Problem(600, 1);

    /// <summary>Image i of class i mod 10: the class's fixed random pattern, plus uniform noise of ±48 grey levels.</summary>
    static ImageSet Problem(int count, int seed)
    {
        var prototypes = new Random(7);
        var patterns = Enumerable.Range(0, 10).Select(_ => Enumerable.Range(0, 64).Select(_ => prototypes.Next(40, 216)).ToArray()).ToArray();
        var noise = new Random(seed);
        var pixels = new byte[count * 64];
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = (byte)(i % 10);
            for (int k = 0; k < 64; k++) pixels[i * 64 + k] = (byte)Math.Clamp(patterns[i % 10][k] + noise.Next(-48, 49), 0, 255);
        }
        return new ImageSet("progress problem", new ImageShape(1, 8, 8), count, pixels, 0, 64, labels, 0, 1);
    }

    static (RunOutcome Outcome, IReadOnlyList<RoundMetrics> Rows) Run(RunContract spec, PartitionSpec? partition = null, int evalEvery = 0)
    {
        var shards = Partitioner.Assign(Train.Labels(), spec.Nodes, partition ?? PartitionSpec.LabelSkew(0), spec.Seed);
        return TinyFederation.RunRecorded(spec, new RunOptions(EvalEvery: evalEvery, ProbeRecords: 100, EvalBatchSize: 200), shards, Train, Train);
    }

    static RunContract Spec(string preset, int nodes, long rounds, double eta) =>
        new(Seed: 3, nodes, rounds, Presets.Resolve(preset, nodes), new ConstantSchedule(eta), ModelKind.Mlp, "cpu", BatchSize: 16, VerifyReplicas: false);

    /// <summary>Mean minibatch loss of the first 3 and of the last 5 rounds.</summary>
    static (double First, double Last) Losses(IReadOnlyList<RoundMetrics> rows) =>
        (rows.Take(3).Average(r => r.TrainLoss), rows.TakeLast(5).Average(r => r.TrainLoss));

    [Theory]
    [InlineData("signsgd", 4, 0.002)]
    [InlineData("signum", 4, 0.002)]
    [InlineData("sto-signsgd", 4, 0.002)]
    [InlineData("mvsm-v1", 4, 0.002)]
    [InlineData("mvsm-v2", 4, 0.002)]
    [InlineData("ssvr", 1, 0.002)]
    [InlineData("ssvr-mv", 4, 0.002)]
    [InlineData("ssdm", 4, 0.02)]
    [InlineData("scaled-signsgd", 4, 2e-5)]
    [InlineData("ef-signsgd", 4, 0.1)]
    [InlineData("lion", 1, 0.002)]
    [InlineData("lion-mv", 4, 0.002)]
    [InlineData("sgd", 4, 0.1)]
    [InlineData("sgdm", 4, 0.05)]
    [InlineData("adamw", 4, 0.002)]
    public void Every_preset_cuts_the_training_loss_to_a_quarter_within_40_rounds(string preset, int nodes, double eta)
    {
        var (outcome, rows) = Run(Spec(preset, nodes, 40, eta));
        Assert.True(outcome.Completed, outcome.Message);
        var (first, last) = Losses(rows);
        output.WriteLine($"{preset}: loss {first:F3} → {last:F3} ({last / first:P0})");
        Assert.True(last <= 0.25 * first, $"{preset}: loss {first:F3} → {last:F3}"); // measured: 0–6 % of the first rounds' loss
    }

    /// <summary>
    /// SPEC §7's promise in small, on iid shards (where honest signs agree, as the seeds' analysis
    /// assumes; label-skewed shards weaken it, as docs/results.md's Byzantine section shows).
    /// </summary>
    [Fact]
    public void Two_omniscient_attackers_of_eight_wreck_the_mean_while_majority_vote_keeps_learning()
    {
        var attack = new FaultPlan(new Dictionary<int, NodeFaults> { [0] = new(Attack: ByzantineAttack.Omniscient), [1] = new(Attack: ByzantineAttack.Omniscient) }, OmniscientSample: 200);
        double Final(string preset, double eta, FaultPlan? plan)
        {
            var spec = Spec(preset, 8, 40, eta) with { Faults = plan };
            var (outcome, rows) = Run(spec, PartitionSpec.Iid, evalEvery: 40);
            Assert.True(outcome.Completed, outcome.Message);
            return rows[^1].Evaluation!.Value.Loss;
        }
        double meanClean = Final("sgd", 0.1, null), meanAttacked = Final("sgd", 0.1, attack);
        double voteClean = Final("signum", 0.002, null), voteAttacked = Final("signum", 0.002, attack);
        output.WriteLine($"mean: {meanClean:F3} → {meanAttacked:F3}; majority vote: {voteClean:F3} → {voteAttacked:F3}");
        // Measured: the mean 0.04 → 42.5, majority vote 0.000 → 0.001.
        Assert.True(meanAttacked > 10 * meanClean && meanAttacked > Math.Log(10), $"the mean's loss under attack {meanAttacked:F3} (worse than the untrained model's ln 10?), clean {meanClean:F3}");
        Assert.True(voteAttacked < voteClean + 0.1, $"majority vote's loss under attack {voteAttacked:F3}, clean {voteClean:F3}");
    }
}
