using SignActors.Messages;
using SignActors.Training.Algorithms;

namespace SignActors.Server.Aggregators;

/// <summary>Scaled majority (SPEC §3): the majority vote of the signs with the mean of the votes' scales, M_t.</summary>
public sealed class ScaledMajorityAggregator(TieBreak tieBreak) : IAggregator
{
    public string Name => Names.Of(AggregatorKind.ScaledMajority);
    public AggregatorDeclaration Declaration { get; } = Aggregator.Declared(AggregatorKind.ScaledMajority);

    public Payload Aggregate(IReadOnlyList<Payload> votes, in AggregationContext context)
    {
        float scale = ScaledMajority.MeanScale(votes);
        var signs = MajorityVote.Aggregate(Aggregator.Signs(votes, Name), tieBreak, context.Coins);
        return new ScaledSignPayload(signs, scale);
    }
}
