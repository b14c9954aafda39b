using SignActors.Messages;
using SignActors.Training.Algorithms;
using SignActors.Training.Randomness;

namespace SignActors.Node.Compressors;

/// <param name="Coins">This node's stream for this round's compression coins (purpose StochasticSign).</param>
/// <param name="BroadcastRadius">S_R's R_t from the server (one, or one per tensor); null in round 1.</param>
/// <param name="TensorNorms">The per-tensor statistic of v the radius rule uses (‖v_τ‖_∞ or its RMS), when the node has computed it for its vote.</param>
public readonly record struct CompressionContext(StreamKey Coins, float[]? BroadcastRadius = null, float[]? TensorNorms = null);

/// <summary>
/// Turns the estimator's v_t into what goes on the wire (SPEC §2, uplink compressors). The
/// contract, for the built-ins and for a plugin alike:
/// <list type="bullet">
/// <item>It returns a payload of the kind its <see cref="Declaration"/> names, of length d; the
///   server drops any other as malformed.</item>
/// <item>It keeps no state between rounds (what S_R needs from the server comes in the context).</item>
/// <item>Randomness comes only from <see cref="CompressionContext.Coins"/> — this node's ready
///   stream key for this round — never a seed or <c>System.Random</c>.</item>
/// <item>It runs on a compute thread, one call at a time per instance, and must not block.</item>
/// <item>A v of another length is an <see cref="ArgumentException"/>.</item>
/// </list>
/// </summary>
public interface IUplinkCompressor
{
    /// <summary>Its name in messages (the config's spelling for a built-in).</summary>
    string Name { get; }

    /// <summary>What the runtime needs to know of it: the payload its votes carry.</summary>
    UplinkDeclaration Declaration { get; }

    Payload Compress(ReadOnlySpan<float> v, in CompressionContext context);
}

public static class Compressor
{
    /// <param name="tensorEnds">Where each parameter tensor ends in the flat vector (per-tensor S_R radii).</param>
    /// <summary>The uplink in force: a plugin's (its public constructor taking the tensor ends and the <see cref="PluginSettings"/>), or the built-in the spec names.</summary>
    public static IUplinkCompressor Create(AlgorithmSpec spec, int[] tensorEnds) => spec.Plugins?.Uplink is { } plugin ? plugin.Create<IUplinkCompressor>(tensorEnds, plugin.Settings) : spec.Uplink.Kind switch
    {
        UplinkKind.Sign => new SignCompressor(),
        UplinkKind.StochasticSign => new StochasticSignCompressor(spec.Uplink.RadiusRule, tensorEnds),
        UplinkKind.ScaledSign => new ScaledSignCompressor(spec.Scale),
        UplinkKind.Float32 => new Float32Compressor(),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), $"unknown uplink {spec.Uplink.Kind}"),
    };
}
