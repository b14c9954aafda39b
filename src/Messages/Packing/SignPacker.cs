using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SignActors.Messages.Simd;

namespace SignActors.Messages.Packing;

/// <summary>
/// float ↔ packed signs. Bit k is set ⇔ v[k] ≥ 0, so sign(0) = sign(−0.0) = +1.
/// NaN or ±Inf anywhere is an <see cref="ArgumentException"/> naming the first bad index: a
/// non-finite gradient has no sign, and sending one would silently corrupt the vote.
/// </summary>
public static class SignPacker
{
    const uint ExponentMask = 0x7F80_0000;

    public static PackedSigns Pack(ReadOnlySpan<float> values)
    {
        var signs = new PackedSigns(values.Length);
        Pack(values, signs, SimdPaths.Best);
        return signs;
    }

    public static void Pack(ReadOnlySpan<float> values, PackedSigns destination) => Pack(values, destination, SimdPaths.Best);

    public static void Pack(ReadOnlySpan<float> values, PackedSigns destination, SimdPath path)
    {
        if (values.Length != destination.Length)
            throw new ArgumentException($"cannot pack {values.Length} values into {destination.Length} signs", nameof(values));
        Span<ulong> words = destination.Words;
        int full = values.Length >> 6;
        ref float v0 = ref MemoryMarshal.GetReference(values);
        bool finite = SimdPaths.Require(path) switch
        {
            SimdPath.Vector512 => PackWords512(ref v0, words, full),
            SimdPath.Vector256 => PackWords256(ref v0, words, full),
            SimdPath.Vector128 => PackWords128(ref v0, words, full),
            _ => PackWordsScalar(values, words, full),
        };
        if (!finite) ThrowFirstNonFinite(values[..(full << 6)]);
        int rest = values.Length - (full << 6);
        if (rest > 0)
        {
            var tail = values[(full << 6)..];
            if (!IsAllFinite(tail)) ThrowFirstNonFinite(values);
            words[full] = PackScalarWord(tail);
        }
    }

    /// <summary>Reference implementation, one coordinate at a time (the benchmark's scalar baseline).</summary>
    public static void PackScalar(ReadOnlySpan<float> values, PackedSigns destination)
    {
        if (values.Length != destination.Length)
            throw new ArgumentException($"cannot pack {values.Length} values into {destination.Length} signs", nameof(values));
        Span<ulong> words = destination.Words;
        words.Clear();
        for (int k = 0; k < values.Length; k++)
        {
            float v = values[k];
            if (!float.IsFinite(v)) throw NonFinite(k, v);
            if (v >= 0f) words[k >> 6] |= 1UL << (k & 63);
        }
    }

    /// <summary>Writes ±1.0f for every coordinate.</summary>
    public static void Unpack(PackedSigns signs, Span<float> destination)
    {
        if (destination.Length != signs.Length)
            throw new ArgumentException($"cannot unpack {signs.Length} signs into {destination.Length} floats", nameof(destination));
        ReadOnlySpan<ulong> words = signs.Words;
        int k = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var laneBits = Vector512.Create(1u, 2u, 4u, 8u, 16u, 32u, 64u, 128u, 256u, 512u, 1024u, 2048u, 4096u, 8192u, 16384u, 32768u);
            for (; k + 16 <= destination.Length; k += 16)
            {
                uint bits = (uint)(words[k >> 6] >> (k & 63)) & 0xFFFF;
                var clear = Vector512.Equals(Vector512.Create(bits) & laneBits, Vector512<uint>.Zero);
                Vector512.ConditionalSelect(clear.AsSingle(), Vector512.Create(-1f), Vector512.Create(1f))
                    .StoreUnsafe(ref destination[k]);
            }
        }
        for (; k < destination.Length; k++)
            destination[k] = (words[k >> 6] >> (k & 63) & 1) != 0 ? 1f : -1f;
    }

    public static bool IsAllFinite(ReadOnlySpan<float> values)
    {
        foreach (var v in values) if (!float.IsFinite(v)) return false;
        return true;
    }

    static ulong PackScalarWord(ReadOnlySpan<float> values)
    {
        ulong w = 0;
        for (int i = 0; i < values.Length; i++)
            if (values[i] >= 0f) w |= 1UL << i;
        return w;
    }

    static bool PackWordsScalar(ReadOnlySpan<float> values, Span<ulong> words, int full)
    {
        bool finite = true;
        for (int w = 0; w < full; w++)
        {
            var chunk = values.Slice(w << 6, 64);
            ulong word = 0;
            for (int i = 0; i < 64; i++)
            {
                float v = chunk[i];
                finite &= float.IsFinite(v);
                if (v >= 0f) word |= 1UL << i;
            }
            words[w] = word;
        }
        return finite;
    }

    // Per 64 coordinates: compare v ≥ 0 lane-wise, gather the lane masks into one word, and
    // OR-accumulate "exponent all ones" (NaN/Inf) so the finiteness check costs no branch per vector.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static bool PackWords512(ref float v0, Span<ulong> words, int full)
    {
        var zero = Vector512<float>.Zero;
        var exp = Vector512.Create(ExponentMask);
        var bad = Vector512<uint>.Zero;
        for (int w = 0; w < full; w++)
        {
            ref float p = ref Unsafe.Add(ref v0, w << 6);
            var a = Vector512.LoadUnsafe(ref p);
            var b = Vector512.LoadUnsafe(ref p, 16);
            var c = Vector512.LoadUnsafe(ref p, 32);
            var d = Vector512.LoadUnsafe(ref p, 48);
            bad |= Vector512.Equals(a.AsUInt32() & exp, exp) | Vector512.Equals(b.AsUInt32() & exp, exp)
                 | Vector512.Equals(c.AsUInt32() & exp, exp) | Vector512.Equals(d.AsUInt32() & exp, exp);
            words[w] = Vector512.GreaterThanOrEqual(a, zero).ExtractMostSignificantBits()
                     | Vector512.GreaterThanOrEqual(b, zero).ExtractMostSignificantBits() << 16
                     | Vector512.GreaterThanOrEqual(c, zero).ExtractMostSignificantBits() << 32
                     | Vector512.GreaterThanOrEqual(d, zero).ExtractMostSignificantBits() << 48;
        }
        return bad == Vector512<uint>.Zero;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static bool PackWords256(ref float v0, Span<ulong> words, int full)
    {
        var zero = Vector256<float>.Zero;
        var exp = Vector256.Create(ExponentMask);
        var bad = Vector256<uint>.Zero;
        for (int w = 0; w < full; w++)
        {
            ref float p = ref Unsafe.Add(ref v0, w << 6);
            ulong word = 0;
            for (int i = 0; i < 8; i++)
            {
                var a = Vector256.LoadUnsafe(ref p, (nuint)(i << 3));
                bad |= Vector256.Equals(a.AsUInt32() & exp, exp);
                word |= (ulong)Vector256.GreaterThanOrEqual(a, zero).ExtractMostSignificantBits() << (i << 3);
            }
            words[w] = word;
        }
        return bad == Vector256<uint>.Zero;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static bool PackWords128(ref float v0, Span<ulong> words, int full)
    {
        var zero = Vector128<float>.Zero;
        var exp = Vector128.Create(ExponentMask);
        var bad = Vector128<uint>.Zero;
        for (int w = 0; w < full; w++)
        {
            ref float p = ref Unsafe.Add(ref v0, w << 6);
            ulong word = 0;
            for (int i = 0; i < 16; i++)
            {
                var a = Vector128.LoadUnsafe(ref p, (nuint)(i << 2));
                bad |= Vector128.Equals(a.AsUInt32() & exp, exp);
                word |= (ulong)Vector128.GreaterThanOrEqual(a, zero).ExtractMostSignificantBits() << (i << 2);
            }
            words[w] = word;
        }
        return bad == Vector128<uint>.Zero;
    }

    static void ThrowFirstNonFinite(ReadOnlySpan<float> values)
    {
        for (int k = 0; k < values.Length; k++)
            if (!float.IsFinite(values[k])) throw NonFinite(k, values[k]);
    }

    static ArgumentException NonFinite(int k, float v) =>
        new($"cannot take the sign of a non-finite value: coordinate {k} is {v}", "values");
}
