using SignActors.Training.Numerics;
using SignActors.Training.Randomness;
using Xunit;

namespace SignActors.Tests.Training;

public class PortableMathTests
{
    [Fact]
    public void Log_and_exp_agree_with_libm_to_a_few_ulps_over_a_wide_range()
    {
        var rng = new Random(3);
        for (int i = 0; i < 20_000; i++)
        {
            double x = Math.Exp(rng.NextDouble() * 1400 - 700);
            double log = PortableMath.Log(x);
            double logReference = Math.Log(x);
            Assert.True(Math.Abs(log - logReference) <= 1e-15 * Math.Max(1, Math.Abs(logReference)), $"log({x}) = {log}, libm {logReference}");
            double y = rng.NextDouble() * 1400 - 700;
            double exp = PortableMath.Exp(y), reference = Math.Exp(y);
            Assert.True(Math.Abs(exp - reference) <= 1e-14 * reference, $"exp({y}) = {exp}, libm {reference}");
        }
    }

    [Fact]
    public void Special_values()
    {
        Assert.Equal(0.0, PortableMath.Log(1.0));
        Assert.Equal(1.0, PortableMath.Exp(0.0));
        Assert.Equal(double.NegativeInfinity, PortableMath.Log(0));
        Assert.True(double.IsNaN(PortableMath.Log(-1)));
        Assert.Equal(double.PositiveInfinity, PortableMath.Log(double.PositiveInfinity));
        Assert.Equal(double.PositiveInfinity, PortableMath.Exp(800));
        Assert.Equal(0.0, PortableMath.Exp(-800));
        Assert.Equal(Math.Log(double.Epsilon), PortableMath.Log(double.Epsilon), 12);
    }

    [Fact]
    public void Normal_draws_have_mean_zero_and_unit_variance_within_four_sigma()
    {
        var s = new RandomStream(StreamKey.ForRun(5, StreamPurpose.ModelInit));
        const int n = 200_000;
        double sum = 0, sumSq = 0, fourth = 0;
        for (int i = 0; i < n; i++)
        {
            double z = s.NextNormal();
            sum += z; sumSq += z * z; fourth += z * z * z * z;
        }
        Assert.InRange(sum / n, -TestVectors.FourSigma(1, n), TestVectors.FourSigma(1, n));
        Assert.InRange(sumSq / n, 1 - TestVectors.FourSigma(2, n), 1 + TestVectors.FourSigma(2, n));   // Var(z²) = 2
        Assert.InRange(fourth / n, 3 - TestVectors.FourSigma(96, n), 3 + TestVectors.FourSigma(96, n)); // E z⁴ = 3, Var(z⁴) = 96
    }

    [Theory]
    [InlineData(0.1)] [InlineData(0.5)] [InlineData(1.0)] [InlineData(2.5)] [InlineData(10.0)]
    public void Gamma_draws_have_mean_and_variance_equal_to_the_shape_within_four_sigma(double shape)
    {
        var s = new RandomStream(StreamKey.ForRun(6, StreamPurpose.Partition));
        const int n = 100_000;
        double sum = 0, sumSq = 0;
        for (int i = 0; i < n; i++)
        {
            double g = s.NextGamma(shape);
            Assert.True(g >= 0);
            sum += g; sumSq += g * g;
        }
        double mean = sum / n, variance = sumSq / n - mean * mean;
        Assert.InRange(mean, shape - TestVectors.FourSigma(shape, n), shape + TestVectors.FourSigma(shape, n));
        // Var of the sample variance ≈ (μ4 − σ⁴)/n with μ4 = 3k² + 6k for Gamma(k).
        double varOfVar = 3 * shape * shape + 6 * shape - shape * shape;
        Assert.InRange(variance, shape - TestVectors.FourSigma(varOfVar, n), shape + TestVectors.FourSigma(varOfVar, n));
    }
}
