using Akka.Configuration;
using SignActors.Runtime.Configuration;
using SignActors.Runtime.Logging;
using SignActors.Server;
using SignActors.Server.Metrics;
using SignActors.Training.Algorithms;
using SignActors.Training.Data;
using SignActors.Training.Faults;
using SignActors.Training.Memory;
using SignActors.Training.Models;
using SignActors.Training.Runs;

namespace SignActors.Runtime.Federation;

/// <summary>`signactors run [config]`: the main job — a federation in one process, on the embedded default when no file is given.</summary>
public static class RunCommand
{
    /// <returns>0 when every round ran; 1 when the run was stopped (divergence, a failed node); 130 / 143 after SIGINT / SIGTERM.</returns>
    public static int Execute(string? path, TextWriter stdout, string? resume = null) =>
        Execute(path, stdout, "run", resume, (prepared, recorder, signals) => InProcessFederation.Run(prepared.Federation, recorder, signals));

    /// <summary>A resolved config with its data and shards, checked before anything is written.</summary>
    public sealed record PreparedRun(Config Config, RunSettings Settings, ImageSet Train, ImageSet Test, Shard[] Shards)
    {
        /// <summary>The run as the hosts take it.</summary>
        public FederationRun Federation => new(Settings.Contract, Settings.Options, Train, Test, Shards, Settings.Host, Config);
    }

    public static PreparedRun Prepare(string? path, TextWriter stdout)
    {
        var config = RunConfig.Load(path);
        var settings = RunSettings.Read(config);
        var spec = settings.Contract;
        var (train, test) = settings.Data.Load(line => stdout.WriteLine(line));
        spec.Script?.Check(train.Shape, train.Classes);
        long d = ModelZoo.Dimension(spec.ModelFor(train));
        if (Server.Aggregators.AggregatorLimits.Check(spec.Algorithm, spec.Nodes, d, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes) is { } problem)
            throw new ConfigurationException($"signactors.algorithm: {problem}");
        var shards = settings.Data.Deal(train, spec.Nodes, spec.Seed);
        return new PreparedRun(config, settings, train, test, shards);
    }

    /// <summary>The server side of a run (in one process, or the cluster's server host): run directory, progress, outcome.</summary>
    public static int Execute(string? path, TextWriter stdout, string command, string? resume, Func<PreparedRun, RunRecorder, StopSignals, RunOutcome> train)
    {
        // Everything that can be refused is checked before the run directory exists.
        var prepared = Prepare(path, stdout);
        var (config, settings) = (prepared.Config, prepared.Settings);
        // Telemetry listens before the run directory exists: a port in use is refused like bad input.
        using var telemetry = Monitoring.RunTelemetry.Start(Monitoring.TelemetrySettings.Read(config));
        string fingerprint = RunFingerprint.Of(settings);
        Checkpoint? checkpoint = null;
        if (resume is not null)
        {
            checkpoint = Checkpoint.Read(resume);
            if (checkpoint.Fingerprint != fingerprint)
                throw new CheckpointException($"{resume}: written by a different run (its seed, nodes, rounds, algorithm, model, data or faults differ from this config's)");
        }
        // A resumed run goes on in its own folder when the checkpoint is in one: one run, one folder.
        var directory = checkpoint is not null && RunDirectory.Holding(resume!) is { } own ? own : RunDirectory.Create(settings.Output, settings.Contract.Algorithm.Name);
        settings = settings with { Options = settings.Options with { Fingerprint = fingerprint, ResumeFrom = checkpoint, CheckpointPath = directory[RunDirectory.CheckpointFile] } };
        prepared = prepared with { Settings = settings };
        var spec = settings.Contract;
        LogSetup.ForRun(directory[RunDirectory.LogFile], settings.Host.LogLevel);
        try
        {
            directory.WriteConfig(config);
            stdout.WriteLine($"signactors {command}: {path ?? "embedded reference.conf"} → {directory.Path}");
            if (checkpoint is not null) stdout.WriteLine($"resuming after round {checkpoint.Round} from {resume}");
            Describe(settings, settings.Contract.ModelFor(prepared.Train), stdout);
            if (settings.Data.IsNone)
                stdout.WriteLine($"data: none — the objective is f itself (the data settings are not read); a node's gradient is ∇f exact"
                    + (spec.Algorithm.Noise is { IsNone: false } noise ? $" plus the mean of {spec.BatchSize} draw(s) of {noise} noise" : ""));
            else DescribeData(prepared, settings, stdout);
            stdout.WriteLine();

            using var csv = new MetricsCsv(directory[RunDirectory.MetricsFile], after: checkpoint?.Round, every: settings.Output.MetricsEvery, last: spec.Rounds);
            using var events = new TensorBoardEvents(directory.Path, resumedAfter: checkpoint?.Round);
            if (telemetry is not null)
            {
                telemetry.Run = System.IO.Path.GetFileName(directory.Path);
                stdout.WriteLine($"telemetry: {telemetry.Where}");
            }
            var recorder = new RunRecorder(telemetry is null ? [csv, events] : [csv, events, telemetry], stdout, spec.Rounds);
            using var signals = new StopSignals(stdout);
            var outcome = train(prepared, recorder, signals);
            if (outcome.FinalParameters.Length > 0) directory.WriteParameters(outcome.FinalParameters);
            if (outcome.Participation is { } participation) File.WriteAllText(directory[RunDirectory.ParticipationFile], participation.Csv);
            directory.WriteOutcome(outcome.Completed, outcome.Rounds, outcome.FinalHash, outcome.Message, outcome.Participation?.Summary);

            stdout.WriteLine();
            stdout.WriteLine(outcome.Completed ? $"done: {outcome.Message}" : $"stopped after round {outcome.Rounds}: {outcome.Message}");
            if (outcome.Participation is { Degraded: true } degraded) stdout.WriteLine(degraded.Summary);
            if (outcome.FinalHash.Length > 0) stdout.WriteLine($"final parameter hash {outcome.FinalHash}");
            if (outcome.Drops.Count > 0) stdout.WriteLine($"dropped votes: {string.Join(", ", outcome.Drops.Select(d => $"{d.Key} {d.Value}"))}");
            if (recorder.Rows.LastOrDefault(r => r.Evaluation is not null) is { Evaluation: { } last } row)
                stdout.WriteLine(double.IsNaN(last.Accuracy) ? $"last evaluation (round {row.Round}): f − f* = {last.Loss:G6}"
                    : $"last evaluation (round {row.Round}): test loss {last.Loss:F3}, test accuracy {last.Accuracy:P1}");
            if (MetricsCsv.Values(directory[RunDirectory.MetricsFile], "full_grad_l1") is { Length: > 0 } l1)
                stdout.WriteLine($"stationarity, the mean over t of ‖∇f(x_t)‖₁ on the whole training set: {Stationarity.Estimate(l1, outcome.Rounds)}; "
                    + $"of ‖∇f(x_t)‖₂: {Stationarity.Estimate(MetricsCsv.Values(directory[RunDirectory.MetricsFile], "full_grad_l2"), outcome.Rounds).Mean:G6}");
            if (outcome.Completed && DefaultRunComparison.Describes(settings))
                foreach (var line in DefaultRunComparison.Embedded.Lines()) stdout.WriteLine(line);
            stdout.WriteLine($"results: {directory.Path} ({RunDirectory.MetricsFile}, {RunDirectory.ParticipationFile}, {RunDirectory.ConfigFile}, {RunDirectory.LogFile}, {RunDirectory.ParametersFile})");
            if (outcome.Stopped && File.Exists(directory[RunDirectory.CheckpointFile]))
                stdout.WriteLine($"to continue: signactors {command}{(path is null ? "" : $" {path}")} --resume {directory[RunDirectory.CheckpointFile]}");
            return signals.ExitCode ?? (outcome.Completed ? 0 : 1);
        }
        finally { LogSetup.Shutdown(); }
    }

    static void DescribeData(PreparedRun prepared, RunSettings settings, TextWriter stdout)
    {
        var images = prepared.Train;
        int held = images.Count - prepared.Shards.Sum(s => s.Records.Length);
        stdout.WriteLine($"data: {images.Count:N0} train records ({images.Source}), {images.Shape} images, {images.Classes} classes, {prepared.Test.Count:N0} test records"
            + (settings.Data.Validation > 0 ? $"; {held:N0} train records held out for validation" : ""));
        int present = prepared.Shards.SelectMany(s => s.Classes).Distinct().Count(); // every dealt class is some shard's
        stdout.WriteLine($"partition {settings.Data.Partition.Resolve(present, settings.Contract.Nodes)} over {present} classes:");
        foreach (var shard in prepared.Shards.Take(16)) stdout.WriteLine($"  {shard}");
        if (prepared.Shards.Length > 16) stdout.WriteLine($"  … {prepared.Shards.Length - 16} more nodes");
    }

    static void Describe(RunSettings settings, ModelSpec model, TextWriter stdout)
    {
        var spec = settings.Contract;
        var a = spec.Algorithm;
        stdout.WriteLine($"algorithm \"{a.Name}\" for n = {spec.Nodes}: estimator {a.EstimatorName}, uplink {a.UplinkName}"
            + (a.Plugins?.Uplink is null && a.Uplink.Kind == UplinkKind.StochasticSign ? $" (R = {a.Uplink.RadiusRule})" : "")
            + $", aggregator {a.AggregatorName}, update {a.Update}{(a.Update == UpdateKind.Optimizer ? $" ({Names.Of(a.Optimizer.Kind)})" : "")}");
        stdout.WriteLine($"T = {spec.Rounds} rounds, η_1 = {spec.Schedule.At(1)}, η_T = {spec.Schedule.At(spec.Rounds)}; model {ModelZoo.Name(model.Kind)} (d = {ModelZoo.Dimension(model):N0}) on {spec.Device}, batch {spec.BatchSize}, "
            + $"{spec.TorchThreads} torch thread(s) per gradient, {settings.Host.ComputeThreads} compute thread(s); verify-replicas {(spec.VerifyReplicas ? "on" : "off")}; seed {spec.Seed}");
        if (model.Objective is { } objective) stdout.WriteLine($"objective {objective}; test_loss is f(x) − f*, and the seed does not change x_1");
        if (model.L2 != 0) stdout.WriteLine($"f includes the L2 term {model.L2}/2·‖x‖² (model.l2): gradients, train_loss and the stationarity measure see it; test and validation loss are the cross-entropy alone");
        if (model.Script is { } script)
            stdout.WriteLine($"model file {script.Path}, SHA-256 {script.Sha256}: x_1 is its saved values (the seed does not change them); the JIT runs its graph unoptimised, the same on every call");
        if (a.Plugins is { } plugins)
            foreach (var p in new[] { plugins.Estimator, plugins.Uplink, plugins.Aggregator }.OfType<PluginComponent>())
                stdout.WriteLine($"plugin {p.Name} {p.Version} from {p.Type.Assembly.Location}" + (p.Settings.Values.Count > 0 ? $": {p.Settings}" : ""));
        stdout.WriteLine($"memory: {GlibcHeap.State}");
        var policy = spec.RoundPolicy;
        if (spec.Participation.PerRound is { } k) stdout.WriteLine($"client sampling: {k} of {spec.Nodes} nodes drawn each round (seeded); the others apply the aggregate without computing");
        stdout.WriteLine(policy.Kind == RoundPolicyKind.WaitAll ? "rounds close when every live node has voted (wait-all)"
            : $"rounds close at {policy.DeadlineMs} ms with ≥ {policy.MinQuorum} votes (deadline; up to {policy.MaxExtensions} extension(s) below quorum)");
        foreach (var (node, faults) in spec.FaultPlan.Nodes.OrderBy(n => n.Key))
        {
            var parts = new List<string>();
            if (faults.Straggler is { } s) parts.Add($"straggler (p = {s.Probability}, {s.Distribution} delay, mean {s.MeanMs} ms)");
            if (faults.Crash is { } c) parts.Add($"crashes at round {c.AtRound} for {c.ForRounds} rounds");
            if (Training.Faults.Attacks.Attacks.Of(faults, spec.FaultPlan, spec.Nodes) is { } attack) parts.Add($"Byzantine: {attack.Description}");
            stdout.WriteLine($"  fault: node {node} {string.Join(", ", parts)}");
        }
    }

}
