using SignActors.Training.Faults;
using SignActors.Training.Randomness;

namespace SignActors.Training.Runs;

/// <summary>
/// Client sampling (FedAvg's fraction C): each round the server draws k of the nodes that are up
/// and only they compute and vote; every replica applies the aggregate. <paramref name="PerRound"/>
/// null = every node, every round.
/// </summary>
public sealed record ParticipationSpec(int? PerRound = null)
{
    public static readonly ParticipationSpec All = new();

    public bool Samples => PerRound is not null;

    public string? Validate(int nodes) =>
        PerRound is { } k && (k < 1 || k > nodes) ? $"per-round must be in 1..{nodes} (the node count), got {k}" : null;
}

/// <summary>
/// Who takes part in round t, as a pure function of the run's seed, t and the nodes up in t: k of
/// them uniformly without replacement, by a partial Fisher–Yates shuffle of the candidates in
/// node-id order, swap i taking index i + ⌊x_i·(m − i)/2⁶⁴⌋ with x_i output i of the server's
/// Participation stream for the round (the bias of the multiply-shift is below m/2⁶⁴). All of them
/// when k ≥ m. The result is sorted. Candidates are the nodes a configured crash does not hold
/// down in t (simulation knowledge, like wait-all's), so the draw never depends on message timing.
/// </summary>
public static class Participation
{
    public static int[] Draw(ulong seed, long round, IReadOnlyList<int> candidates, int k)
    {
        int m = candidates.Count;
        if (k >= m) return candidates.Order().ToArray();
        var pool = candidates.Order().ToArray();
        var key = StreamKey.ForServer(seed, round, StreamPurpose.Participation);
        for (int i = 0; i < k; i++)
        {
            ulong x = RandomStream.At(key, (ulong)i);
            int j = i + (int)(((UInt128)x * (ulong)(m - i)) >> 64);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }
        return pool[..k].Order().ToArray();
    }

    /// <summary>Round t's participants under <paramref name="spec"/>; null when every node takes part.</summary>
    public static IReadOnlySet<int>? For(ParticipationSpec spec, ulong seed, long round, int nodes, FaultPlan faults) =>
        spec.PerRound is not { } k ? null
        : Draw(seed, round, Enumerable.Range(0, nodes).Where(j => !faults.IsDown(j, round)).ToArray(), k).ToHashSet();
}
