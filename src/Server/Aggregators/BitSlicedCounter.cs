using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SignActors.Messages.Packing;
using SignActors.Messages.Simd;

namespace SignActors.Server.Aggregators;

/// <summary>
/// Per-coordinate vote counts held bit-sliced: plane i holds bit i of the count of +1 votes for
/// each of the 64·lanes coordinates of a word vector. Adding votes is a ripple of AND/XOR over
/// the planes, so n votes of 64 coordinates cost O(n log n) word operations instead of 64·n
/// float additions.
/// <para>
/// The planes travel as eight separate locals (out parameters of inlined methods), never as a
/// struct or a span: the JIT keeps separate vector locals in registers, but spilled a struct of
/// eight vectors to the stack after every count. 8 planes hold counts up to 255, one block.
/// </para>
/// <para>
/// More votes are counted once, when they are gathered (<see cref="VoteRows"/>): block by block
/// (255 votes each) over every word, each block's 8-plane count added into wider planes held in
/// memory with a bit-sliced ripple adder. Block-outer order keeps 255 rows streaming at a time, as
/// for a small federation, instead of touching 10,000 rows per word. 16 planes hold counts up to
/// 65,535 (<see cref="BitSlicedVotes.MaxVotes"/>); kernels then read those planes.
/// </para>
/// </summary>
internal static class BitSlicedCounter
{
    /// <summary>Planes of one block's count (votes 0..255).</summary>
    public const int BlockPlanes = 8;

    /// <summary>Planes of the widest count (votes 0..65,535).</summary>
    public const int MaxPlanes = 16;

    /// <summary>Planes needed to hold counts 0..n.</summary>
    public static int PlanesFor(int n) => 32 - BitOperations.LeadingZeroCount((uint)n);

    /// <summary>p0..p7 ← the bit planes of the counts of +1 among the votes (at most one block) at words [w, w + lanes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Count<TV>(in VoteRows votes, int w, out TV p0, out TV p1, out TV p2, out TV p3, out TV p4, out TV p5, out TV p6, out TV p7)
        where TV : unmanaged, IWordVector<TV>
    {
        p0 = TV.Zero; p1 = TV.Zero; p2 = TV.Zero; p3 = TV.Zero; p4 = TV.Zero; p5 = TV.Zero; p6 = TV.Zero; p7 = TV.Zero;
        int n = votes.Count;
        for (int j = 0; j < n; j += 2)
        {
            // Two votes per step: a full adder into plane 0 (one vpternlog per line on AVX-512; with
            // b = 0 for an odd last vote it is a half adder), then the carry ripples upwards.
            var a = votes.Load<TV>(j, w);
            var b = j + 1 < n ? votes.Load<TV>(j + 1, w) : TV.Zero;
            var c = (p0 & a) | (b & (p0 ^ a));
            p0 ^= a ^ b;
            int top = PlanesFor(Math.Min(j + 2, n)); // after these votes the count fits in this many planes
            if (top <= 1) continue;
            var t = p1 & c; p1 ^= c; c = t;
            if (top <= 2) continue;
            t = p2 & c; p2 ^= c; c = t;
            if (top <= 3) continue;
            t = p3 & c; p3 ^= c; c = t;
            if (top <= 4) continue;
            t = p4 & c; p4 ^= c; c = t;
            if (top <= 5) continue;
            t = p5 & c; p5 ^= c; c = t;
            if (top <= 6) continue;
            t = p6 & c; p6 ^= c; c = t;
            if (top <= 7) continue;
            p7 ^= c;
        }
    }

    /// <summary>The planes of the counts, into <paramref name="planes"/> (for kernels that go on to do arithmetic on them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Count<TV>(in VoteRows votes, int w, Span<TV> planes) where TV : unmanaged, IWordVector<TV>
    {
        if (votes.Wide is { } wide)
        {
            if (planes.Length > wide.Length) throw new ArgumentOutOfRangeException(nameof(planes), $"the counts have {wide.Length} planes, {planes.Length} asked for");
            for (int i = 0; i < planes.Length; i++) planes[i] = TV.Load(in wide[i][w]);
            return;
        }
        if (planes.Length > BlockPlanes) throw new ArgumentOutOfRangeException(nameof(planes), $"at most {BlockPlanes} planes for one block, got {planes.Length}");
        Count<TV>(votes, w, out var p0, out var p1, out var p2, out var p3, out var p4, out var p5, out var p6, out var p7);
        // Unrolled: passing eight vectors on to a helper made the JIT copy them through the stack.
        switch (planes.Length)
        {
            case 8: planes[7] = p7; goto case 7;
            case 7: planes[6] = p6; goto case 6;
            case 6: planes[5] = p5; goto case 5;
            case 5: planes[4] = p4; goto case 4;
            case 4: planes[3] = p3; goto case 3;
            case 3: planes[2] = p2; goto case 2;
            case 2: planes[1] = p1; goto case 1;
            case 1: planes[0] = p0; break;
        }
    }

    /// <summary>
    /// Counts the votes at words [w, w + lanes) and compares the counts with k: lanes where
    /// count &gt; k, and where count == k (k &lt; 2^planes). Most significant plane first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CountAndCompare<TV>(in VoteRows votes, int w, int k, out TV greater, out TV equal) where TV : unmanaged, IWordVector<TV>
    {
        if (votes.Wide is { } wide)
        {
            CompareWide(wide, w, k, out greater, out equal);
            return;
        }
        Count<TV>(votes, w, out var p0, out var p1, out var p2, out var p3, out var p4, out var p5, out var p6, out var p7);
        int planes = PlanesFor(votes.Count);
        var gt = TV.Zero;
        var eq = TV.AllBits;
        if (planes > 7) CompareDigit(ref gt, ref eq, p7, k >> 7);
        if (planes > 6) CompareDigit(ref gt, ref eq, p6, k >> 6);
        if (planes > 5) CompareDigit(ref gt, ref eq, p5, k >> 5);
        if (planes > 4) CompareDigit(ref gt, ref eq, p4, k >> 4);
        if (planes > 3) CompareDigit(ref gt, ref eq, p3, k >> 3);
        if (planes > 2) CompareDigit(ref gt, ref eq, p2, k >> 2);
        if (planes > 1) CompareDigit(ref gt, ref eq, p1, k >> 1);
        CompareDigit(ref gt, ref eq, p0, k);
        greater = gt;
        equal = eq;
    }

    /// <summary>
    /// The bit planes of the counts of +1 over every word of <paramref name="blocks"/> (plane i,
    /// word w at [i][w]): each block counted into 8 planes, then added in with a ripple-carry adder
    /// (sum = a ⊕ b ⊕ c, carry = majority(a, b, c)). Exact integers, so any SIMD path gives the same planes.
    /// </summary>
    public static ulong[][] CountWide(VoteRows[] blocks, int votes, int words)
    {
        var planes = new ulong[PlanesFor(votes)][];
        for (int i = 0; i < planes.Length; i++) planes[i] = new ulong[words];
        foreach (var block in blocks)
        {
            int w = SimdPaths.Best switch
            {
                SimdPath.Vector512 => AddBlock<Words8>(block, planes, 0, words),
                SimdPath.Vector256 => AddBlock<Words4>(block, planes, 0, words),
                SimdPath.Vector128 => AddBlock<Words2>(block, planes, 0, words),
                _ => 0,
            };
            AddBlock<Word1>(block, planes, w, words);
        }
        return planes;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static int AddBlock<TV>(in VoteRows block, ulong[][] planes, int w, int words) where TV : unmanaged, IWordVector<TV>
    {
        for (; w + TV.Count <= words; w += TV.Count)
        {
            Count<TV>(block, w, out var p0, out var p1, out var p2, out var p3, out var p4, out var p5, out var p6, out var p7);
            var carry = TV.Zero;
            for (int i = 0; i < planes.Length; i++)
            {
                var a = TV.Load(in planes[i][w]);
                var b = i switch { 0 => p0, 1 => p1, 2 => p2, 3 => p3, 4 => p4, 5 => p5, 6 => p6, 7 => p7, _ => TV.Zero };
                TV.Store(a ^ b ^ carry, ref planes[i][w]);
                carry = (a & b) | (carry & (a ^ b));
            }
        }
        return w;
    }

    /// <summary><see cref="CountAndCompare{TV}"/> on counts already in wide planes: the same most-significant-first comparison.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    static void CompareWide<TV>(ulong[][] planes, int w, int k, out TV greater, out TV equal) where TV : unmanaged, IWordVector<TV>
    {
        var gt = TV.Zero;
        var eq = TV.AllBits;
        for (int i = planes.Length - 1; i >= 0; i--) CompareDigit(ref gt, ref eq, TV.Load(in planes[i][w]), k >> i);
        greater = gt;
        equal = eq;
    }

    /// <summary>One plane of a most-significant-first comparison with the low bit of k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void CompareDigit<TV>(ref TV greater, ref TV equal, TV plane, int k) where TV : unmanaged, IWordVector<TV>
    {
        if ((k & 1) != 0) equal &= plane;
        else
        {
            greater |= equal & plane;
            equal &= ~plane;
        }
    }
}

/// <summary>
/// The votes' word arrays, gathered once per aggregation so the counting loop loads vote j's
/// words with one indirection and no bounds checks. Safe because <see cref="BitSlicedVotes.Gather"/>
/// has proven every row as long as the result, and kernels only read whole vectors below its
/// word count.
/// </summary>
internal readonly struct VoteRows
{
    readonly ulong[][] _rows;

    /// <param name="words">Words per row (the kernels read below it).</param>
    public VoteRows(ulong[][] rows, int words)
    {
        _rows = rows;
        if (rows.Length <= BitSlicedVotes.BlockVotes) return;
        var blocks = new VoteRows[(rows.Length + BitSlicedVotes.BlockVotes - 1) / BitSlicedVotes.BlockVotes];
        for (int b = 0; b < blocks.Length; b++)
            blocks[b] = new VoteRows(rows[(b * BitSlicedVotes.BlockVotes)..Math.Min(rows.Length, (b + 1) * BitSlicedVotes.BlockVotes)], words);
        Wide = BitSlicedCounter.CountWide(blocks, rows.Length, words);
    }

    public int Count => _rows.Length;

    /// <summary>More than one block of votes: their counts, counted once at gathering, as bit planes [plane][word]; null for one block.</summary>
    public ulong[][]? Wide { get; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Load<TV>(int j, int w) where TV : unmanaged, IWordVector<TV> =>
        TV.Load(in Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_rows), j)), w));
}

internal static class BitSlicedVotes
{
    /// <summary>Votes one 8-plane count takes.</summary>
    public const int BlockVotes = 255;

    /// <summary>Largest federation the bit-sliced kernels take in one aggregation (16-plane counts).</summary>
    public const int MaxVotes = Training.Algorithms.AlgorithmSpec.MaxCountedVotes;

    public static void Check(ReadOnlySpan<PackedSigns> votes)
    {
        if (votes.Length == 0) throw new ArgumentException("cannot aggregate zero votes", nameof(votes));
        if (votes.Length > MaxVotes) throw new ArgumentException($"at most {MaxVotes} votes per aggregation, got {votes.Length}", nameof(votes));
        int d = votes[0].Length;
        for (int j = 1; j < votes.Length; j++)
            if (votes[j].Length != d) throw new ArgumentException($"vote {j} has d={votes[j].Length}, vote 0 has d={d}", nameof(votes));
    }

    /// <summary>Checks the votes against the result and gathers their rows for the kernels.</summary>
    public static VoteRows Gather(ReadOnlySpan<PackedSigns> votes, PackedSigns result)
    {
        Check(votes);
        if (result.Length != votes[0].Length)
            throw new ArgumentException($"result has d={result.Length}, votes have d={votes[0].Length}", nameof(result));
        return Gather(votes);
    }

    /// <summary>Checks the votes and gathers their rows for the kernels.</summary>
    public static VoteRows Gather(ReadOnlySpan<PackedSigns> votes)
    {
        Check(votes);
        var rows = new ulong[votes.Length][];
        for (int j = 0; j < rows.Length; j++) rows[j] = votes[j].WordArray;
        return new VoteRows(rows, votes[0].WordCount);
    }
}
