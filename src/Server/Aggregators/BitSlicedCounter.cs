using System.Numerics;
using System.Runtime.CompilerServices;
using SignActors.Messages.Packing;
using SignActors.Messages.Simd;

namespace SignActors.Server.Aggregators;

/// <summary>
/// Per-coordinate vote counts held bit-sliced: plane i holds bit i of the count of +1 votes for
/// each of the 64·lanes coordinates of a word vector. Adding a vote is a ripple of AND/XOR over
/// the planes, so n votes of 64 coordinates cost O(n log n) word operations instead of 64·n
/// float additions.
/// <para>
/// The planes are fields, and <see cref="Count"/> ripples through locals, so the per-vote work
/// stays in vector registers; 8 planes hold counts up to 255 (<see cref="BitSlicedVotes.MaxVotes"/>).
/// </para>
/// </summary>
internal struct BitSlicedCounter<TV> where TV : unmanaged, IWordVector<TV>
{
    public const int MaxPlanes = 8;
    TV _p0, _p1, _p2, _p3, _p4, _p5, _p6, _p7;
    readonly int _planes;

    public BitSlicedCounter(int planes)
    {
        if (planes is < 1 or > MaxPlanes) throw new ArgumentOutOfRangeException(nameof(planes), $"1..{MaxPlanes} planes, got {planes}");
        _planes = planes;
    }

    /// <summary>Planes needed to hold counts 0..n.</summary>
    public static int PlanesFor(int n) => 32 - BitOperations.LeadingZeroCount((uint)n);

    /// <summary>All planes ← counts of +1 among the votes at words [w, w + lanes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Count(ReadOnlySpan<PackedSigns> votes, int w)
    {
        // Work on locals so the ripple stays in registers even where the JIT keeps this struct in memory.
        TV p0 = TV.Zero, p1 = TV.Zero, p2 = TV.Zero, p3 = TV.Zero, p4 = TV.Zero, p5 = TV.Zero, p6 = TV.Zero, p7 = TV.Zero;
        for (int j = 0; j < votes.Length; j++)
        {
            var c = TV.Load(ref votes[j].Words[w]);
            int top = PlanesFor(j + 1); // after j+1 votes the count fits in bitlen(j+1) planes
            var t = p0 & c; p0 ^= c; c = t;
            if (top <= 1) continue;
            t = p1 & c; p1 ^= c; c = t;
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
        _p0 = p0; _p1 = p1; _p2 = p2; _p3 = p3; _p4 = p4; _p5 = p5; _p6 = p6; _p7 = p7;
    }

    /// <summary>Lanes where count &gt; k, and where count == k (k &lt; 2^planes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Compare(int k, out TV greater, out TV equal)
    {
        var gt = TV.Zero;
        var eq = TV.AllBits;
        for (int i = _planes - 1; i >= 0; i--)
        {
            var plane = Plane(i);
            if ((k >> i & 1) != 0) eq &= plane;
            else
            {
                gt |= eq & plane;
                eq &= ~plane;
            }
        }
        greater = gt;
        equal = eq;
    }

    /// <summary>Bit i of the count of every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly TV Plane(int i) => i switch
    {
        0 => _p0, 1 => _p1, 2 => _p2, 3 => _p3, 4 => _p4, 5 => _p5, 6 => _p6, 7 => _p7,
        _ => throw new ArgumentOutOfRangeException(nameof(i)),
    };
}

internal static class BitSlicedVotes
{
    /// <summary>Largest federation the bit-sliced kernels take in one pass (counts up to 255).</summary>
    public const int MaxVotes = 255;

    public static void Check(ReadOnlySpan<PackedSigns> votes)
    {
        if (votes.Length == 0) throw new ArgumentException("cannot aggregate zero votes", nameof(votes));
        if (votes.Length > MaxVotes) throw new ArgumentException($"at most {MaxVotes} votes per aggregation, got {votes.Length}", nameof(votes));
        int d = votes[0].Length;
        for (int j = 1; j < votes.Length; j++)
            if (votes[j].Length != d) throw new ArgumentException($"vote {j} has d={votes[j].Length}, vote 0 has d={d}", nameof(votes));
    }

    public static void Check(ReadOnlySpan<PackedSigns> votes, PackedSigns result)
    {
        Check(votes);
        if (result.Length != votes[0].Length)
            throw new ArgumentException($"result has d={result.Length}, votes have d={votes[0].Length}", nameof(result));
    }
}
