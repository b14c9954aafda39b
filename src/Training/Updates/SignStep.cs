using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SignActors.Messages.Packing;
using SignActors.Messages.Simd;

namespace SignActors.Training.Updates;

/// <summary>
/// The sign updates of SPEC §4, fused with unpacking: x_k ← x_k − (s·a_k + c·x_k) with
/// a_k = ±1 read straight from the packed bits, never materialised as a float array.
/// The step s is η_t for sign downlinks, η_t·M_t for scaled majority, s_t for error feedback; the
/// decay step c is η_t·λ in all three (decoupled weight decay).
/// <para>
/// Every path evaluates exactly the expression <c>x - (s * a + c * x)</c> per element, with no
/// fused multiply-add, so all widths (and all replicas) produce identical bits.
/// </para>
/// </summary>
public static class SignStep
{
    public static void Apply(PackedSigns a, Span<float> x, float step, float decayStep = 0f) =>
        Apply(a, x, step, decayStep, SimdPaths.Best);

    public static void Apply(PackedSigns a, Span<float> x, float step, float decayStep, SimdPath path)
    {
        if (x.Length != a.Length)
            throw new ArgumentException($"update of {x.Length} parameters by {a.Length} signs", nameof(x));
        ReadOnlySpan<ulong> words = a.Words;
        int k = SimdPaths.Require(path) switch
        {
            SimdPath.Vector512 => Apply512(words, x, step, decayStep),
            SimdPath.Vector256 => Apply256(words, x, step, decayStep),
            SimdPath.Vector128 => Apply128(words, x, step, decayStep),
            _ => 0,
        };
        for (; k < x.Length; k++)
        {
            float ak = (words[k >> 6] >> (k & 63) & 1) != 0 ? 1f : -1f;
            x[k] = x[k] - (step * ak + decayStep * x[k]);
        }
    }

    /// <summary>The same update with a dense ±1 (or any) float direction: the benchmark's baseline.</summary>
    public static void ApplyDense(ReadOnlySpan<float> a, Span<float> x, float step, float decayStep = 0f)
    {
        if (x.Length != a.Length) throw new ArgumentException($"update of {x.Length} parameters by {a.Length} values", nameof(x));
        int k = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var s = Vector512.Create(step); var l = Vector512.Create(decayStep);
            ref float xr = ref MemoryMarshal.GetReference(x);
            ref float ar = ref MemoryMarshal.GetReference(a);
            for (; k + 16 <= x.Length; k += 16)
            {
                var xv = Vector512.LoadUnsafe(ref xr, (nuint)k);
                (xv - (s * Vector512.LoadUnsafe(ref ar, (nuint)k) + l * xv)).StoreUnsafe(ref xr, (nuint)k);
            }
        }
        for (; k < x.Length; k++) x[k] = x[k] - (step * a[k] + decayStep * x[k]);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static int Apply512(ReadOnlySpan<ulong> words, Span<float> x, float step, float decayStep)
    {
        var laneBits = Vector512.Create(1u, 2u, 4u, 8u, 16u, 32u, 64u, 128u, 256u, 512u, 1024u, 2048u, 4096u, 8192u, 16384u, 32768u);
        var s = Vector512.Create(step); var l = Vector512.Create(decayStep);
        var plus = Vector512.Create(1f); var minus = Vector512.Create(-1f);
        ref float xr = ref MemoryMarshal.GetReference(x);
        int k = 0;
        for (; k + 64 <= x.Length; k += 64)
        {
            ulong w = words[k >> 6];
            for (int q = 0; q < 4; q++)
            {
                var clear = Vector512.Equals(Vector512.Create((uint)(w >> (q << 4))) & laneBits, Vector512<uint>.Zero);
                var av = Vector512.ConditionalSelect(clear.AsSingle(), minus, plus);
                nuint at = (nuint)(k + (q << 4));
                var xv = Vector512.LoadUnsafe(ref xr, at);
                (xv - (s * av + l * xv)).StoreUnsafe(ref xr, at);
            }
        }
        return k;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static int Apply256(ReadOnlySpan<ulong> words, Span<float> x, float step, float decayStep)
    {
        var laneBits = Vector256.Create(1u, 2u, 4u, 8u, 16u, 32u, 64u, 128u);
        var s = Vector256.Create(step); var l = Vector256.Create(decayStep);
        var plus = Vector256.Create(1f); var minus = Vector256.Create(-1f);
        ref float xr = ref MemoryMarshal.GetReference(x);
        int k = 0;
        for (; k + 64 <= x.Length; k += 64)
        {
            ulong w = words[k >> 6];
            for (int q = 0; q < 8; q++)
            {
                var clear = Vector256.Equals(Vector256.Create((uint)(w >> (q << 3))) & laneBits, Vector256<uint>.Zero);
                var av = Vector256.ConditionalSelect(clear.AsSingle(), minus, plus);
                nuint at = (nuint)(k + (q << 3));
                var xv = Vector256.LoadUnsafe(ref xr, at);
                (xv - (s * av + l * xv)).StoreUnsafe(ref xr, at);
            }
        }
        return k;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static int Apply128(ReadOnlySpan<ulong> words, Span<float> x, float step, float decayStep)
    {
        var laneBits = Vector128.Create(1u, 2u, 4u, 8u);
        var s = Vector128.Create(step); var l = Vector128.Create(decayStep);
        var plus = Vector128.Create(1f); var minus = Vector128.Create(-1f);
        ref float xr = ref MemoryMarshal.GetReference(x);
        int k = 0;
        for (; k + 64 <= x.Length; k += 64)
        {
            ulong w = words[k >> 6];
            for (int q = 0; q < 16; q++)
            {
                var clear = Vector128.Equals(Vector128.Create((uint)(w >> (q << 2))) & laneBits, Vector128<uint>.Zero);
                var av = Vector128.ConditionalSelect(clear.AsSingle(), minus, plus);
                nuint at = (nuint)(k + (q << 2));
                var xv = Vector128.LoadUnsafe(ref xr, at);
                (xv - (s * av + l * xv)).StoreUnsafe(ref xr, at);
            }
        }
        return k;
    }
}
