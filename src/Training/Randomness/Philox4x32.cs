using System.Runtime.CompilerServices;
using SignActors.Messages.Simd;

namespace SignActors.Training.Randomness;

/// <summary>
/// Philox4x32-10, the counter-based generator of Random123 (Salmon, Moraes, Dror, Shaw, SC'11):
/// a keyed bijection of a 128-bit counter, so any draw is computable from its index alone.
/// Written once over <see cref="IWordVector{TSelf}"/> lanes (each lane holds one 32-bit word in
/// its low half); every SIMD width computes exactly the same integers.
/// </summary>
public static class Philox4x32
{
    public const uint M0 = 0xD251_1F53, M1 = 0xCD9E_8D57;
    public const uint W0 = 0x9E37_79B9, W1 = 0xBB67_AE85;
    public const int Rounds = 10;

    /// <summary>One block, scalar: the reference the tests check against Random123's known answers.</summary>
    public static (uint X0, uint X1, uint X2, uint X3) Block(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1)
    {
        for (int r = 0; r < Rounds; r++)
        {
            ulong p0 = (ulong)M0 * c0, p1 = (ulong)M1 * c2;
            (c0, c1, c2, c3) = ((uint)(p1 >> 32) ^ c1 ^ k0, (uint)p1, (uint)(p0 >> 32) ^ c3 ^ k1, (uint)p0);
            k0 += W0; k1 += W1;
        }
        return (c0, c1, c2, c3);
    }

    /// <summary>Block <paramref name="block"/> of stream <paramref name="key"/>, scalar (counter layout: <see cref="StreamKey"/>).</summary>
    public static (uint X0, uint X1, uint X2, uint X3) Block(in StreamKey key, ulong block) =>
        Block((uint)block, key.PurposeWord | (uint)(block >> 32), key.Round, key.Actor, key.KeyLow, key.KeyHigh);

    /// <summary>Count blocks at once; x0..x3 hold the counters on entry and the outputs on return.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Block<TV>(ref TV x0, ref TV x1, ref TV x2, ref TV x3, uint k0, uint k1)
        where TV : unmanaged, IWordVector<TV>
    {
        for (int r = 0; r < Rounds; r++)
        {
            Round(ref x0, ref x1, ref x2, ref x3, TV.Broadcast(k0), TV.Broadcast(k1));
            k0 += W0; k1 += W1;
        }
        var low = TV.Broadcast(0xFFFF_FFFFUL);
        x0 &= low; x1 &= low; x2 &= low; x3 &= low;
    }

    /// <summary>
    /// One Philox round on Count blocks: each lane's low half holds one 32-bit word. The high
    /// halves are left as garbage — the multiplies read only low halves and the xors never move
    /// high bits down — so masking happens once, after the last round (two operations fewer per round).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Round<TV>(ref TV x0, ref TV x1, ref TV x2, ref TV x3, TV k0, TV k1) where TV : unmanaged, IWordVector<TV>
    {
        var p0 = TV.MultiplyLow32(x0, TV.Broadcast(M0));
        var p1 = TV.MultiplyLow32(x2, TV.Broadcast(M1));
        var n0 = (p1 >>> 32) ^ x1 ^ k0;
        var n2 = (p0 >>> 32) ^ x3 ^ k1;
        x1 = p1;
        x3 = p0;
        x0 = n0;
        x2 = n2;
    }

    /// <summary>The counters of the blocks in <paramref name="blocks"/> (one per lane), laid out as <see cref="StreamKey"/> documents.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Counters<TV>(in StreamKey key, TV blocks, out TV x0, out TV x1, out TV x2, out TV x3)
        where TV : unmanaged, IWordVector<TV>
    {
        x0 = blocks & TV.Broadcast(0xFFFF_FFFFUL);
        x1 = ((blocks >>> 32) & TV.Broadcast(0x00FF_FFFFUL)) | TV.Broadcast(key.PurposeWord);
        x2 = TV.Broadcast(key.Round);
        x3 = TV.Broadcast(key.Actor);
    }

    /// <summary>
    /// The two 64-bit outputs of the blocks whose indices are in <paramref name="blocks"/>
    /// (one per lane) under <paramref name="key"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Outputs<TV>(in StreamKey key, TV blocks, out TV first, out TV second)
        where TV : unmanaged, IWordVector<TV>
    {
        Counters(key, blocks, out var x0, out var x1, out var x2, out var x3);
        Block(ref x0, ref x1, ref x2, ref x3, key.KeyLow, key.KeyHigh);
        first = x0 | (x1 << 32);
        second = x2 | (x3 << 32);
    }

    /// <summary>
    /// <see cref="Outputs{TV}(in StreamKey, TV, out TV, out TV)"/> for two independent sets of
    /// blocks: the two chains of dependent multiplies advance in the same round loop, so their
    /// latencies overlap.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Outputs<TV>(in StreamKey key, TV blocksA, TV blocksB, out TV firstA, out TV secondA, out TV firstB, out TV secondB)
        where TV : unmanaged, IWordVector<TV>
    {
        Counters(key, blocksA, out var a0, out var a1, out var a2, out var a3);
        Counters(key, blocksB, out var b0, out var b1, out var b2, out var b3);
        uint k0 = key.KeyLow, k1 = key.KeyHigh;
        for (int r = 0; r < Rounds; r++)
        {
            var kk0 = TV.Broadcast(k0); var kk1 = TV.Broadcast(k1);
            Round(ref a0, ref a1, ref a2, ref a3, kk0, kk1);
            Round(ref b0, ref b1, ref b2, ref b3, kk0, kk1);
            k0 += W0; k1 += W1;
        }
        var low = TV.Broadcast(0xFFFF_FFFFUL);
        firstA = (a0 & low) | (a1 << 32); secondA = (a2 & low) | (a3 << 32);
        firstB = (b0 & low) | (b1 << 32); secondB = (b2 & low) | (b3 << 32);
    }
}
