namespace SignActors.Training.Faults;

/// <summary>How a straggler's extra delay is distributed (SPEC §7).</summary>
public enum DelayDistribution { Fixed, Exponential, LogNormal }

/// <summary>What a Byzantine node sends instead of its honest message (SPEC §7).</summary>
public enum ByzantineAttack { SignFlip, Random, Colluding, Omniscient, Alie, Ipm }

/// <summary>
/// A straggler: each round, with probability <paramref name="Probability"/>, its vote leaves
/// late by a delay of mean <paramref name="MeanMs"/> — fixed, exponential, or log-normal with
/// log-scale spread <paramref name="Sigma"/> (μ chosen so the mean is MeanMs).
/// </summary>
public sealed record StragglerSpec(double Probability, DelayDistribution Distribution, double MeanMs, double Sigma = 0.5)
{
    public string? Validate()
    {
        if (!(Probability >= 0 && Probability <= 1)) return $"probability must be in [0, 1], got {Probability}";
        if (!(MeanMs >= 0) || double.IsInfinity(MeanMs)) return $"mean-ms must be a finite number ≥ 0, got {MeanMs}";
        if (Distribution == DelayDistribution.LogNormal && !(Sigma > 0 && Sigma <= 5)) return $"sigma must be in (0, 5], got {Sigma}";
        return null;
    }
}

/// <summary>A crash: the node's actor stops when round <paramref name="AtRound"/> starts and a fresh one rejoins at round AtRound + ForRounds.</summary>
public sealed record CrashSpec(long AtRound, long ForRounds)
{
    public long RejoinRound => AtRound + ForRounds;

    public bool IsDown(long round) => round >= AtRound && round < RejoinRound;

    public string? Validate() =>
        AtRound < 1 ? $"at-round must be ≥ 1, got {AtRound}"
        : ForRounds < 1 ? $"for-rounds must be ≥ 1, got {ForRounds}"
        : null;
}

/// <summary>Everything faulty about one node; faults combine (a node can be slow and Byzantine).</summary>
public sealed record NodeFaults(StragglerSpec? Straggler = null, CrashSpec? Crash = null, ByzantineAttack? Attack = null)
{
    public static readonly NodeFaults None = new();

    /// <summary>An attack a plugin assembly supplies (the entry's attack names a type); null: the built-in <see cref="Attack"/>, if any.</summary>
    public Algorithms.PluginComponent? AttackPlugin { get; init; }

    public bool IsByzantine => Attack is not null || AttackPlugin is not null;

    /// <summary>As the synthesized form, with a plugin attack appended only when there is one: fault plans print (and fingerprint) as before.</summary>
    bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"Straggler = {Straggler}, Crash = {Crash}, Attack = {Attack}, IsByzantine = {IsByzantine}");
        if (AttackPlugin is not null) builder.Append($", AttackPlugin = {AttackPlugin}");
        return true;
    }
}

/// <summary>
/// The run's fault injection (SPEC §7), resolved per node id. The server reads it as simulation
/// knowledge only: for the Byzantine count and the honest-agreement metric, and to expect a
/// crashed node back at its rejoin round.
/// </summary>
/// <param name="OmniscientSample">Training records over which an omniscient attacker takes the full gradient; 0 = all.</param>
/// <param name="AlieZ">ALIE's z; null = the paper's formula for n and the Byzantine count.</param>
/// <param name="IpmEpsilon">IPM's ε.</param>
public sealed record FaultPlan(IReadOnlyDictionary<int, NodeFaults> Nodes, int OmniscientSample = 0, double? AlieZ = null, double IpmEpsilon = CraftedAttacks.DefaultIpmEpsilon)
{
    public static readonly FaultPlan None = new(new Dictionary<int, NodeFaults>());

    public NodeFaults For(int node) => Nodes.TryGetValue(node, out var f) ? f : NodeFaults.None;

    public IReadOnlySet<int> Byzantine => Nodes.Where(n => n.Value.IsByzantine).Select(n => n.Key).ToHashSet();

    /// <summary>Records an omniscient attacker's "full" gradient covers: the fixed sample, or all <paramref name="trainingRecords"/>; 0 without one.</summary>
    public int OmniscientRecords(int trainingRecords) =>
        !Nodes.Values.Any(f => f.Attack == ByzantineAttack.Omniscient) ? 0 : OmniscientSample > 0 ? Math.Min(OmniscientSample, trainingRecords) : trainingRecords;

    /// <summary>ALIE's z for <paramref name="nodes"/> nodes: the configured one, or the paper's formula with f = the Byzantine count.</summary>
    public double AlieZFor(int nodes) => AlieZ ?? CraftedAttacks.AlieZ(nodes, Byzantine.Count);

    /// <summary>Whether node <paramref name="node"/> is down (crashed, not yet back) in round <paramref name="round"/>.</summary>
    public bool IsDown(int node, long round) => For(node).Crash?.IsDown(round) ?? false;
}

/// <summary>When a round closes (SPEC §6.4).</summary>
public enum RoundPolicyKind { WaitAll, Deadline }

/// <summary>
/// wait-all: when every live node has voted. deadline: also at <paramref name="DeadlineMs"/> after
/// the round started if at least <paramref name="MinQuorum"/> votes arrived; below quorum the
/// deadline is extended up to <paramref name="MaxExtensions"/> times, then the run stops.
/// </summary>
public sealed record RoundPolicy(RoundPolicyKind Kind, int DeadlineMs = 0, int MinQuorum = 1, int MaxExtensions = 0)
{
    public static readonly RoundPolicy WaitAll = new(RoundPolicyKind.WaitAll);

    public string? Validate(int nodes) => Kind switch
    {
        RoundPolicyKind.Deadline when DeadlineMs < 1 => $"deadline.round-ms must be ≥ 1, got {DeadlineMs}",
        RoundPolicyKind.Deadline when MinQuorum < 1 || MinQuorum > nodes => $"deadline.min-quorum must be in 1..{nodes} (the node count), got {MinQuorum}",
        RoundPolicyKind.Deadline when MaxExtensions < 0 => $"deadline.max-extensions must be ≥ 0, got {MaxExtensions}",
        _ => null,
    };
}
