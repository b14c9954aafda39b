using System.Diagnostics;
using System.Globalization;
using Akka.Configuration;
using SignActors.Runtime.Configuration;
using SignActors.Runtime.Federation;
using SignActors.Node.Replicas;
using SignActors.Server;
using SignActors.Server.Metrics;
using SignActors.Training.Algorithms;
using SignActors.Training.Data;
using SignActors.Training.Models;
using SignActors.Training.Runs;
using SignActors.Training.Schedules;

namespace SignActors.Bench;

/// <summary>
/// Many nodes in one process (issue: scale, §2): cnn-small, Signum (momentum on every node), batch
/// 32, iid partition of a synthetic CIFAR-100-format set of max(10,000, 32·n) records, so every
/// node holds at least one batch; verify-replicas on. Each point runs in a child process of its
/// own, so its peak resident memory is its own. A point first runs max(1, ⌈400/n⌉) warm-up rounds
/// (they build the compute modules, touch every estimator buffer, and let the process reach its
/// steady speed), then as many measured rounds. This machine's speed drifts by tens of percent
/// over minutes, so each point's throughput is compared with the first size measured just before
/// it, in the same mode.
/// </summary>
public sealed class ScaleBench(TextWriter output)
{
    public const int BatchSize = 32;
    const int WarmGradients = 400;
    const string PointPrefix = "scale-point";

    /// <summary>Parent: one child process per (n, mode), with the baseline size again before each; a table of their lines.</summary>
    public void Run(IReadOnlyList<int> nodes, int rounds, int perNodeUpTo)
    {
        if (rounds < 2) throw new ConfigurationException($"--scale-rounds: at least 2 (warm-up, then measured), got {rounds}");
        int threads = Environment.ProcessorCount, baseline = nodes[0];
        output.WriteLine($"# scale — cnn-small, signum (momentum), batch {BatchSize}, iid, max({rounds / 2}, ⌈{WarmGradients}/n⌉) warm-up then as many measured rounds per point, {threads} compute threads, 1 torch thread, verify-replicas on");
        output.WriteLine($"| nodes | replicas | records | peak RSS | RSS per node beyond n = {baseline} | start + stop | rounds / s | node-gradients / s | per core | n = {baseline} just before, per core | ratio | ms per gradient | cores busy |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var mode in new[] { ReplicaMode.PerHost, ReplicaMode.PerNode })
        {
            Point? first = null;
            foreach (int n in nodes.Where(n => mode == ReplicaMode.PerHost || n <= perNodeUpTo))
            {
                var before = n == baseline ? null : (Point?)RunChild(baseline, mode, rounds);
                var p = RunChild(n, mode, rounds);
                first ??= p;
                string perNode = n == baseline ? "" : $"{(p.PeakRss - first.Value.PeakRss) / (double)(n - baseline) / 1e6:F2} MB";
                string against = before is { } b ? $"{b.GradientsPerSecond / threads:F2} | {p.GradientsPerSecond / b.GradientsPerSecond:F2}" : " | ";
                output.WriteLine($"| {n:N0} | {Name(mode)} | {p.Records:N0} | {p.PeakRss / 1e9:F2} GB | {perNode} | {p.StartSeconds:F1} s | {1000 / p.RoundMs:F3} | {p.GradientsPerSecond:F1} | {p.GradientsPerSecond / threads:F2} | {against} | {p.GradientMs:F1} | {p.GradientMs * p.GradientsPerSecond / 1000 / threads:P0} |");
                output.Flush();
            }
        }
    }

    static string Name(ReplicaMode mode) => mode == ReplicaMode.PerHost ? "per-host" : "per-node";

    /// <param name="GradientMs">A node's compute time per vote (gradient, estimator, compressor), as its Vote reports it.</param>
    readonly record struct Point(int Nodes, int Records, long PeakRss, long DataRss, double StartSeconds, double RoundMs, double GradientsPerSecond, double GradientMs);

    Point RunChild(int nodes, ReplicaMode mode, int rounds)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") start.ArgumentList.Add(Environment.GetCommandLineArgs()[0]);
        foreach (var a in new[] { "bench", "--suite", "scale", "--scale-point", $"{nodes},{Name(mode)},{rounds}" }) start.ArgumentList.Add(a);
        using var child = Process.Start(start)!;
        var error = child.StandardError.ReadToEndAsync();
        string? line = null;
        while (child.StandardOutput.ReadLine() is { } l) if (l.StartsWith(PointPrefix, StringComparison.Ordinal)) line = l;
        child.WaitForExit();
        if (child.ExitCode != 0 || line is null)
            throw new InvalidOperationException($"scale point n = {nodes} ({Name(mode)}) failed with exit code {child.ExitCode}: {error.Result.Trim().Split('\n').LastOrDefault()}");
        var f = line.Split(' ').Skip(1).Select(kv => kv.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
        double D(string k) => double.Parse(f[k], CultureInfo.InvariantCulture);
        return new Point(nodes, (int)D("records"), (long)D("peak_rss"), (long)D("data_rss"), D("start_s"), D("round_ms"), D("gradients_per_s"), D("gradient_ms"));
    }

    /// <summary>Child: one federation of <paramref name="nodes"/>; prints one <c>scale-point</c> line.</summary>
    public void RunPoint(int nodes, ReplicaMode mode, int rounds)
    {
        var clock = Stopwatch.StartNew();
        int perClass = (Math.Max(10_000, BatchSize * nodes) + 99) / 100;
        var train = Cifar100Set.FromRecords(SyntheticCifar100.Generate(new SyntheticSpec(2025, perClass, 2), 1), "synthetic").Images();
        var test = Cifar100Set.FromRecords(SyntheticCifar100.Generate(new SyntheticSpec(2025, 2, 2), 2), "synthetic").Images();
        int half = Math.Max(rounds / 2, (WarmGradients + nodes - 1) / nodes);
        rounds = 2 * half;
        var spec = new RunContract(1, nodes, rounds, Presets.Resolve("signum", nodes), new ConstantSchedule(0.001), ModelKind.CnnSmall, "cpu", BatchSize);
        var shards = Partitioner.Assign(train.Labels(), nodes, PartitionSpec.Iid, spec.Seed);
        GC.Collect();
        long dataRss = Process.GetCurrentProcess().WorkingSet64;
        var observer = new BenchObserver();
        var run = new FederationRun(spec, new RunOptions(EvalEvery: 0, ProbeRecords: 100, EvaluateTest: false), train, test, shards, new HostSettings(Environment.ProcessorCount, "warning", mode));
        var started = clock.Elapsed.TotalSeconds;
        var outcome = InProcessFederation.Run(run, observer);
        if (!outcome.Completed) throw new InvalidOperationException($"n = {nodes}: {outcome.Message}");
        var rows = observer.Rows;
        double total = clock.Elapsed.TotalSeconds - started, roundMs = rows.Skip(half).Average(r => r.WallMs);
        double start = total - rows.Sum(r => r.WallMs) / 1000, gradientMs = rows.Skip(half).Sum(r => r.TotalComputeMs) / rows.Skip(half).Sum(r => r.Accepted);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{PointPrefix} records={train.Count} peak_rss={Process.GetCurrentProcess().PeakWorkingSet64} data_rss={dataRss} start_s={start:F2} round_ms={roundMs:F1} gradients_per_s={nodes * 1000 / roundMs:F2} gradient_ms={gradientMs:F2}"));
    }
}
