using SignActors.Messages;
using SignActors.Messages.Packing;
using SignActors.Messages.Simd;
using SignActors.Training.Algorithms;

namespace SignActors.Server.Aggregators;

/// <summary>
/// m = (1/|A|) Σ_j s^j (SPEC §3). For 1-bit votes (SSDM) the downlink is the per-coordinate
/// count of +1 votes in ceil(log2(|A|+1)) bits, from which every replica computes
/// m_k = (2c_k − |A|)/|A|; for float32 votes it is the mean vector, summed in float in node-id
/// order and divided by |A|.
/// </summary>
public sealed class MeanAggregator : IAggregator
{
    public string Name => Names.Of(AggregatorKind.Mean);
    public AggregatorDeclaration Declaration { get; } = Aggregator.Declared(AggregatorKind.Mean);

    public Payload Aggregate(IReadOnlyList<Payload> votes, in AggregationContext context)
    {
        if (votes.Count == 0) throw new ArgumentException("mean: no votes to aggregate", nameof(votes));
        return votes[0] is DensePayload ? new DensePayload(MeanOf(votes)) : new CountPayload(Counts(Aggregator.Signs(votes, Name)));
    }

    public static CountVector Counts(ReadOnlySpan<PackedSigns> votes)
    {
        var rows = BitSlicedVotes.Gather(votes);
        int d = votes[0].Length, b = BitSlicedCounter.PlanesFor(votes.Length);
        var counts = new CountVector(d, votes.Length);
        Span<Word1> planes = stackalloc Word1[b];
        for (int w = 0; w < votes[0].WordCount; w++)
        {
            BitSlicedCounter.Count(rows, w, planes);
            int lanes = Math.Min(64, d - (w << 6));
            for (int bit = 0; bit < lanes; bit++)
            {
                int c = 0;
                for (int i = 0; i < b; i++) c |= (int)(Word1.GetLane(planes[i], 0) >> bit & 1) << i;
                counts[(w << 6) + bit] = c;
            }
        }
        return counts;
    }

    static float[] MeanOf(IReadOnlyList<Payload> votes)
    {
        int d = votes[0].Length;
        var sum = new float[d];
        for (int j = 0; j < votes.Count; j++)
        {
            var v = votes[j] as DensePayload ?? throw new ArgumentException($"mean: vote {j} is {votes[j].GetType().Name}, vote 0 is float32", nameof(votes));
            if (v.Length != d) throw new ArgumentException($"mean: vote {j} has d={v.Length}, vote 0 has d={d}", nameof(votes));
            var x = v.Values;
            for (int k = 0; k < d; k++) sum[k] += x[k];
        }
        float n = votes.Count;
        for (int k = 0; k < d; k++) sum[k] /= n;
        return sum;
    }
}
