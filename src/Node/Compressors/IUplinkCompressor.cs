using SignActors.Messages;
using SignActors.Training.Algorithms;
using SignActors.Training.Randomness;

namespace SignActors.Node.Compressors;

/// <param name="Coins">This node's stream for this round's compression coins (purpose StochasticSign).</param>
/// <param name="BroadcastRadius">R_t = max_j ‖v_{t−1}^j‖_∞ from the server; null in round 1.</param>
public readonly record struct CompressionContext(StreamKey Coins, float? BroadcastRadius = null);

/// <summary>Turns the estimator's v_t into what goes on the wire (SPEC §2, uplink compressors).</summary>
public interface IUplinkCompressor
{
    UplinkKind Kind { get; }
    Payload Compress(ReadOnlySpan<float> v, in CompressionContext context);
}

public static class Compressor
{
    public static IUplinkCompressor Create(AlgorithmSpec spec) => spec.Uplink.Kind switch
    {
        UplinkKind.Sign => new SignCompressor(),
        UplinkKind.StochasticSign => new StochasticSignCompressor(spec.Uplink.Radius),
        UplinkKind.ScaledSign => new ScaledSignCompressor(spec.Scale),
        UplinkKind.Float32 => new Float32Compressor(),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), $"unknown uplink {spec.Uplink.Kind}"),
    };
}
