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
