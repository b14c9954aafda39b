using SignActors.Messages;
using SignActors.Messages.Packing;
using SignActors.Server.Aggregators;
using SignActors.Training.Algorithms;
using SignActors.Training.Randomness;

namespace SignActors.Server.Metrics;

/// <summary>
/// SPEC §9's simulation-only metric: the fraction of coordinates where the aggregate's sign equals
/// the sign of the mean of the honest nodes' messages (sign(0) = +1).
/// </summary>
public static class Agreement
{
    public static double Fraction(IReadOnlyList<Payload> honest, Payload aggregate)
    {
        if (honest.Count == 0) return double.NaN;
        var reference = SignOfMean(honest);
        var actual = PayloadSigns.Of(aggregate);
        if (actual.Length != reference.Length) throw new ArgumentException($"aggregate has d={actual.Length}, messages d={reference.Length}", nameof(aggregate));
        long differ = 0;
        ReadOnlySpan<ulong> a = actual.Words, b = reference.Words;
        for (int w = 0; w < a.Length; w++) differ += (long)ulong.PopCount(a[w] ^ b[w]); // tail bits are zero in both
        return 1.0 - (double)differ / reference.Length;
    }

    static PackedSigns SignOfMean(IReadOnlyList<Payload> messages)
    {
        if (messages[0] is DensePayload)
        {
            int d = messages[0].Length;
            var sum = new float[d];
            foreach (var m in messages)
            {
                var values = ((DensePayload)m).Values;
                for (int k = 0; k < d; k++) sum[k] += values[k];
            }
            return SignPacker.Pack(sum);
        }
        var signs = Aggregator.Signs(messages, Names.Of(AggregatorKind.MajorityVote));
        return MajorityVote.Aggregate(signs, TieBreak.Positive, default(StreamKey));
    }
}
