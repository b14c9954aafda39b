using System.Runtime.Intrinsics;

namespace SignActors.Messages.Simd;

/// <summary>
/// Which vector width a kernel runs at. Every kernel gives bit-identical results on every path
/// (they are either integer bit operations or the same per-element float expression), so the
/// path is a speed choice only; tests run all supported paths against the scalar one.
/// </summary>
public enum SimdPath
{
    Scalar = 0,
    Vector128 = 128,
    Vector256 = 256,
    Vector512 = 512,
}

public static class SimdPaths
{
    /// <summary>The widest path this CPU accelerates.</summary>
    public static SimdPath Best { get; } =
        System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? SimdPath.Vector512 :
        System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? SimdPath.Vector256 :
        System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? SimdPath.Vector128 : SimdPath.Scalar;

    public static bool IsSupported(SimdPath path) => path switch
    {
        SimdPath.Scalar => true,
        SimdPath.Vector128 => System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated,
        SimdPath.Vector256 => System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated,
        SimdPath.Vector512 => System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated,
        _ => false,
    };

    /// <summary>All paths this CPU can run, narrowest first.</summary>
    public static IReadOnlyList<SimdPath> Supported { get; } =
        new[] { SimdPath.Scalar, SimdPath.Vector128, SimdPath.Vector256, SimdPath.Vector512 }.Where(IsSupported).ToArray();

    /// <summary>Throws when a caller forces a path this CPU cannot run.</summary>
    public static SimdPath Require(SimdPath path) =>
        IsSupported(path) ? path : throw new PlatformNotSupportedException($"SIMD path {path} is not accelerated on this CPU (best: {Best})");
}
