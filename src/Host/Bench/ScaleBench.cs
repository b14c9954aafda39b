using System.Diagnostics;
using System.Globalization;
using Akka.Configuration;
using SignActors.Host.Configuration;
using SignActors.Host.Federation;
using SignActors.Node.Replicas;
using SignActors.Server;
using SignActors.Server.Metrics;
using SignActors.Training.Algorithms;
using SignActors.Training.Data;
using SignActors.Training.Models;
using SignActors.Training.Runs;
using SignActors.Training.Schedules;

namespace SignActors.Host.Bench;

/// <summary>
/// Many nodes in one process (issue: scale, §2): cnn-small, Signum (momentum on every node), batch
/// 32, iid partition of a synthetic CIFAR-100-format set of max(10,000, 32·n) records, so every
/// node holds at least one batch; verify-replicas on. Each point runs in a child process of its
/// own, so its peak resident memory is its own. Throughput is measured on the rounds after the
/// first (which builds the compute modules and touches every estimator buffer) and compared per
/// core against n = the first point in the same mode.
/// </summary>
public sealed class ScaleBench(TextWriter output)
{
    public const int BatchSize = 32;
    const string PointPrefix = "scale-point";

    /// <summary>
    /// Parent: one child process per (n, mode), a table of their lines, and the first point again
    /// at the end (this machine's speed drifts over minutes: the drift bounds what a ratio means).
    /// </summary>
    public void Run(IReadOnlyList<int> nodes, int rounds, int perNodeUpTo)
    {
        if (rounds < 2) throw new ConfigurationException($"--scale-rounds: at least 2 (the first round is warm-up), got {rounds}");
        int threads = Environment.ProcessorCount;
        output.WriteLine($"# scale — cnn-small, signum (momentum), batch {BatchSize}, iid, {rounds} rounds per point (throughput from rounds 2–{rounds}), {threads} compute threads, 1 torch thread, verify-replicas on");
        output.WriteLine($"| nodes | replicas | records | peak RSS | RSS per node beyond n = {nodes[0]} | start + stop | rounds / s | node-gradients / s | per core | per core vs n = {nodes[0]} |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var mode in new[] { ReplicaMode.PerHost, ReplicaMode.PerNode })
        {
            Point? first = null;
            foreach (int n in nodes.Where(n => mode == ReplicaMode.PerHost || n <= perNodeUpTo))
            {
                var p = RunChild(n, mode, rounds);
                first ??= p;
                string perNode = n == first.Value.Nodes ? "" : $"{(p.PeakRss - first.Value.PeakRss) / (double)(n - first.Value.Nodes) / 1e6:F2} MB";
                output.WriteLine($"| {n:N0} | {Name(mode)} | {p.Records:N0} | {p.PeakRss / 1e9:F2} GB | {perNode} | {p.StartSeconds:F1} s | {1000 / p.RoundMs:F3} | {p.GradientsPerSecond:F1} | {p.GradientsPerSecond / threads:F2} | {p.GradientsPerSecond / first.Value.GradientsPerSecond:F2} |");
                output.Flush();
            }
        }
        var again = RunChild(nodes[0], ReplicaMode.PerHost, rounds);
        output.WriteLine($"n = {nodes[0]} per-host measured again at the end: {again.GradientsPerSecond / threads:F2} node-gradients / s per core");
    }

    static string Name(ReplicaMode mode) => mode == ReplicaMode.PerHost ? "per-host" : "per-node";

    readonly record struct Point(int Nodes, int Records, long PeakRss, long DataRss, double StartSeconds, double RoundMs, double GradientsPerSecond);

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
        return new Point(nodes, (int)D("records"), (long)D("peak_rss"), (long)D("data_rss"), D("start_s"), D("round_ms"), D("gradients_per_s"));
    }

    /// <summary>Child: one federation of <paramref name="nodes"/>; prints one <c>scale-point</c> line.</summary>
    public void RunPoint(int nodes, ReplicaMode mode, int rounds)
    {
        var clock = Stopwatch.StartNew();
        int perClass = (Math.Max(10_000, BatchSize * nodes) + 99) / 100;
        var train = Cifar100Set.FromRecords(SyntheticCifar100.Generate(new SyntheticSpec(2025, perClass, 2), 1), "synthetic").Images();
        var test = Cifar100Set.FromRecords(SyntheticCifar100.Generate(new SyntheticSpec(2025, 2, 2), 2), "synthetic").Images();
        var spec = new RunContract(1, nodes, rounds, Presets.Resolve("signum", nodes), new ConstantSchedule(0.001), ModelKind.CnnSmall, "cpu", BatchSize);
        var shards = Partitioner.Assign(train.Labels(), nodes, PartitionSpec.Iid, spec.Seed);
        GC.Collect();
        long dataRss = Process.GetCurrentProcess().WorkingSet64;
        var observer = new Rows();
        var run = new FederationRun(spec, new RunOptions(EvalEvery: 0, ProbeRecords: 100, EvaluateTest: false), train, test, shards, new HostSettings(Environment.ProcessorCount, "warning", mode));
        var started = clock.Elapsed.TotalSeconds;
        var outcome = InProcessFederation.Run(run, observer);
        if (!outcome.Completed) throw new InvalidOperationException($"n = {nodes}: {outcome.Message}");
        var rows = observer.All;
        double total = clock.Elapsed.TotalSeconds - started, roundMs = rows.Skip(1).Average(r => r.WallMs);
        double start = total - rows.Sum(r => r.WallMs) / 1000;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{PointPrefix} records={train.Count} peak_rss={Process.GetCurrentProcess().PeakWorkingSet64} data_rss={dataRss} start_s={start:F2} round_ms={roundMs:F1} gradients_per_s={nodes * 1000 / roundMs:F2}"));
    }

    sealed class Rows : IRunObserver
    {
        readonly List<RoundMetrics> _rows = new();
        public IReadOnlyList<RoundMetrics> All { get { lock (_rows) return _rows.ToArray(); } }
        public void RoundClosed(RoundMetrics metrics) { lock (_rows) _rows.Add(metrics); }
        public void Finished(RunOutcome outcome) { }
    }
}
