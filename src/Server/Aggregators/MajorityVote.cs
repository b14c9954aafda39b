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
        BitSlicedVotes.Check(votes);
        var result = new PackedSigns(votes[0].Length);
        Aggregate(votes, tieBreak, tieCoins, result, path);
        return result;
    }

    /// <summary>Writes the vote into <paramref name="result"/> (no allocation: d/8 bytes is a large object at ResNet scale).</summary>
    public static void Aggregate(ReadOnlySpan<PackedSigns> votes, TieBreak tieBreak, in StreamKey tieCoins, PackedSigns result, SimdPath path)
    {
        BitSlicedVotes.Check(votes, result);
        int words = result.WordCount, w = 0;
        switch (SimdPaths.Require(path))
        {
            case SimdPath.Vector512:
                w = RunRandomTies<Words8>(votes, result, 0, words, tieBreak, tieCoins);
                w = Run<Words8>(votes, result, w, words, tieBreak, tieCoins);
                break;
            case SimdPath.Vector256: w = Run<Words4>(votes, result, 0, words, tieBreak, tieCoins); break;
            case SimdPath.Vector128: w = Run<Words2>(votes, result, 0, words, tieBreak, tieCoins); break;
        }
        w = Run<Word1>(votes, result, w, words, tieBreak, tieCoins);
        if (w < words) LastWord(votes, result, w, tieBreak, tieCoins);
        result.ClearTail();
    }

    /// <summary>
    /// Two vectors (2·Count words, starting at an even word) per step, so that the Count Philox
    /// blocks of their tie coins are used whole; returns the first word not done.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static int Run<TV>(ReadOnlySpan<PackedSigns> votes, PackedSigns result, int w, int words, TieBreak tieBreak, in StreamKey tieCoins)
        where TV : unmanaged, IWordVector<TV>
    {
        int n = votes.Length, half = n / 2, lanes = TV.Count;
        bool ties = (n & 1) == 0;
        var counter = new BitSlicedCounter<TV>(BitSlicedCounter<TV>.PlanesFor(n));
        Span<ulong> output = result.Words;
        for (; w + 2 * lanes <= words; w += 2 * lanes)
        {
            counter.Count(votes, w);
            counter.Compare(half, out var positiveA, out var tieA);
            counter.Count(votes, w + lanes);
            counter.Compare(half, out var positiveB, out var tieB);
            if (ties && !TV.IsZero(tieA | tieB))
            {
                if (tieBreak == TieBreak.Positive)
                {
                    positiveA |= tieA;
                    positiveB |= tieB;
                }
                else
                {
                    Philox4x32.Outputs(tieCoins, TV.Sequence((ulong)w >> 1, 1), out var first, out var second);
                    TV.Interleave(first, second, out var coinsA, out var coinsB);
                    positiveA |= tieA & coinsA;
                    positiveB |= tieB & coinsB;
                }
            }
            TV.Store(positiveA, ref output[w]);
            TV.Store(positiveB, ref output[w + lanes]);
        }
        return w;
    }

    /// <summary>
    /// Even n with random ties: four vectors per step, their coins from two Philox chains that
    /// run side by side (the same coins <see cref="Run{TV}"/> would draw, word for word).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static int RunRandomTies<TV>(ReadOnlySpan<PackedSigns> votes, PackedSigns result, int w, int words, TieBreak tieBreak, in StreamKey tieCoins)
        where TV : unmanaged, IWordVector<TV>
    {
        int n = votes.Length, half = n / 2, lanes = TV.Count;
        if ((n & 1) != 0 || tieBreak != TieBreak.Random) return w;
        var counter = new BitSlicedCounter<TV>(BitSlicedCounter<TV>.PlanesFor(n));
        Span<ulong> output = result.Words;
        for (; w + 4 * lanes <= words; w += 4 * lanes)
        {
            Philox4x32.Outputs(tieCoins, TV.Sequence((ulong)w >> 1, 1), TV.Sequence(((ulong)w >> 1) + (ulong)lanes, 1),
                out var firstA, out var secondA, out var firstB, out var secondB);
            TV.Interleave(firstA, secondA, out var coins0, out var coins1);
            TV.Interleave(firstB, secondB, out var coins2, out var coins3);
            Store(ref counter, votes, w, half, coins0, output);
            Store(ref counter, votes, w + lanes, half, coins1, output);
            Store(ref counter, votes, w + 2 * lanes, half, coins2, output);
            Store(ref counter, votes, w + 3 * lanes, half, coins3, output);
        }
        return w;

        static void Store(ref BitSlicedCounter<TV> counter, ReadOnlySpan<PackedSigns> votes, int w, int half, TV coins, Span<ulong> output)
        {
            counter.Count(votes, w);
            counter.Compare(half, out var positive, out var tie);
            TV.Store(positive | (tie & coins), ref output[w]);
        }
    }

    static void LastWord(ReadOnlySpan<PackedSigns> votes, PackedSigns result, int w, TieBreak tieBreak, in StreamKey tieCoins)
    {
        int n = votes.Length;
        var counter = new BitSlicedCounter<Word1>(BitSlicedCounter<Word1>.PlanesFor(n));
        counter.Count(votes, w);
        counter.Compare(n / 2, out var positive, out var tie);
        ulong word = Word1.GetLane(positive, 0);
        if ((n & 1) == 0)
            word |= Word1.GetLane(tie, 0) & (tieBreak == TieBreak.Positive ? ulong.MaxValue : RandomStream.At(tieCoins, (ulong)w));
        result.Words[w] = word;
    }
}
