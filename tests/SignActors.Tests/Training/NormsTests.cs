using SignActors.Training.Vectors;
using Xunit;

namespace SignActors.Tests.Training;

public class NormsTests
{
    [Fact]
    public void Exact_values_on_a_small_vector()
    {
        float[] v = { 3f, -4f, 0f, 0.5f, -0.25f };
        Assert.Equal(7.75, Norms.L1(v));
        Assert.Equal(Math.Sqrt(25.3125), Norms.L2(v));
        Assert.Equal(4f, Norms.LInf(v));
        Assert.Equal(-0.75, Norms.Sum(v));
        Assert.Equal(7.75 / 5, Norms.MeanAbs(v));
        Assert.Equal(0, Norms.MeanAbs(ReadOnlySpan<float>.Empty));
    }

    [Fact]
    public void The_vector_path_follows_the_canonical_order_bit_for_bit()
    {
        foreach (int d in new[] { 1, 15, 16, 17, 100, 1023, 100_003 })
        {
            var v = TestVectors.Uniform(d, d, 1e3f);
            Assert.Equal(BitConverter.DoubleToInt64Bits(Norms.L1Reference(v)), BitConverter.DoubleToInt64Bits(Norms.L1(v)));
        }
    }

    /// <summary>The canonical order written out here: 16 double accumulators by k mod 16, folded 8, 4, 2, 1.</summary>
    static double Canonical(float[] v, Func<double, double> term)
    {
        var a = new double[16];
        for (int k = 0; k < v.Length; k++) a[k % 16] += term(v[k]);
        for (int half = 8; half >= 1; half /= 2)
            for (int i = 0; i < half; i++) a[i] += a[i + half];
        return a[0];
    }

    [Fact]
    public void One_pass_l1_and_l2_give_the_canonical_bits()
    {
        foreach (int d in new[] { 0, 1, 15, 16, 17, 100, 1023, 100_003 })
        {
            var v = TestVectors.Uniform(d, d + 7, 1e3f);
            var (l1, l2) = Norms.L1AndL2(v);
            Assert.Equal(BitConverter.DoubleToInt64Bits(Canonical(v, Math.Abs)), BitConverter.DoubleToInt64Bits(l1));
            Assert.Equal(BitConverter.DoubleToInt64Bits(Math.Sqrt(Canonical(v, x => x * x))), BitConverter.DoubleToInt64Bits(l2));
            Assert.Equal(BitConverter.DoubleToInt64Bits(Norms.L2(v)), BitConverter.DoubleToInt64Bits(l2));
        }
    }

    [Fact]
    public void Infinity_norm_sees_nan_and_the_largest_magnitude_anywhere()
    {
        var v = TestVectors.Uniform(1001, 1);
        v[999] = -9f;
        Assert.Equal(9f, Norms.LInf(v));
        v[3] = float.NaN;
        Assert.True(float.IsNaN(Norms.LInf(v)));
    }
}

public class BlendTests
{
    [Fact]
    public void Momentum_gives_the_scalar_expressions_bits_at_every_length()
    {
        foreach (int d in new[] { 0, 1, 7, 8, 9, 16, 31, 1000, 100_003 })
        {
            var v = TestVectors.Uniform(d, 3 * d + 1);
            var g = TestVectors.Uniform(d, 5 * d + 2, 10f);
            const float keep = 0.9f, take = 0.1f;
            var expected = new float[d];
            for (int k = 0; k < d; k++) expected[k] = keep * v[k] + take * g[k];
            Blend.Momentum(v, g, keep, take);
            Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), v.Select(BitConverter.SingleToInt32Bits));
        }
    }
}
