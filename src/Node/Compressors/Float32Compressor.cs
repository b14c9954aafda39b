using SignActors.Messages;
using SignActors.Messages.Packing;
using SignActors.Training.Algorithms;

namespace SignActors.Node.Compressors;

/// <summary>v uncompressed, 32 bits per coordinate (baselines only).</summary>
public sealed class Float32Compressor : IUplinkCompressor
{
    public string Name => Names.Of(UplinkKind.Float32);
    public UplinkDeclaration Declaration { get; } = BuiltInDeclarations.Of(new UplinkSpec(UplinkKind.Float32));

    public Payload Compress(ReadOnlySpan<float> v, in CompressionContext context)
    {
        if (!SignPacker.IsAllFinite(v))
            for (int k = 0; k < v.Length; k++)
                if (!float.IsFinite(v[k])) throw new ArgumentException($"cannot send a non-finite value: coordinate {k} is {v[k]}", nameof(v));
        return new DensePayload(v.ToArray());
    }
}
