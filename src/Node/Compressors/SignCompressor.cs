using SignActors.Messages;
using SignActors.Messages.Packing;
using SignActors.Training.Algorithms;

namespace SignActors.Node.Compressors;

/// <summary>sign(v), 1 bit per coordinate.</summary>
public sealed class SignCompressor : IUplinkCompressor
{
    public string Name => Names.Of(UplinkKind.Sign);
    public UplinkDeclaration Declaration { get; } = BuiltInDeclarations.Of(new UplinkSpec(UplinkKind.Sign));
    public Payload Compress(ReadOnlySpan<float> v, in CompressionContext context) => new SignPayload(SignPacker.Pack(v));
}
