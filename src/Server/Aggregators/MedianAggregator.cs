using SignActors.Messages;
using SignActors.Training.Algorithms;

namespace SignActors.Server.Aggregators;

/// <summary>Coordinate-wise median of float32 votes (<see cref="Robust.Median"/>).</summary>
public sealed class MedianAggregator : IAggregator
{
    public string Name => Names.Of(AggregatorKind.Median);
    public AggregatorDeclaration Declaration { get; } = Aggregator.Declared(AggregatorKind.Median);

    public Payload Aggregate(IReadOnlyList<Payload> votes, in AggregationContext context) => new DensePayload(Robust.Median(Robust.Dense(votes, Name)));
}
