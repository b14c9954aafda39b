using SignActors.Messages;
using SignActors.Training.Algorithms;

namespace SignActors.Server.Aggregators;

/// <summary>Trimmed mean of float32 votes, b dropped at each end per coordinate (<see cref="Robust.TrimmedMean"/>).</summary>
public sealed class TrimmedMeanAggregator(int b) : IAggregator
{
    public string Name => Names.Of(AggregatorKind.TrimmedMean);
    public AggregatorDeclaration Declaration { get; } = Aggregator.Declared(AggregatorKind.TrimmedMean, b);

    public Payload Aggregate(IReadOnlyList<Payload> votes, in AggregationContext context) => new DensePayload(Robust.TrimmedMean(Robust.Dense(votes, Name), b));
}
