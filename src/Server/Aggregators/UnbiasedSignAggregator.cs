using SignActors.Messages;
using SignActors.Training.Algorithms;

namespace SignActors.Server.Aggregators;

/// <summary>S₁ (<see cref="UnbiasedSign"/>) as the server's aggregator: the round's coins from the server's UnbiasedSign stream.</summary>
public sealed class UnbiasedSignAggregator : IAggregator
{
    public string Name => Names.Of(AggregatorKind.UnbiasedSign);
    public AggregatorDeclaration Declaration { get; } = Aggregator.Declared(AggregatorKind.UnbiasedSign);

    public Payload Aggregate(IReadOnlyList<Payload> votes, in AggregationContext context) =>
        new SignPayload(UnbiasedSign.Aggregate(Aggregator.Signs(votes, Name), context.Coins));
}
