using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SignActors.Messages;
using SignActors.Messages.Packing;
using SignActors.Messages.Simd;
using SignActors.Training.Algorithms;
using SignActors.Training.Randomness;
using SignActors.Training.Vectors;

namespace SignActors.Node.Compressors;

/// <summary>
/// The stochastic sign S_R (SPEC §2): coordinate k is +1 with probability
/// (R_k + clip(v_k, −R_k, R_k)) / 2R_k, else −1, so E[S_R(v)_k] = clip(v_k, −R_k, R_k)/R_k.
/// R_k is constant over segments of the coordinates: one segment (one R) for a fixed or `auto`
/// radius, one per parameter tensor for `per-tensor` and `per-tensor-rms`.
/// <para>
/// Coin k is the k-th 32-bit word u_k of the node's round stream (output ⌊k/2⌋, low half for
/// even k), whatever the segments. The bit is set ⇔ u_k &lt; T_k with
/// T_k = ⌊(clip(v_k)/R_k + 1)·2^31⌋ (in double), so P(+1) = T_k / 2^32: exact at v = 0 (½) and at
/// |v| ≥ R_k (0 or 1), within 2^−32 elsewhere. R_k = 0 (an all-zero segment in the previous round)
/// makes every coordinate of the segment a fair coin, the limit of E[S_R(0)] = 0.
/// </para>
/// </summary>
public static class StochasticSign
{
    const int Chunk = 4096; // coordinates per random-fill chunk (16 KiB of coins on the stack)

    public static PackedSigns Compress(ReadOnlySpan<float> v, double radius, in StreamKey coins)
    {
        var signs = new PackedSigns(v.Length);
        Compress(v, radius, coins, signs);
        return signs;
    }

    public static void Compress(ReadOnlySpan<float> v, double radius, in StreamKey coins, PackedSigns destination) =>
        Compress(v, new[] { radius }, new[] { v.Length }, coins, destination);

    /// <summary>S_R with radius <paramref name="radii"/>[i] on coordinates [ends[i−1], ends[i]) (ends ascending, the last = d).</summary>
    public static void Compress(ReadOnlySpan<float> v, ReadOnlySpan<double> radii, ReadOnlySpan<int> ends, in StreamKey coins, PackedSigns destination) =>
        Compress(v, radii, ends, coins, destination, SimdPaths.Best);

    /// <summary>The same on a given SIMD path (tests run every path against the scalar one).</summary>
    public static void Compress(ReadOnlySpan<float> v, ReadOnlySpan<double> radii, ReadOnlySpan<int> ends, in StreamKey coins, PackedSigns destination, SimdPath path)
    {
        if (destination.Length != v.Length) throw new ArgumentException($"cannot pack {v.Length} values into {destination.Length} signs", nameof(destination));
        if (radii.Length != ends.Length || ends.Length == 0 || ends[^1] != v.Length)
            throw new ArgumentException($"{radii.Length} radii for {ends.Length} segments ending at {(ends.Length > 0 ? ends[^1] : 0)}, d = {v.Length}", nameof(ends));
        foreach (double r in radii)
            if (!(r >= 0) || double.IsInfinity(r)) throw new ArgumentOutOfRangeException(nameof(radii), $"S_R radius must be finite and ≥ 0, got {r}");
        SimdPaths.Require(path);
        Span<ulong> words = destination.Words;
        words.Clear();
        Span<ulong> random = stackalloc ulong[Chunk / 2];
        ReadOnlySpan<uint> u = MemoryMarshal.Cast<ulong, uint>(random);
        int segment = 0;
        for (int start = 0; start < v.Length; start += Chunk)
        {
            int end = Math.Min(start + Chunk, v.Length);
            RandomStream.Fill(coins, (ulong)start / 2, random[..((end - start + 1) / 2)]);
            // Each piece of a segment inside this chunk: the vector kernel, then the scalar one for the tail
            // (and from a non-finite value on, which the scalar one reports).
            for (int k = start; k < end;)
            {
                while (k >= ends[segment]) segment++;
                int to = Math.Min(end, ends[segment]);
                double radius = radii[segment], inverse = Inverse(radius);
                var coinsHere = u[(k - start)..(to - start)];
                int done = path switch
                {
                    SimdPath.Vector512 => Thresholds512(v[k..to], coinsHere, radius, inverse, words, k),
                    SimdPath.Vector256 => Thresholds256(v[k..to], coinsHere, radius, inverse, words, k),
                    _ => 0,
                };
                for (int i = k + done; i < to; i++)
                {
                    float x = v[i];
                    if (!float.IsFinite(x)) throw new ArgumentException($"cannot take the sign of a non-finite value: coordinate {i} is {x}", nameof(v));
                    if (u[i - start] < Threshold(x, radius, inverse)) words[i >> 6] |= 1UL << (i & 63);
                }
                k = to;
            }
        }
    }

    /*
     * The vector kernels decide u < T with T = ⌊t⌋, t = (clip(v, −R, R)·(1/R) + 1)·2^31 as Threshold computes
     * it (the same double operations, unfused, so the same t). For an integer u, u < ⌊t⌋ ⇔ u + 1 ≤ t,
     * and u + 1 ≤ 2^32 is exact in double: no rounding to integers is needed. R = 0 gives inverse 0,
     * so t = 2^31 as in Threshold. They stop at the first group holding a non-finite value and return
     * how many coordinates they decided; bit k of the destination is coordinate k.
     */

    static int Thresholds512(ReadOnlySpan<float> v, ReadOnlySpan<uint> u, double radius, double inverse, Span<ulong> words, int first)
    {
        var r = Vector512.Create(radius);
        var (inv, one, scale) = (Vector512.Create(inverse), Vector512.Create(1.0), Vector512.Create(2147483648.0));
        var infinity = Vector256.Create(float.PositiveInfinity);
        ref float vx = ref MemoryMarshal.GetReference(v);
        ref uint ux = ref MemoryMarshal.GetReference(u);
        int i = 0;
        for (; i + 8 <= v.Length; i += 8)
        {
            var x = Vector256.LoadUnsafe(ref vx, (nuint)i);
            if (!Vector256.LessThanAll(Vector256.Abs(x), infinity)) break;
            var c = Vector512.Max(Vector512.Min(Vector512.Create(Vector256.WidenLower(x), Vector256.WidenUpper(x)), r), -r);
            var t = (c * inv + one) * scale;
            var coin = Vector256.LoadUnsafe(ref ux, (nuint)i);
            var ud = Vector512.ConvertToDouble(Vector512.Create(Vector256.WidenLower(coin), Vector256.WidenUpper(coin))) + one;
            Put(words, first + i, Vector512.LessThanOrEqual(ud, t).ExtractMostSignificantBits(), 8);
        }
        return i;
    }

    static int Thresholds256(ReadOnlySpan<float> v, ReadOnlySpan<uint> u, double radius, double inverse, Span<ulong> words, int first)
    {
        var r = Vector256.Create(radius);
        var (inv, one, scale) = (Vector256.Create(inverse), Vector256.Create(1.0), Vector256.Create(2147483648.0));
        var infinity = Vector128.Create(float.PositiveInfinity);
        ref float vx = ref MemoryMarshal.GetReference(v);
        ref uint ux = ref MemoryMarshal.GetReference(u);
        int i = 0;
        for (; i + 4 <= v.Length; i += 4)
        {
            var x = Vector128.LoadUnsafe(ref vx, (nuint)i);
            if (!Vector128.LessThanAll(Vector128.Abs(x), infinity)) break;
            var c = Vector256.Max(Vector256.Min(Vector256.Create(Vector128.WidenLower(x), Vector128.WidenUpper(x)), r), -r);
            var t = (c * inv + one) * scale;
            var coin = Vector128.LoadUnsafe(ref ux, (nuint)i);
            var ud = Vector256.ConvertToDouble(Vector256.Create(Vector128.WidenLower(coin), Vector128.WidenUpper(coin))) + one;
            Put(words, first + i, Vector256.LessThanOrEqual(ud, t).ExtractMostSignificantBits(), 4);
        }
        return i;
    }

    /// <summary>ORs <paramref name="count"/> bits into the packed words at bit position <paramref name="k"/> (they may straddle two words).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Put(Span<ulong> words, int k, ulong bits, int count)
    {
        int shift = k & 63;
        words[k >> 6] |= bits << shift;
        if (shift > 64 - count) words[(k >> 6) + 1] |= bits >> (64 - shift);
    }

    static double Inverse(double radius) => radius > 0 ? 1.0 / radius : 0;

    /// <summary>T = ⌊(clip(v, −R, R)/R + 1)·2^31⌋ ∈ [0, 2^32]; +1 ⇔ coin &lt; T.</summary>
    public static ulong Threshold(float v, double radius, double inverseRadius)
    {
        if (radius == 0) return 1UL << 31;
        double c = Math.Clamp((double)v, -radius, radius);
        return (ulong)((c * inverseRadius + 1.0) * 2147483648.0);
    }

    /// <summary>P(S_R(v) = +1) as implemented: T / 2^32.</summary>
    public static double ProbabilityPositive(float v, double radius) =>
        Threshold(v, radius, Inverse(radius)) / 4294967296.0;

    /// <summary>‖v_τ‖_∞ of each segment [ends[i−1], ends[i]) — per parameter tensor when the ends are the layout's.</summary>
    public static float[] SegmentLInf(ReadOnlySpan<float> v, ReadOnlySpan<int> ends)
    {
        var norms = new float[ends.Length];
        for (int i = 0, start = 0; i < ends.Length; start = ends[i], i++) norms[i] = Norms.LInf(v[start..ends[i]]);
        return norms;
    }

    /// <summary>‖v_τ‖₂/√d_τ (root mean square) of each segment, in the canonical summation order.</summary>
    public static float[] SegmentRms(ReadOnlySpan<float> v, ReadOnlySpan<int> ends)
    {
        var norms = new float[ends.Length];
        for (int i = 0, start = 0; i < ends.Length; start = ends[i], i++)
            norms[i] = ends[i] == start ? 0f : (float)(Norms.L2(v[start..ends[i]]) / Math.Sqrt(ends[i] - start));
        return norms;
    }

    /// <summary>The per-tensor statistic a radius rule broadcasts: ‖v_τ‖_∞ (per-tensor) or its RMS (per-tensor-rms); null for the others.</summary>
    public static float[]? TensorNorms(RadiusRule rule, ReadOnlySpan<float> v, ReadOnlySpan<int> ends) => rule.Kind switch
    {
        RadiusKind.PerTensor => SegmentLInf(v, ends),
        RadiusKind.PerTensorRms => SegmentRms(v, ends),
        _ => null,
    };
}
