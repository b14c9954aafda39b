using System.Runtime.InteropServices;
using SignActors.Messages;
using SignActors.Messages.Packing;
using SignActors.Training.Algorithms;
using SignActors.Training.Randomness;
using SignActors.Training.Vectors;

namespace SignActors.Node.Compressors;

/// <summary>
/// The stochastic sign S_R (SPEC §2): coordinate k is +1 with probability
/// (R + clip(v_k, −R, R)) / 2R, else −1, so E[S_R(v)] = clip(v, −R, R)/R.
/// <para>
/// Coin k is the k-th 32-bit word u_k of the node's round stream (output ⌊k/2⌋, low half for
/// even k). The bit is set ⇔ u_k &lt; T_k with T_k = ⌊(clip(v_k)/R + 1)·2^31⌋ (in double), so
/// P(+1) = T_k / 2^32: exact at v = 0 (½) and at |v| ≥ R (0 or 1), within 2^−32 elsewhere.
/// R = 0 (an all-zero previous round under `auto`) makes every coordinate a fair coin, the limit
/// of E[S_R(0)] = 0.
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

    public static void Compress(ReadOnlySpan<float> v, double radius, in StreamKey coins, PackedSigns destination)
    {
        if (destination.Length != v.Length) throw new ArgumentException($"cannot pack {v.Length} values into {destination.Length} signs", nameof(destination));
        if (!(radius >= 0) || double.IsInfinity(radius)) throw new ArgumentOutOfRangeException(nameof(radius), $"S_R radius must be finite and ≥ 0, got {radius}");
        Span<ulong> words = destination.Words;
        words.Clear();
        Span<ulong> random = stackalloc ulong[Chunk / 2];
        ReadOnlySpan<uint> u = MemoryMarshal.Cast<ulong, uint>(random);
        double inverse = radius > 0 ? 1.0 / radius : 0;
        for (int start = 0; start < v.Length; start += Chunk)
        {
            int count = Math.Min(Chunk, v.Length - start);
            var coinsHere = random[..((count + 1) / 2)];
            RandomStream.Fill(coins, (ulong)start / 2, coinsHere);
            for (int i = 0; i < count; i++)
            {
                int k = start + i;
                float x = v[k];
                if (!float.IsFinite(x)) throw new ArgumentException($"cannot take the sign of a non-finite value: coordinate {k} is {x}", nameof(v));
                if (u[i] < Threshold(x, radius, inverse)) words[k >> 6] |= 1UL << (k & 63);
            }
        }
    }

    /// <summary>T = ⌊(clip(v, −R, R)/R + 1)·2^31⌋ ∈ [0, 2^32]; +1 ⇔ coin &lt; T.</summary>
    public static ulong Threshold(float v, double radius, double inverseRadius)
    {
        if (radius == 0) return 1UL << 31;
        double c = Math.Clamp((double)v, -radius, radius);
        return (ulong)((c * inverseRadius + 1.0) * 2147483648.0);
    }

    /// <summary>P(S_R(v) = +1) as implemented: T / 2^32.</summary>
    public static double ProbabilityPositive(float v, double radius) =>
        Threshold(v, radius, radius > 0 ? 1.0 / radius : 0) / 4294967296.0;
}

/// <summary>S_R with R fixed, or `auto`: R_t from the server's broadcast, in round 1 the node's own ‖v‖_∞.</summary>
public sealed class StochasticSignCompressor(double? fixedRadius) : IUplinkCompressor
{
    public double? FixedRadius { get; } = fixedRadius is { } r && !(r > 0 && double.IsFinite(r))
        ? throw new ArgumentOutOfRangeException(nameof(fixedRadius), $"S_R radius must be positive and finite, got {r}")
        : fixedRadius;

    public UplinkKind Kind => UplinkKind.StochasticSign;

    /// <summary>The R this round uses (SPEC §2).</summary>
    public double RadiusFor(ReadOnlySpan<float> v, float? broadcastRadius) =>
        FixedRadius ?? broadcastRadius ?? Norms.LInf(v);

    public Payload Compress(ReadOnlySpan<float> v, in CompressionContext context) =>
        new SignPayload(StochasticSign.Compress(v, RadiusFor(v, context.BroadcastRadius), context.Coins));
}
