using System.Runtime.CompilerServices;
using SignActors.Messages.Packing;
using SignActors.Messages.Simd;
using SignActors.Training.Randomness;

namespace SignActors.Server.Aggregators;

/// <summary>
/// The unbiased stochastic sign S_1(m) of the mean vote m = (1/n) Σ_j s^j (SPEC §3, MVSM v2):
/// coordinate k is +1 with probability (1 + m_k)/2 = c_k/n, c_k the number of +1 votes.
/// <para>
/// Bit-sliced and exact: a uniform U ∈ [0,1) is compared with p = c/n one binary digit at a
/// time (+1 ⇔ U &lt; p). The digits of p come from long division of the bit-sliced counts by n;
/// the digits of U are the coins. A coordinate is decided at the first digit where they differ
/// (two digits on average), or as −1 once p's remaining digits are all zero (so c = 0 is always
/// −1 and c = n always +1). Digit i ≥ 0 of the coins of word w is output 2·(32w + ⌊i/2⌋) + (i mod 2)
/// of the server's UnbiasedSign stream for the round; at most 64 digits are used (2^−64 truncation).
/// </para>
/// </summary>
public static class UnbiasedSign
{
    const int MaxDigits = 64;

    public static PackedSigns Aggregate(ReadOnlySpan<PackedSigns> votes, in StreamKey coins) => Aggregate(votes, coins, SimdPaths.Best);

    public static PackedSigns Aggregate(ReadOnlySpan<PackedSigns> votes, in StreamKey coins, SimdPath path)
    {
        BitSlicedVotes.Check(votes);
        var result = new PackedSigns(votes[0].Length);
        Aggregate(votes, coins, result, path);
        return result;
    }

    /// <summary>Writes S_1 into <paramref name="result"/> without allocating.</summary>
    public static void Aggregate(ReadOnlySpan<PackedSigns> votes, in StreamKey coins, PackedSigns result, SimdPath path)
    {
        BitSlicedVotes.Check(votes, result);
        int words = result.WordCount, w = 0;
        switch (SimdPaths.Require(path))
        {
            case SimdPath.Vector512: w = Run<Words8>(votes, result, 0, words, coins); break;
            case SimdPath.Vector256: w = Run<Words4>(votes, result, 0, words, coins); break;
            case SimdPath.Vector128: w = Run<Words2>(votes, result, 0, words, coins); break;
        }
        Run<Word1>(votes, result, w, words, coins);
        result.ClearTail();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static int Run<TV>(ReadOnlySpan<PackedSigns> votes, PackedSigns result, int w, int words, in StreamKey coins)
        where TV : unmanaged, IWordVector<TV>
    {
        int n = votes.Length;
        // One spare plane: the remainder R < n is doubled before each digit, and 2R < 2n.
        var remainder = new BitSlicedCounter<TV>(BitSlicedCounter<TV>.PlanesFor(n) + 1);
        Span<ulong> output = result.Words;
        for (; w + TV.Count <= words; w += TV.Count)
        {
            remainder.Count(votes, w);
            var all = remainder.AtLeast(n);            // p = 1 exactly where every vote is +1
            remainder.SubtractWhere(n, all);
            var positive = all;
            var undecided = ~all;
            TV coinsEven = TV.Zero, coinsOdd = TV.Zero;
            for (int digit = 0; digit < MaxDigits; digit++)
            {
                undecided &= remainder.NonZero;       // p's remaining digits all zero ⇒ U ≥ p ⇒ −1
                if (TV.IsZero(undecided)) break;
                remainder.Double();
                var p = remainder.AtLeast(n);          // next binary digit of c/n
                remainder.SubtractWhere(n, p);
                if ((digit & 1) == 0)
                    Philox4x32.Outputs(coins, TV.Sequence(32UL * (ulong)w + (ulong)(digit >> 1), 32), out coinsEven, out coinsOdd);
                var u = (digit & 1) == 0 ? coinsEven : coinsOdd;
                positive |= undecided & p & ~u;          // U's digit 0 < p's digit 1 ⇒ U < p
                undecided &= ~(p ^ u);
            }
            TV.Store(positive, ref output[w]);
        }
        return w;
    }
}
