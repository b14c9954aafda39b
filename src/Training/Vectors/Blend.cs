using System.Numerics;
using System.Runtime.InteropServices;

namespace SignActors.Training.Vectors;

/// <summary>
/// Element-wise updates of an estimator's buffer, vectorised with exactly the scalar expression's
/// operations in the same order (two products, then the sum; never fused), so every width gives
/// the scalar loop's bits.
/// </summary>
public static class Blend
{
    /// <summary>v_k ← keep·v_k + take·g_k (momentum: keep = 1 − β, take = β).</summary>
    public static void Momentum(Span<float> v, ReadOnlySpan<float> g, float keep, float take)
    {
        if (g.Length != v.Length) throw new ArgumentException($"gradient of length {g.Length} for a buffer of {v.Length}", nameof(g));
        int k = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vs = MemoryMarshal.Cast<float, Vector<float>>(v);
            var gs = MemoryMarshal.Cast<float, Vector<float>>(g);
            var (kv, tv) = (new Vector<float>(keep), new Vector<float>(take));
            for (int i = 0; i < vs.Length; i++) vs[i] = kv * vs[i] + tv * gs[i];
            k = vs.Length * Vector<float>.Count;
        }
        for (; k < v.Length; k++) v[k] = keep * v[k] + take * g[k];
    }
}
