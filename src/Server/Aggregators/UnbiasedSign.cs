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
        var result = new PackedSigns(votes.IsEmpty ? 0 : votes[0].Length);
        Aggregate(votes, coins, result, path);
        return result;
    }

    /// <summary>Writes S_1 into <paramref name="result"/> without allocating.</summary>
    public static void Aggregate(ReadOnlySpan<PackedSigns> votes, in StreamKey coins, PackedSigns result, SimdPath path)
    {
        var rows = BitSlicedVotes.Gather(votes, result);
        int words = result.WordCount, w = 0;
        switch (SimdPaths.Require(path))
        {
            case SimdPath.Vector512: w = Run<Words8>(rows, result, 0, words, coins); break;
            case SimdPath.Vector256: w = Run<Words4>(rows, result, 0, words, coins); break;
            case SimdPath.Vector128: w = Run<Words2>(rows, result, 0, words, coins); break;
        }
        Run<Word1>(rows, result, w, words, coins);
        result.ClearTail();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static int Run<TV>(in VoteRows votes, PackedSigns result, int w, int words, in StreamKey coins)
        where TV : unmanaged, IWordVector<TV>
    {
        int n = votes.Count;
        int b = BitSlicedCounter.PlanesFor(n);
        // The remainder R < n, plus one spare plane because it is doubled before each digit (2R < 2n).
        Span<TV> r = stackalloc TV[b + 1];
        Span<ulong> output = result.Words;
        for (; w + TV.Count <= words; w += TV.Count)
        {
            BitSlicedCounter.Count(votes, w, r[..b]);
            r[b] = TV.Zero;
            var all = AtLeast(r, n);                   // p = 1 exactly where every vote is +1
            SubtractWhere(r, n, all);
            var positive = all;
            var undecided = ~all;
            TV coinsEven = TV.Zero, coinsOdd = TV.Zero;
            for (int digit = 0; digit < MaxDigits; digit++)
            {
                var nonZero = TV.Zero;
                for (int i = 0; i < b; i++) nonZero |= r[i];
                undecided &= nonZero;                  // p's remaining digits all zero ⇒ U ≥ p ⇒ −1
                if (TV.IsZero(undecided)) break;
                for (int i = b; i > 0; i--) r[i] = r[i - 1]; // R ← 2R
                r[0] = TV.Zero;
                var p = AtLeast(r, n);                 // next binary digit of c/n
                SubtractWhere(r, n, p);
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

    /// <summary>R ≥ n, lane-wise, over bit-sliced planes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static TV AtLeast<TV>(ReadOnlySpan<TV> r, int n) where TV : unmanaged, IWordVector<TV>
    {
        var gt = TV.Zero;
        var eq = TV.AllBits;
        for (int i = r.Length - 1; i >= 0; i--)
        {
            if ((n >> i & 1) != 0) eq &= r[i];
            else
            {
                gt |= eq & r[i];
                eq &= ~r[i];
            }
        }
        return gt | eq;
    }

    /// <summary>R ← R − n on the lanes of <paramref name="mask"/> (where R ≥ n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void SubtractWhere<TV>(Span<TV> r, int n, TV mask) where TV : unmanaged, IWordVector<TV>
    {
        var borrow = TV.Zero;
        for (int i = 0; i < r.Length; i++)
        {
            var a = r[i];
            if ((n >> i & 1) != 0)
            {
                r[i] = a ^ mask ^ borrow;
                borrow = (~a & (mask | borrow)) | (~(a ^ mask) & borrow);
            }
            else
            {
                r[i] = a ^ borrow;
                borrow = ~a & borrow;
            }
        }
    }
}
