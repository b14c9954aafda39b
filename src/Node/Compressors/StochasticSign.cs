using System.Runtime.InteropServices;
using SignActors.Messages;
using SignActors.Messages.Packing;
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
    public static void Compress(ReadOnlySpan<float> v, ReadOnlySpan<double> radii, ReadOnlySpan<int> ends, in StreamKey coins, PackedSigns destination)
    {
        if (destination.Length != v.Length) throw new ArgumentException($"cannot pack {v.Length} values into {destination.Length} signs", nameof(destination));
        if (radii.Length != ends.Length || ends.Length == 0 || ends[^1] != v.Length)
            throw new ArgumentException($"{radii.Length} radii for {ends.Length} segments ending at {(ends.Length > 0 ? ends[^1] : 0)}, d = {v.Length}", nameof(ends));
        foreach (double r in radii)
            if (!(r >= 0) || double.IsInfinity(r)) throw new ArgumentOutOfRangeException(nameof(radii), $"S_R radius must be finite and ≥ 0, got {r}");
        Span<ulong> words = destination.Words;
        words.Clear();
        Span<ulong> random = stackalloc ulong[Chunk / 2];
        ReadOnlySpan<uint> u = MemoryMarshal.Cast<ulong, uint>(random);
        int segment = 0;
        double radius = radii[0], inverse = Inverse(radius);
        for (int start = 0; start < v.Length; start += Chunk)
        {
            int count = Math.Min(Chunk, v.Length - start);
            var coinsHere = random[..((count + 1) / 2)];
            RandomStream.Fill(coins, (ulong)start / 2, coinsHere);
            for (int i = 0; i < count; i++)
            {
                int k = start + i;
                while (k >= ends[segment]) { segment++; radius = radii[segment]; inverse = Inverse(radius); }
                float x = v[k];
                if (!float.IsFinite(x)) throw new ArgumentException($"cannot take the sign of a non-finite value: coordinate {k} is {x}", nameof(v));
                if (u[i] < Threshold(x, radius, inverse)) words[k >> 6] |= 1UL << (k & 63);
            }
        }
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

/// <summary>
/// S_R with the radius rule of the algorithm (SPEC §2): a fixed R; `auto` — R_t from the server's
/// broadcast, in round 1 the node's own ‖v‖_∞; `per-tensor` (`per-tensor-rms`) — one R per
/// parameter tensor from the broadcast, in round 1 the node's own ‖v_τ‖_∞ (RMS) per tensor.
/// </summary>
public sealed class StochasticSignCompressor : IUplinkCompressor
{
    readonly int[] _whole, _tensors;

    /// <param name="tensorEnds">Where each parameter tensor ends in the flat vector (layout order; the last is d).</param>
    public StochasticSignCompressor(RadiusRule rule, int[] tensorEnds)
    {
        if (rule.Kind == RadiusKind.Fixed && !(rule.Value > 0 && double.IsFinite(rule.Value)))
            throw new ArgumentOutOfRangeException(nameof(rule), $"S_R radius must be positive and finite, got {rule.Value}");
        Rule = rule;
        _tensors = tensorEnds;
        _whole = new[] { tensorEnds[^1] };
    }

    public RadiusRule Rule { get; }

    public UplinkKind Kind => UplinkKind.StochasticSign;

    /// <summary>The radii this round uses and the segments they cover (SPEC §2).</summary>
    public (double[] Radii, int[] Ends) RadiiFor(ReadOnlySpan<float> v, in CompressionContext context)
    {
        var broadcast = context.BroadcastRadius;
        switch (Rule.Kind)
        {
            case RadiusKind.Fixed:
                return (new[] { Rule.Value }, _whole);
            case RadiusKind.Auto:
                if (broadcast is not null && broadcast.Length != 1) throw new ArgumentException($"radius auto takes one broadcast R, StartRound carries {broadcast.Length}");
                return (new[] { (double)(broadcast?[0] ?? Norms.LInf(v)) }, _whole);
            default:
                var radii = broadcast ?? context.TensorNorms ?? StochasticSign.TensorNorms(Rule, v, _tensors)!;
                if (radii.Length != _tensors.Length) throw new ArgumentException($"radius {Rule} takes one R per parameter tensor ({_tensors.Length}), StartRound carries {radii.Length}");
                return (Array.ConvertAll(radii, r => (double)r), _tensors);
        }
    }

    public Payload Compress(ReadOnlySpan<float> v, in CompressionContext context)
    {
        var (radii, ends) = RadiiFor(v, context);
        var signs = new PackedSigns(v.Length);
        StochasticSign.Compress(v, radii, ends, context.Coins, signs);
        return new SignPayload(signs);
    }
}
