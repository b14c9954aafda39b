using SignActors.Messages;
using SignActors.Training.Algorithms;

namespace SignActors.Server.Aggregators;

/// <summary>The node's own message (single-node runs).</summary>
public sealed class IdentityAggregator : IAggregator
{
    public string Name => Names.Of(AggregatorKind.Identity);
    public AggregatorDeclaration Declaration { get; } = Aggregator.Declared(AggregatorKind.Identity);

    public Payload Aggregate(IReadOnlyList<Payload> votes, in AggregationContext context) =>
        votes.Count == 1 ? votes[0] : throw new ArgumentException($"identity aggregates exactly one vote, got {votes.Count}", nameof(votes));
}
