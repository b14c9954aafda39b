using System.Runtime.CompilerServices;
using SignActors.Messages.Packing;
using SignActors.Messages.Simd;
using SignActors.Training.Algorithms;
using SignActors.Training.Randomness;

namespace SignActors.Server.Aggregators;

/// <summary>
/// a = sign(Σ_j s^j) on packed votes (SPEC §3), bit-sliced: +1 where more than ⌊n/2⌋ votes are
/// +1. With even n a coordinate with exactly n/2 is a tie: `positive` makes it +1; `random`
/// takes bit (k mod 64) of output ⌊k/64⌋ of the server's TieBreak stream for the round — a fair
/// coin that every replica and every SIMD width reproduces.
/// </summary>
public static class MajorityVote
{
    public static PackedSigns Aggregate(ReadOnlySpan<PackedSigns> votes, TieBreak tieBreak, in StreamKey tieCoins) =>
        Aggregate(votes, tieBreak, tieCoins, SimdPaths.Best);

    public static PackedSigns Aggregate(ReadOnlySpan<PackedSigns> votes, TieBreak tieBreak, in StreamKey tieCoins, SimdPath path)
    {
        var result = new PackedSigns(votes.IsEmpty ? 0 : votes[0].Length);
        Aggregate(votes, tieBreak, tieCoins, result, path);
        return result;
    }

    /// <summary>Writes the vote into <paramref name="result"/> (no allocation: d/8 bytes is a large object at ResNet scale).</summary>
    public static void Aggregate(ReadOnlySpan<PackedSigns> votes, TieBreak tieBreak, in StreamKey tieCoins, PackedSigns result, SimdPath path)
    {
        var rows = BitSlicedVotes.Gather(votes, result);
        int words = result.WordCount, w = 0;
        switch (SimdPaths.Require(path))
        {
            case SimdPath.Vector512: w = Run<Words8>(rows, result, 0, words, tieBreak, tieCoins); break;
            case SimdPath.Vector256: w = Run<Words4>(rows, result, 0, words, tieBreak, tieCoins); break;
            case SimdPath.Vector128: w = Run<Words2>(rows, result, 0, words, tieBreak, tieCoins); break;
        }
        w = Run<Word1>(rows, result, w, words, tieBreak, tieCoins);
        for (; w < words; w++) OneWord(rows, result, w, tieBreak, tieCoins);
        result.ClearTail();
    }

    /// <summary>
    /// Four vectors (4·Count words, starting at an even word) per step. The step's tie coins come
    /// first — for random ties the two halves of 2·Count Philox blocks, computed as two chains side
    /// by side so their multiply latencies overlap; all ones for `positive`; none for odd n — then
    /// each vector is counted, compared and stored while few registers are live.
    /// Returns the first word not done.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static int Run<TV>(in VoteRows votes, PackedSigns result, int w, int words, TieBreak tieBreak, in StreamKey tieCoins)
        where TV : unmanaged, IWordVector<TV>
    {
        int n = votes.Count, half = n / 2, lanes = TV.Count;
        bool randomTies = (n & 1) == 0 && tieBreak == TieBreak.Random;
        var fixedCoins = (n & 1) == 0 ? TV.AllBits : TV.Zero; // positive ties, or no ties at all
        Span<ulong> output = result.Words;
        for (; w + 4 * lanes <= words; w += 4 * lanes)
        {
            TV coins0 = fixedCoins, coins1 = fixedCoins, coins2 = fixedCoins, coins3 = fixedCoins;
            if (randomTies)
            {
                ulong block = (ulong)w >> 1;
                Philox4x32.Outputs(tieCoins, TV.Sequence(block, 1), TV.Sequence(block + (ulong)lanes, 1),
                    out var firstA, out var secondA, out var firstB, out var secondB);
                TV.Interleave(firstA, secondA, out coins0, out coins1);
                TV.Interleave(firstB, secondB, out coins2, out coins3);
            }
            // A loop, not four copies: one inlined count-and-compare stays within the JIT's inlining
            // budget for this method (four copies exhaust it, and then the operators become calls).
            for (int i = 0; i < 4; i++)
            {
                var coins = i switch { 0 => coins0, 1 => coins1, 2 => coins2, _ => coins3 };
                Vote(votes, w + i * lanes, half, coins, output);
            }
        }
        return w;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Vote(in VoteRows votes, int w, int half, TV coins, Span<ulong> output)
        {
            BitSlicedCounter.CountAndCompare<TV>(votes, w, half, out var positive, out var tie);
            TV.Store(positive | (tie & coins), ref output[w]);
        }
    }

    /// <summary>The last (fewer than four) words, one at a time, with the same coins.</summary>
    static void OneWord(in VoteRows votes, PackedSigns result, int w, TieBreak tieBreak, in StreamKey tieCoins)
    {
        int n = votes.Count;
        BitSlicedCounter.CountAndCompare<Word1>(votes, w, n / 2, out var positive, out var tie);
        ulong word = Word1.GetLane(positive, 0);
        if ((n & 1) == 0)
            word |= Word1.GetLane(tie, 0) & (tieBreak == TieBreak.Positive ? ulong.MaxValue : RandomStream.At(tieCoins, (ulong)w));
        result.Words[w] = word;
    }
}
