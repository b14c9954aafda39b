using Akka.Configuration;
using SignActors.Node.Replicas;
using SignActors.Training.Data;
using SignActors.Training.Runs;

namespace SignActors.Runtime.Configuration;

/// <summary>
/// Where a run writes: <c>Directory/Name</c>; Name "auto" is the start time and preset.
/// <paramref name="MetricsEvery"/>: metrics.csv gets a row every this many rounds, and every row
/// that carries an evaluation or a stationarity measure, and the last (1: every round).
/// </summary>
public sealed record OutputSettings(string Directory, string Name, int MetricsEvery = 1);

/// <summary>How this process runs its part: the compute threads node actors share, what it logs, and where x_t lives (per host or per node).</summary>
public sealed record HostSettings(int ComputeThreads, string LogLevel, ReplicaMode Replicas = ReplicaMode.PerHost);

/// <summary>
/// Everything a run needs, read once from the resolved config (user file over reference.conf) and
/// validated before any actor starts: the contract every replica agrees on, the run's options, the
/// data, where it writes, and this host's settings. Cluster addresses are <c>ClusterSettings</c>.
/// </summary>
public sealed record RunSettings(RunContract Contract, RunOptions Options, DataSettings Data, OutputSettings Output, HostSettings Host)
{
    public static RunSettings Read(Config root)
    {
        var c = new SettingsReader(root, ConfigKeys.Root);
        ulong seed = (ulong)c.Long("seed", 0);
        long rounds = c.Long("rounds", 1, uint.MaxValue);
        var model = ModelSettings.Read(root, rounds);
        var data = model.Objective is null ? DataSettings.Read(root) : DataSettings.None; // an objective has no data to read
        int nodes = ReadNodes(c, data);
        var plugins = PluginCatalog.Read(root); // once: the algorithm's components and the faults' attacks both look in it
        var faults = FaultSettings.Read(root, nodes, rounds, plugins, seed);
        var algorithm = AlgorithmSettings.Read(root, nodes, faults.Byzantine.Count, rounds, plugins);
        var schedule = AlgorithmSettings.ReadSchedule(root, rounds);
        // Error feedback scales the gradient by γ = η_t (p_t = γ g_t + e_t): a round at η = 0 would send nothing and stop the run.
        // Every schedule is non-increasing, so the last round has the smallest η.
        if (algorithm.Estimator.Kind == Training.Algorithms.EstimatorKind.ErrorFeedback && !((float)schedule.At(rounds) > 0))
            throw new ConfigurationException($"signactors.learning-rate: error feedback needs η_t > 0 in every round, but this schedule gives η = {(float)schedule.At(rounds)} in round {rounds}; raise learning-rate.minimum or the initial rate");
        var participation = ReadParticipation(root, nodes);
        var policy = FaultSettings.ReadPolicy(root, participation.PerRound ?? nodes); // min-quorum counts the round's participants
        var evaluation = new SettingsReader(root, "signactors.evaluation");
        var contract = new RunContract(seed, nodes, rounds, algorithm, schedule, model.Kind, model.Device, model.BatchSize, model.TorchThreads,
            VerifyReplicas: c.Bool("verify-replicas"), Faults: faults, Policy: policy, Validation: data.Validation, Sampling: participation.Samples ? participation : null,
            Script: model.Script, Objective: model.Objective, L2: model.L2);
        var options = new RunOptions(
            EvalEvery: evaluation.Int("every", 0),
            ProbeRecords: evaluation.Int("probe-records", 1),
            EvalBatchSize: evaluation.Int("batch-size", 1, 65536),
            EvaluateTest: evaluation.Bool("test"),
            ExpectedNodes: c.IntOrAuto("expected-nodes", nodes, 1, nodes),
            RejoinWaitMs: c.Int("rejoin-wait-ms", 1000, 86_400_000),
            CheckpointEvery: new SettingsReader(root, "signactors.checkpoint").Int("every", 0),
            StationarityRounds: ReadStationarityRounds(evaluation, rounds));
        var output = new SettingsReader(root, "signactors.output");
        var compute = new SettingsReader(root, "signactors.compute");
        int threads = compute.IntOrAuto("threads", Math.Max(1, Environment.ProcessorCount / model.TorchThreads), 1, 4096);
        var replicas = compute.OneOf("replicas", ["per-host", "per-node"]) == "per-node" ? ReplicaMode.PerNode : ReplicaMode.PerHost;
        string level = c.OneOf("log-level", ["debug", "info", "warning", "error"]);
        return new RunSettings(contract, options, data, new OutputSettings(DataSettings.ExpandHome(output.String("directory")), output.String("name"), output.Int("metrics-every", 1)), new HostSettings(threads, level, replicas));
    }

    /// <summary>
    /// `nodes`: a count, or auto — the natural partition's client count (the other partitions deal
    /// records to any count, so they need one). An explicit count under the natural partition must
    /// equal the client count, checked when the data is dealt (before a run writes anything), so a
    /// config names its data without opening it.
    /// </summary>
    static int ReadNodes(SettingsReader c, DataSettings data)
    {
        bool natural = data.Partition.Kind == PartitionKind.Natural;
        if (c.String("nodes") == "auto")
            return natural ? data.NaturalNodes() : throw new ConfigurationException($"signactors.nodes = auto: only partition.kind = natural takes the node count from the data (its client ids); partition {data.Partition} needs a number");
        return c.Int("nodes", 1, 100_000);
    }

    /// <summary>`evaluation.stationarity-rounds`: 0 (off) or at least <see cref="Stationarity.MinimumRounds"/>; T or more measures every round.</summary>
    static int ReadStationarityRounds(SettingsReader evaluation, long rounds)
    {
        int k = evaluation.Int("stationarity-rounds", 0);
        if (k is > 0 and < Stationarity.MinimumRounds)
            throw new ConfigurationException($"signactors.evaluation.stationarity-rounds = {k}: 0 (off) or at least {Stationarity.MinimumRounds} rounds (T or more measures every round)");
        if (k > 0 && k < rounds && rounds > int.MaxValue)
            throw new ConfigurationException($"signactors.evaluation.stationarity-rounds: rounds are drawn from T ≤ {int.MaxValue}, this run has T = {rounds}");
        return k;
    }

    /// <summary>`participation { per-round = all | k, fraction = c }`: k nodes a round, or ⌈c·n⌉; every node by default.</summary>
    static ParticipationSpec ReadParticipation(Config root, int nodes)
    {
        var p = new SettingsReader(root, "signactors.participation");
        bool byCount = p.String("per-round") != "all";
        double fraction = p.Double("fraction", 0, 1);
        if (!(fraction > 0)) throw new ConfigurationException($"signactors.participation.fraction must be in (0, 1], got {fraction}");
        if (byCount && fraction < 1) throw new ConfigurationException("signactors.participation: set per-round or fraction, not both");
        int? k = byCount ? p.Int("per-round", 1, nodes) : fraction < 1 ? Math.Max(1, (int)Math.Ceiling(fraction * nodes - 1e-9)) : null;
        return k is null || k == nodes ? ParticipationSpec.All : new ParticipationSpec(k);
    }
}
