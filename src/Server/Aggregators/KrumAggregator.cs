using SignActors.Messages;
using SignActors.Training.Algorithms;

namespace SignActors.Server.Aggregators;

/// <summary>Krum's chosen vote (<see cref="Robust.KrumIndex"/>), sent as the round's aggregate.</summary>
public sealed class KrumAggregator(int f) : IAggregator
{
    public string Name => Names.Of(AggregatorKind.Krum);
    public AggregatorDeclaration Declaration { get; } = Aggregator.Declared(AggregatorKind.Krum, f);

    public Payload Aggregate(IReadOnlyList<Payload> votes, in AggregationContext context)
    {
        var dense = Robust.Dense(votes, Name);
        return new DensePayload((float[])dense[Robust.KrumIndex(dense, f)].Clone());
    }
}
