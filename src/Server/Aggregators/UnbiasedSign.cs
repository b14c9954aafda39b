using System.Numerics;
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

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static int Run<TV>(in VoteRows votes, PackedSigns result, int w, int words, in StreamKey coins)
        where TV : unmanaged, IWordVector<TV>
    {
        int n = votes.Count;
        if (BitOperations.IsPow2(n)) return RunPowerOfTwo<TV>(votes, result, w, words, coins);
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
            TV u0 = TV.Zero, u1 = TV.Zero, u2 = TV.Zero, u3 = TV.Zero;
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
                if ((digit & 3) == 0) CoinDigits(coins, w, digit, out u0, out u1, out u2, out u3);
                Decide(ref positive, ref undecided, p, (digit & 3) switch { 0 => u0, 1 => u1, 2 => u2, _ => u3 });
            }
            TV.Store(positive, ref output[w]);
        }
        return w;
    }

    /// <summary>
    /// n = 2^s: the binary digits of c/n are the count's own bits, planes s−1 … 0, and plane s is
    /// set only where c = n. Same coins and same decisions as the long division, without it.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static int RunPowerOfTwo<TV>(in VoteRows votes, PackedSigns result, int w, int words, in StreamKey coins)
        where TV : unmanaged, IWordVector<TV>
    {
        int s = BitOperations.Log2((uint)votes.Count);
        Span<TV> planes = stackalloc TV[s + 1];
        Span<ulong> output = result.Words;
        for (; w + TV.Count <= words; w += TV.Count)
        {
            BitSlicedCounter.Count(votes, w, planes);
            var positive = planes[s];
            var undecided = ~positive;
            for (int digit = 0; digit < s && !TV.IsZero(undecided); digit += 4)
            {
                CoinDigits<TV>(coins, w, digit, out var u0, out var u1, out var u2, out var u3);
                Decide(ref positive, ref undecided, planes[s - 1 - digit], u0);
                if (digit + 1 < s) Decide(ref positive, ref undecided, planes[s - 2 - digit], u1);
                if (digit + 2 < s) Decide(ref positive, ref undecided, planes[s - 3 - digit], u2);
                if (digit + 3 < s) Decide(ref positive, ref undecided, planes[s - 4 - digit], u3);
            }
            TV.Store(positive, ref output[w]); // lanes still undecided have p's digits exhausted: −1
        }
        return w;
    }

    /// <summary>
    /// Coin digits first … first+3 (first a multiple of 4) for the words at w: digit i of word v is
    /// output 2·(32v + ⌊i/2⌋) + (i mod 2), i.e. both halves of block 32v + ⌊i/2⌋; two such
    /// blocks per lane, computed side by side.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void CoinDigits<TV>(in StreamKey coins, int w, int first, out TV u0, out TV u1, out TV u2, out TV u3)
        where TV : unmanaged, IWordVector<TV>
    {
        ulong block = 32UL * (ulong)w + (ulong)(first >> 1);
        Philox4x32.Outputs(coins, TV.Sequence(block, 32), TV.Sequence(block + 1, 32), out u0, out u1, out u2, out u3);
    }

    /// <summary>
    /// One digit of U &lt; p on the undecided lanes: U's digit 0 against p's 1 decides +1, the
    /// other difference decides −1, equal digits stay undecided.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Decide<TV>(ref TV positive, ref TV undecided, TV p, TV u) where TV : unmanaged, IWordVector<TV>
    {
        positive |= undecided & p & ~u;
        undecided &= ~(p ^ u);
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
