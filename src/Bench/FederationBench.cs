using SignActors.Runtime.Configuration;
using System.Diagnostics;
using SignActors.Runtime.Federation;
using SignActors.Server;
using SignActors.Server.Metrics;
using SignActors.Training.Algorithms;
using SignActors.Training.Data;
using SignActors.Training.Models;
using SignActors.Training.Runs;
using SignActors.Training.Schedules;

namespace SignActors.Bench;

/// <summary>
/// The federation in one process (issue: the in-process federation, §5). Scenario 1: n = 8,
/// cnn-small, MVSM — protocol overhead per round, late-vs-early round time and memory, peak
/// memory. Scenario 2: the mlp at n ∈ {8, 32, 128} — rounds/s and memory per node. Every ratio
/// is against a baseline measured in the same run. verify-replicas is off (it is a test, not
/// part of the protocol's cost) and the global model is not evaluated.
/// </summary>
public sealed class FederationBench(TextWriter output, int computeThreads)
{
    public void Run(int rounds, IReadOnlyList<int> scalingNodes, int scalingRounds)
    {
        var train = Cifar100Set.FromRecords(SyntheticCifar100.Generate(new SyntheticSpec(2025, 100, 20), 1), "synthetic").Images();
        var test = Cifar100Set.FromRecords(SyntheticCifar100.Generate(new SyntheticSpec(2025, 100, 2), 2), "synthetic").Images();
        long baseline = Process.GetCurrentProcess().WorkingSet64;

        output.WriteLine($"# federation — n = 8, cnn-small, mvsm-v1, batch 32, {rounds} rounds, {computeThreads} compute threads, 1 torch thread per gradient");
        var (rows, memory, peak) = Measure(Spec(8, rounds, ModelKind.CnnSmall), train, test);
        var tail = rows.Skip(rows.Count / 10).ToArray(); // after warm-up
        double wall = tail.Average(r => r.WallMs), slowest = tail.Average(r => r.SlowestComputeMs), total = tail.Average(r => r.TotalComputeMs);
        double capacity = Math.Max(slowest, total / Math.Min(computeThreads, Environment.ProcessorCount));
        int q = rows.Count / 5;
        double early = rows.Skip(q).Take(q).Average(r => r.WallMs), late = rows.Skip(rows.Count - q).Average(r => r.WallMs);
        double earlyMemory = memory.Skip(q).Take(q).Average(), lateMemory = memory.Skip(rows.Count - q).Average();
        output.WriteLine($"| measure | value | target |");
        output.WriteLine($"|---|---|---|");
        output.WriteLine($"| round wall time (mean after warm-up) | {wall:F1} ms | |");
        output.WriteLine($"| slowest node's compute | {slowest:F1} ms | |");
        output.WriteLine($"| all nodes' compute ÷ usable cores ({Math.Min(computeThreads, Environment.ProcessorCount)}) | {total / Math.Min(computeThreads, Environment.ProcessorCount):F1} ms | |");
        output.WriteLine($"| (wall − slowest) / slowest | {(wall - slowest) / slowest:P1} | ≤ 10 % |");
        output.WriteLine($"| (wall − compute-bound wall) / compute-bound wall | {(wall - capacity) / capacity:P1} | ≤ 10 % |");
        output.WriteLine($"| round time, last 20 % vs second 20 % of rounds | {late / early:F3}× | ≤ 1.05× |");
        output.WriteLine($"| working set, last 20 % vs second 20 % | {lateMemory / earlyMemory:F3}× ({lateMemory / 1e6:F0} vs {earlyMemory / 1e6:F0} MB) | ≤ 1.05× |");
        output.WriteLine($"| peak working set of the process | {peak / 1e6:F0} MB ({baseline / 1e6:F0} MB before the federation) | |");
        output.WriteLine();

        output.WriteLine($"# scaling — mlp (d = 422,756), sign-sgd majority vote, batch 32, {scalingRounds} rounds");
        output.WriteLine("| nodes | rounds / s | node-rounds / s | working set | per node | node-rounds/s vs n = " + scalingNodes[0] + " |");
        output.WriteLine("|---|---|---|---|---|---|");
        double first = 0;
        long before = Process.GetCurrentProcess().WorkingSet64;
        foreach (int n in scalingNodes)
        {
            GC.Collect();
            before = Process.GetCurrentProcess().WorkingSet64;
            var (r, m, _) = Measure(Spec(n, scalingRounds, ModelKind.Mlp, "signsgd"), train, test);
            var steady = r.Skip(r.Count / 5).ToArray();
            double perSecond = 1000 / steady.Average(x => x.WallMs), nodeRounds = perSecond * n;
            if (first == 0) first = nodeRounds;
            double set = m.Max();
            output.WriteLine($"| {n} | {perSecond:F2} | {nodeRounds:F1} | {set / 1e6:F0} MB | {(set - before) / n / 1e6:F1} MB | {nodeRounds / first:F2} |");
        }
    }

    RunContract Spec(int nodes, int rounds, ModelKind model, string preset = "mvsm-v1") =>
        new(1, nodes, rounds, Presets.Resolve(preset, nodes), new ConstantSchedule(0.001), model, "cpu", 32, VerifyReplicas: false);

    (IReadOnlyList<RoundMetrics> Rows, IReadOnlyList<long> Memory, long Peak) Measure(RunContract spec, ImageSet train, ImageSet test)
    {
        var observer = new BenchObserver();
        var shards = Partitioner.Assign(train.Labels(), spec.Nodes, PartitionSpec.LabelSkew(0), spec.Seed);
        var run = new FederationRun(spec, new RunOptions(EvalEvery: 0, ProbeRecords: 100), train, test, shards, new HostSettings(computeThreads, "warning"));
        var outcome = InProcessFederation.Run(run, observer);
        if (!outcome.Completed) throw new InvalidOperationException($"bench run stopped: {outcome.Message}");
        return (observer.Rows, observer.Memory, Process.GetCurrentProcess().PeakWorkingSet64);
    }
}
