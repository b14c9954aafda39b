using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SignActors.Training.Vectors;

/// <summary>
/// Norms and sums of float vectors in ONE canonical summation order, so every replica, thread
/// count and SIMD width gets the same bits (SPEC §10): element k is added, in double, to
/// accumulator k mod 16, in increasing k; the 16 accumulators are then folded
/// a[i] += a[i+8], a[i] += a[i+4], a[i] += a[i+2], a[i] += a[i+1]. The vector path is the
/// same arithmetic four accumulators at a time.
/// </summary>
public static class Norms
{
    const int Lanes = 16;

    /// <summary>‖v‖_1.</summary>
    public static double L1(ReadOnlySpan<float> v) => Reduce<AbsTerm>(v);

    /// <summary>‖v‖_2.</summary>
    public static double L2(ReadOnlySpan<float> v) => Math.Sqrt(Reduce<SquareTerm>(v));

    /// <summary>‖v‖_1 and ‖v‖_2 in one pass over v, each in the canonical order: the same bits as <see cref="L1"/> and <see cref="L2"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static (double L1, double L2) L1AndL2(ReadOnlySpan<float> v)
    {
        Span<double> abs = stackalloc double[Lanes], squares = stackalloc double[Lanes];
        abs.Clear();
        squares.Clear();
        int k = 0;
        if (Vector256.IsHardwareAccelerated && v.Length >= Lanes)
        {
            var a0 = Vector256<double>.Zero; var a1 = a0; var a2 = a0; var a3 = a0;
            var s0 = a0; var s1 = a0; var s2 = a0; var s3 = a0;
            ref float r = ref MemoryMarshal.GetReference(v);
            for (; k + Lanes <= v.Length; k += Lanes)
            {
                var (l0, l1) = Vector256.Widen(Vector256.LoadUnsafe(ref r, (nuint)k));
                var (h0, h1) = Vector256.Widen(Vector256.LoadUnsafe(ref r, (nuint)(k + 8)));
                a0 += Vector256.Abs(l0); a1 += Vector256.Abs(l1); a2 += Vector256.Abs(h0); a3 += Vector256.Abs(h1);
                s0 += l0 * l0; s1 += l1 * l1; s2 += h0 * h0; s3 += h1 * h1;
            }
            a0.CopyTo(abs); a1.CopyTo(abs[4..]); a2.CopyTo(abs[8..]); a3.CopyTo(abs[12..]);
            s0.CopyTo(squares); s1.CopyTo(squares[4..]); s2.CopyTo(squares[8..]); s3.CopyTo(squares[12..]);
        }
        for (; k < v.Length; k++)
        {
            abs[k & (Lanes - 1)] += AbsTerm.Scalar(v[k]);
            squares[k & (Lanes - 1)] += SquareTerm.Scalar(v[k]);
        }
        return (Fold(abs), Math.Sqrt(Fold(squares)));
    }

    /// <summary>‖v‖_1 and ‖v‖_2 of a double vector, summed in the same canonical order (lane k mod 16, then folded).</summary>
    public static (double L1, double L2) L1AndL2(ReadOnlySpan<double> v)
    {
        Span<double> abs = stackalloc double[Lanes], squares = stackalloc double[Lanes];
        abs.Clear();
        squares.Clear();
        for (int k = 0; k < v.Length; k++)
        {
            abs[k & (Lanes - 1)] += Math.Abs(v[k]);
            squares[k & (Lanes - 1)] += v[k] * v[k];
        }
        return (Fold(abs), Math.Sqrt(Fold(squares)));
    }

    /// <summary>sum ← sum + v, coordinate by coordinate, in double.</summary>
    public static void Accumulate(Span<double> sum, ReadOnlySpan<float> v)
    {
        if (sum.Length != v.Length) throw new ArgumentException($"{v.Length} values added into {sum.Length}", nameof(v));
        for (int k = 0; k < v.Length; k++) sum[k] += v[k];
    }

    /// <summary>Σ v_k.</summary>
    public static double Sum(ReadOnlySpan<float> v) => Reduce<IdentityTerm>(v);

    /// <summary>‖v‖_1 / d (error feedback's scale; 0 for d = 0).</summary>
    public static double MeanAbs(ReadOnlySpan<float> v) => v.Length == 0 ? 0 : L1(v) / v.Length;

    /// <summary>‖v‖_∞ (order-independent). NaN propagates.</summary>
    public static float LInf(ReadOnlySpan<float> v)
    {
        float max = 0f;
        int k = 0;
        if (Vector256.IsHardwareAccelerated && v.Length >= 8)
        {
            var acc = Vector256<float>.Zero;
            var nan = Vector256<float>.Zero;
            ref float r = ref MemoryMarshal.GetReference(v);
            for (; k + 8 <= v.Length; k += 8)
            {
                var x = Vector256.LoadUnsafe(ref r, (nuint)k);
                acc = Vector256.Max(acc, Vector256.Abs(x));
                nan |= ~Vector256.Equals(x, x);
            }
            if (nan != Vector256<float>.Zero) return float.NaN;
            for (int i = 0; i < 8; i++) max = Math.Max(max, acc.GetElement(i));
        }
        for (; k < v.Length; k++)
        {
            float a = Math.Abs(v[k]);
            if (float.IsNaN(a)) return float.NaN;
            if (a > max) max = a;
        }
        return max;
    }

    interface ITerm
    {
        static abstract double Scalar(float x);
        static abstract Vector256<double> Vector(Vector256<double> x);
    }
    readonly struct AbsTerm : ITerm
    {
        public static double Scalar(float x) => Math.Abs((double)x);
        public static Vector256<double> Vector(Vector256<double> x) => Vector256.Abs(x);
    }
    readonly struct SquareTerm : ITerm
    {
        public static double Scalar(float x) => (double)x * x;
        public static Vector256<double> Vector(Vector256<double> x) => x * x;
    }
    readonly struct IdentityTerm : ITerm
    {
        public static double Scalar(float x) => x;
        public static Vector256<double> Vector(Vector256<double> x) => x;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static double Reduce<T>(ReadOnlySpan<float> v) where T : ITerm
    {
        Span<double> acc = stackalloc double[Lanes];
        acc.Clear();
        int k = 0;
        if (Vector256.IsHardwareAccelerated && v.Length >= Lanes)
        {
            var a0 = Vector256<double>.Zero; var a1 = a0; var a2 = a0; var a3 = a0;
            ref float r = ref MemoryMarshal.GetReference(v);
            for (; k + Lanes <= v.Length; k += Lanes)
            {
                var lo = Vector256.LoadUnsafe(ref r, (nuint)k);
                var hi = Vector256.LoadUnsafe(ref r, (nuint)(k + 8));
                var (l0, l1) = Vector256.Widen(lo);
                var (h0, h1) = Vector256.Widen(hi);
                a0 += T.Vector(l0); a1 += T.Vector(l1); a2 += T.Vector(h0); a3 += T.Vector(h1);
            }
            a0.CopyTo(acc); a1.CopyTo(acc[4..]); a2.CopyTo(acc[8..]); a3.CopyTo(acc[12..]);
        }
        for (; k < v.Length; k++) acc[k & (Lanes - 1)] += T.Scalar(v[k]);
        return Fold(acc);
    }

    /// <summary>The scalar reference of the canonical order (tests compare the vector path to it).</summary>
    public static double L1Reference(ReadOnlySpan<float> v)
    {
        Span<double> acc = stackalloc double[Lanes];
        acc.Clear();
        for (int k = 0; k < v.Length; k++) acc[k & (Lanes - 1)] += Math.Abs((double)v[k]);
        return Fold(acc);
    }

    static double Fold(Span<double> a)
    {
        for (int half = Lanes / 2; half >= 1; half >>= 1)
            for (int i = 0; i < half; i++) a[i] += a[i + half];
        return a[0];
    }
}
