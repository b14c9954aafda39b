using SignActors.Messages.Simd;

namespace SignActors.Tests;

internal static class TestVectors
{
    public static float[] Uniform(int d, int seed, float scale = 1f)
    {
        var r = new Random(seed);
        var v = new float[d];
        for (int k = 0; k < d; k++) v[k] = (float)(r.NextDouble() * 2 - 1) * scale;
        return v;
    }

    public static IEnumerable<object[]> Paths() => SimdPaths.Supported.Select(p => new object[] { p });

    /// <summary>4σ bound for the mean of N draws of a variable with the given variance.</summary>
    public static double FourSigma(double variance, int draws) => 4 * Math.Sqrt(variance / draws);
}
