using SignActors.Messages;
using SignActors.Training.Algorithms;

namespace SignActors.Server.Aggregators;

/// <summary>Majority vote (<see cref="MajorityVote"/>) as the server's aggregator: ties settled by the round's coins (the server's TieBreak stream).</summary>
public sealed class MajorityVoteAggregator(TieBreak tieBreak) : IAggregator
{
    public string Name => Names.Of(AggregatorKind.MajorityVote);
    public AggregatorDeclaration Declaration { get; } = Aggregator.Declared(AggregatorKind.MajorityVote);

    public Payload Aggregate(IReadOnlyList<Payload> votes, in AggregationContext context) =>
        new SignPayload(MajorityVote.Aggregate(Aggregator.Signs(votes, Name), tieBreak, context.Coins));
}
