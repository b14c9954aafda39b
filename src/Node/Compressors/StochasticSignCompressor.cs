using SignActors.Messages;
using SignActors.Messages.Packing;
using SignActors.Training.Algorithms;
using SignActors.Training.Vectors;

namespace SignActors.Node.Compressors;

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

    public string Name => Names.Of(UplinkKind.StochasticSign);
    public UplinkDeclaration Declaration { get; } = BuiltInDeclarations.Of(new UplinkSpec(UplinkKind.StochasticSign));

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
