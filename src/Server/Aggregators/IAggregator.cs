using SignActors.Messages;
using SignActors.Messages.Packing;
using SignActors.Training.Algorithms;
using SignActors.Training.Randomness;

namespace SignActors.Server.Aggregators;

/// <summary>What the server hands an aggregator with a round's votes.</summary>
/// <param name="Round">t, the round being closed.</param>
/// <param name="Coins">
/// The server's stream for this round under the purpose the aggregator declares
/// (<see cref="AggregatorDeclaration.Coins"/>): a ready Philox key (<see cref="RandomStream"/> draws from it).
/// </param>
public readonly record struct AggregationContext(long Round, StreamKey Coins)
{
    /// <summary>The context of <paramref name="aggregator"/> in round <paramref name="round"/> of the run with <paramref name="seed"/>.</summary>
    public static AggregationContext For(IAggregator aggregator, ulong seed, long round) =>
        new(round, StreamKey.ForServer(seed, round, aggregator.Declaration.Coins));
}

/// <summary>
/// A server aggregator (SPEC §3): turns the accepted votes of a round into the one downlink
/// payload. The contract, for the built-ins and for a plugin alike:
/// <list type="bullet">
/// <item>Votes come sorted by node id, each a payload kind the <see cref="Declaration"/> accepts,
///   all of length d; any order-dependent arithmetic (float sums) is then the same on every run
///   and host. A payload of another kind is an <see cref="ArgumentException"/> naming the vote.</item>
/// <item>It keeps no state between rounds: what a round needs is in its votes and its context, so
///   a checkpoint, a resume and every replica's hash need nothing from it.</item>
/// <item>Randomness comes only from <see cref="AggregationContext.Coins"/>, never a seed or
///   <c>System.Random</c>: the same key gives the same draws on every host.</item>
/// <item>It runs on the thread that closes the round (the coordinator's) and must not block
///   (no I/O, no waiting): the next message waits for it.</item>
/// <item>A round it cannot aggregate (a vote count below its declared minimum, say) is refused
///   with <see cref="AggregationRefused"/> and one line: the run stops with that line.</item>
/// </list>
/// </summary>
public interface IAggregator
{
    /// <summary>Its name in messages (the config's spelling for a built-in).</summary>
    string Name { get; }

    /// <summary>What the runtime needs to know of it: payloads in and out, minimum votes, tolerance, coin stream.</summary>
    AggregatorDeclaration Declaration { get; }

    Payload Aggregate(IReadOnlyList<Payload> votes, in AggregationContext context);
}

public static class Aggregator
{
    /// <summary>
    /// The aggregator in force: a plugin's (its public constructor taking the
    /// <see cref="PluginSettings"/>), or the built-in the spec names.
    /// </summary>
    public static IAggregator Create(AlgorithmSpec spec) => spec.Plugins?.Aggregator is { } plugin ? plugin.Create<IAggregator>(plugin.Settings) : spec.Aggregator.Kind switch
    {
        AggregatorKind.MajorityVote => new MajorityVoteAggregator(spec.Aggregator.TieBreak),
        AggregatorKind.UnbiasedSign => new UnbiasedSignAggregator(),
        AggregatorKind.ScaledMajority => new ScaledMajorityAggregator(spec.Aggregator.TieBreak),
        AggregatorKind.Mean => new MeanAggregator(),
        AggregatorKind.Identity => new IdentityAggregator(),
        AggregatorKind.Median => new MedianAggregator(),
        AggregatorKind.TrimmedMean => new TrimmedMeanAggregator(spec.Aggregator.Tolerance),
        AggregatorKind.Krum => new KrumAggregator(spec.Aggregator.Tolerance),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), $"unknown aggregator {spec.Aggregator.Kind}"),
    };

    /// <summary>The declaration of the built-in <paramref name="kind"/> (with its parameters).</summary>
    internal static AggregatorDeclaration Declared(AggregatorKind kind, int tolerance = 1) => BuiltInDeclarations.Of(new AggregatorSpec(kind, Tolerance: tolerance));

    /// <summary>The packed signs of 1-bit votes, or an error naming the first vote that is not one.</summary>
    public static PackedSigns[] Signs(IReadOnlyList<Payload> votes, string aggregator)
    {
        if (votes.Count == 0) throw new ArgumentException($"{aggregator}: no votes to aggregate", nameof(votes));
        var signs = new PackedSigns[votes.Count];
        for (int j = 0; j < votes.Count; j++)
            signs[j] = votes[j] switch
            {
                SignPayload s => s.Signs,
                ScaledSignPayload s => s.Signs,
                var other => throw new ArgumentException($"{aggregator} takes sign votes, vote {j} is {other.GetType().Name}", nameof(votes)),
            };
        return signs;
    }
}
