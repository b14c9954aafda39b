using SignActors.Messages;
using SignActors.Messages.Packing;
using SignActors.Training.Algorithms;
using SignActors.Training.Randomness;

namespace SignActors.Server.Aggregators;

/// <summary>
/// Turns the accepted votes of a round into the one downlink payload (SPEC §3). Votes come
/// sorted by node id, so any order-dependent arithmetic (float sums) is the same on every run.
/// </summary>
public interface IAggregator
{
    AggregatorKind Kind { get; }
    Payload Aggregate(IReadOnlyList<Payload> votes, long round);
}

public static class Aggregator
{
    public static IAggregator Create(AlgorithmSpec spec, ulong seed) => spec.Aggregator.Kind switch
    {
        AggregatorKind.MajorityVote => new MajorityVoteAggregator(spec.Aggregator.TieBreak, seed),
        AggregatorKind.UnbiasedSign => new UnbiasedSignAggregator(seed),
        AggregatorKind.ScaledMajority => new ScaledMajorityAggregator(spec.Aggregator.TieBreak, seed),
        AggregatorKind.Mean => new MeanAggregator(),
        AggregatorKind.Identity => new IdentityAggregator(),
        AggregatorKind.Median => new MedianAggregator(),
        AggregatorKind.TrimmedMean => new TrimmedMeanAggregator(spec.Aggregator.Tolerance),
        AggregatorKind.Krum => new KrumAggregator(spec.Aggregator.Tolerance),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), $"unknown aggregator {spec.Aggregator.Kind}"),
    };

    internal static PackedSigns[] Signs(IReadOnlyList<Payload> votes, AggregatorKind kind)
    {
        if (votes.Count == 0) throw new ArgumentException($"{Names.Of(kind)}: no votes to aggregate", nameof(votes));
        var signs = new PackedSigns[votes.Count];
        for (int j = 0; j < votes.Count; j++)
            signs[j] = votes[j] switch
            {
                SignPayload s => s.Signs,
                ScaledSignPayload s => s.Signs,
                var other => throw new ArgumentException($"{Names.Of(kind)} takes sign votes, vote {j} is {other.GetType().Name}", nameof(votes)),
            };
        return signs;
    }
}

/// <summary>The node's own message (single-node runs).</summary>
public sealed class IdentityAggregator : IAggregator
{
    public AggregatorKind Kind => AggregatorKind.Identity;
    public Payload Aggregate(IReadOnlyList<Payload> votes, long round) =>
        votes.Count == 1 ? votes[0] : throw new ArgumentException($"identity aggregates exactly one vote, got {votes.Count}", nameof(votes));
}
