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

    /// <summary>Count blocks at once; x0..x3 hold the counters on entry and the outputs on return.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Block<TV>(ref TV x0, ref TV x1, ref TV x2, ref TV x3, uint k0, uint k1)
        where TV : unmanaged, IWordVector<TV>
    {
        var m0 = TV.Broadcast(M0);
        var m1 = TV.Broadcast(M1);
        var low = TV.Broadcast(0xFFFF_FFFFUL);
        for (int r = 0; r < Rounds; r++)
        {
            var p0 = TV.MultiplyLow32(x0, m0);
            var p1 = TV.MultiplyLow32(x2, m1);
            var n0 = (p1 >>> 32) ^ x1 ^ TV.Broadcast(k0);
            var n2 = (p0 >>> 32) ^ x3 ^ TV.Broadcast(k1);
            x1 = p1 & low;
            x3 = p0 & low;
            x0 = n0;
            x2 = n2;
            k0 += W0; k1 += W1;
        }
    }

    /// <summary>
    /// The two 64-bit outputs of the blocks whose indices are in <paramref name="blocks"/>
    /// (one per lane) under <paramref name="key"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Outputs<TV>(in StreamKey key, TV blocks, out TV first, out TV second)
        where TV : unmanaged, IWordVector<TV>
    {
        var low = TV.Broadcast(0xFFFF_FFFFUL);
        var x0 = blocks & low;
        var x1 = ((blocks >>> 32) & TV.Broadcast(0x00FF_FFFFUL)) | TV.Broadcast(key.PurposeWord);
        var x2 = TV.Broadcast(key.Round);
        var x3 = TV.Broadcast(key.Actor);
        Block(ref x0, ref x1, ref x2, ref x3, key.KeyLow, key.KeyHigh);
        first = x0 | (x1 << 32);
        second = x2 | (x3 << 32);
    }

    /// <summary>
    /// <see cref="Outputs{TV}"/> for two independent sets of blocks at once: the two chains of
    /// dependent multiplies advance in the same round loop, so their latencies overlap.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Outputs<TV>(in StreamKey key, TV blocksA, TV blocksB, out TV firstA, out TV secondA, out TV firstB, out TV secondB)
        where TV : unmanaged, IWordVector<TV>
    {
        var low = TV.Broadcast(0xFFFF_FFFFUL);
        var high24 = TV.Broadcast(0x00FF_FFFFUL);
        var purpose = TV.Broadcast(key.PurposeWord);
        var a0 = blocksA & low; var a1 = ((blocksA >>> 32) & high24) | purpose;
        var b0 = blocksB & low; var b1 = ((blocksB >>> 32) & high24) | purpose;
        var a2 = TV.Broadcast(key.Round); var a3 = TV.Broadcast(key.Actor);
        var b2 = a2; var b3 = a3;
        var m0 = TV.Broadcast(M0);
        var m1 = TV.Broadcast(M1);
        uint k0 = key.KeyLow, k1 = key.KeyHigh;
        for (int r = 0; r < Rounds; r++)
        {
            var pa0 = TV.MultiplyLow32(a0, m0); var pb0 = TV.MultiplyLow32(b0, m0);
            var pa1 = TV.MultiplyLow32(a2, m1); var pb1 = TV.MultiplyLow32(b2, m1);
            var kk0 = TV.Broadcast(k0); var kk1 = TV.Broadcast(k1);
            var na0 = (pa1 >>> 32) ^ a1 ^ kk0; var nb0 = (pb1 >>> 32) ^ b1 ^ kk0;
            var na2 = (pa0 >>> 32) ^ a3 ^ kk1; var nb2 = (pb0 >>> 32) ^ b3 ^ kk1;
            a1 = pa1 & low; b1 = pb1 & low;
            a3 = pa0 & low; b3 = pb0 & low;
            a0 = na0; b0 = nb0;
            a2 = na2; b2 = nb2;
            k0 += W0; k1 += W1;
        }
        firstA = a0 | (a1 << 32); secondA = a2 | (a3 << 32);
        firstB = b0 | (b1 << 32); secondB = b2 | (b3 << 32);
    }
}
