using SignActors.Training.Noise;
using SignActors.Training.Randomness;
using Xunit;

namespace SignActors.Tests.Training;

/// <summary>Each noise law's moments, median and tails at a fixed seed, against the laws' closed forms.</summary>
public class GradientNoiseTests
{
    const int N = 200_000;

    static double[] Draws(NoiseSpec spec)
    {
        var values = new float[N];
        GradientNoise.Add(values, spec, StreamKey.ForNode(7, 3, 11, StreamPurpose.GradientNoise));
        return values.Select(v => (double)v).ToArray();
    }

    static (double Mean, double Variance, double Median) Moments(double[] x)
    {
        double mean = x.Average(), variance = x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1);
        var sorted = x.Order().ToArray();
        return (mean, variance, (sorted[x.Length / 2 - 1] + sorted[x.Length / 2]) / 2);
    }

    [Fact]
    public void Gaussian_is_symmetric_with_variance_sigma_squared()
    {
        var (mean, variance, median) = Moments(Draws(new NoiseSpec(NoiseLaw.Gaussian, 2)));
        Assert.InRange(mean, -0.025, 0.025);          // 5 standard errors: 5 · 2/√N
        Assert.InRange(variance, 4 * 0.98, 4 * 1.02);
        Assert.InRange(median, -0.03, 0.03);
    }

    [Fact]
    public void Skewed_has_mean_zero_but_median_ln2_minus_1()
    {
        var (mean, variance, median) = Moments(Draws(new NoiseSpec(NoiseLaw.Skewed, 1)));
        Assert.InRange(mean, -0.012, 0.012);
        Assert.InRange(variance, 0.97, 1.03);
        Assert.InRange(median, Math.Log(2) - 1 - 0.01, Math.Log(2) - 1 + 0.01); // −0.3069
    }

    [Fact]
    public void Bimodal_is_symmetric_with_little_mass_between_its_modes()
    {
        var x = Draws(new NoiseSpec(NoiseLaw.Bimodal, 1));
        var (mean, variance, _) = Moments(x);
        Assert.InRange(mean, -0.012, 0.012);
        Assert.InRange(variance, (1 + 1 / 16.0) * 0.98, (1 + 1 / 16.0) * 1.02);
        Assert.InRange(x.Count(v => v > 0) / (double)N, 0.495, 0.505);
        // |X| < 0.5 needs the N(±1, 1/16) part 2 standard deviations toward 0: P = Φ(−2) ≈ 0.0228.
        Assert.InRange(x.Count(v => Math.Abs(v) < 0.5) / (double)N, 0.020, 0.026);
    }

    [Fact]
    public void Student_t_with_3_degrees_of_freedom_has_its_heavy_tail()
    {
        var x = Draws(new NoiseSpec(NoiseLaw.StudentT, 1, Nu: 3));
        var (_, _, median) = Moments(x);
        Assert.InRange(median, -0.012, 0.012);
        // P(|T₃| > 5) = 2(1 − F(5)), F(t) = ½ + (1/π)(t/(√3(1 + t²/3)) + atan(t/√3)) = 0.99230: 0.0154.
        double t = 5, tail = 2 * (0.5 - (t / (Math.Sqrt(3) * (1 + t * t / 3)) + Math.Atan(t / Math.Sqrt(3))) / Math.PI);
        Assert.InRange(x.Count(v => Math.Abs(v) > 5) / (double)N, tail - 0.0015, tail + 0.0015);
    }

    [Fact]
    public void The_same_key_adds_the_same_floats_another_round_other_ones_and_none_nothing()
    {
        var spec = new NoiseSpec(NoiseLaw.StudentT, 0.5, 2.5);
        float[] a = new float[1000], b = new float[1000], c = new float[1000], none = Enumerable.Repeat(1f, 1000).ToArray();
        GradientNoise.Add(a, spec, StreamKey.ForNode(1, 0, 5, StreamPurpose.GradientNoise));
        GradientNoise.Add(b, spec, StreamKey.ForNode(1, 0, 5, StreamPurpose.GradientNoise));
        GradientNoise.Add(c, spec, StreamKey.ForNode(1, 0, 6, StreamPurpose.GradientNoise));
        GradientNoise.Add(none, NoiseSpec.None, StreamKey.ForNode(1, 0, 5, StreamPurpose.GradientNoise));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.All(none, v => Assert.Equal(1f, v));
        Assert.Equal("scale must be positive and finite, got 0", new NoiseSpec(NoiseLaw.Gaussian, 0).Validate());
        Assert.Equal("nu (the Student t degrees of freedom) must be positive and finite, got -1", new NoiseSpec(NoiseLaw.StudentT, 1, -1).Validate());
    }

    static double[] BatchDraws(NoiseSpec spec, int batch)
    {
        var values = new float[50_000];
        GradientNoise.Add(values, spec, StreamKey.ForNode(7, 3, 12, StreamPurpose.GradientNoise), batch);
        return values.Select(v => (double)v).ToArray();
    }

    [Fact]
    public void An_objectives_batch_of_16_is_the_mean_of_16_draws_of_each_law()
    {
        // The mean of B = 16 draws: variance σ²/16 for every law with one (σ = 2: 0.25); the skewed
        // law's third central moment 2σ³/B² (its skewness 2/√B = 0.5); Student t(5) has variance 5/3 per draw.
        const int B = 16;
        double Third(double[] x) { double m = x.Average(); return x.Average(v => (v - m) * (v - m) * (v - m)); }
        var gaussian = Moments(BatchDraws(new NoiseSpec(NoiseLaw.Gaussian, 2), B));
        Assert.InRange(gaussian.Variance, 0.25 * 0.97, 0.25 * 1.03);
        var skewedDraws = BatchDraws(new NoiseSpec(NoiseLaw.Skewed, 2), B);
        var skewed = Moments(skewedDraws);
        Assert.InRange(skewed.Mean, -0.011, 0.011); // 5 standard errors: 5 · 0.5/√50,000
        Assert.InRange(skewed.Variance, 0.25 * 0.96, 0.25 * 1.04);
        Assert.InRange(Third(skewedDraws), 2 * 8.0 / (B * B) * 0.8, 2 * 8.0 / (B * B) * 1.2);
        Assert.True(skewed.Median < -0.02, $"median {skewed.Median}: Gamma(B)/B − 1 has its median near −1/(3B), times σ −0.042");
        var bimodal = Moments(BatchDraws(new NoiseSpec(NoiseLaw.Bimodal, 2), B));
        Assert.InRange(bimodal.Mean, -0.012, 0.012);
        Assert.InRange(bimodal.Variance, 4 * (1 + 1 / 16.0) / B * 0.97, 4 * (1 + 1 / 16.0) / B * 1.03);
        var t = Moments(BatchDraws(new NoiseSpec(NoiseLaw.StudentT, 1, Nu: 5), B));
        Assert.InRange(t.Variance, 5.0 / 3 / B * 0.9, 5.0 / 3 / B * 1.1);
        // One draw is the law itself, bit for bit.
        Assert.Equal(Draws(new NoiseSpec(NoiseLaw.Skewed, 1)).Take(100), BatchDrawsOf1());
    }

    static double[] BatchDrawsOf1()
    {
        var values = new float[100];
        GradientNoise.Add(values, new NoiseSpec(NoiseLaw.Skewed, 1), StreamKey.ForNode(7, 3, 11, StreamPurpose.GradientNoise), 1);
        return values.Select(v => (double)v).ToArray();
    }
}
