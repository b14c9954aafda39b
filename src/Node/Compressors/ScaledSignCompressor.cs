using SignActors.Messages;
using SignActors.Messages.Packing;
using SignActors.Training.Algorithms;
using SignActors.Training.Vectors;

namespace SignActors.Node.Compressors;

/// <summary>sign(v) plus one float: ‖v‖_1 (scaled signSGD) or ‖p‖_1/d (error feedback).</summary>
public sealed class ScaledSignCompressor(ScaleKind scale) : IUplinkCompressor
{
    public ScaleKind Scale { get; } = scale;
    public string Name => Names.Of(UplinkKind.ScaledSign);
    public UplinkDeclaration Declaration { get; } = BuiltInDeclarations.Of(new UplinkSpec(UplinkKind.ScaledSign));

    public Payload Compress(ReadOnlySpan<float> v, in CompressionContext context)
    {
        var signs = SignPacker.Pack(v); // rejects NaN/Inf before a norm could hide it
        float s = (float)(Scale == ScaleKind.L1Norm ? Norms.L1(v) : Norms.MeanAbs(v));
        return new ScaledSignPayload(signs, s);
    }
}
