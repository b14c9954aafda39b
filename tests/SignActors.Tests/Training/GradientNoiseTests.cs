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
}
