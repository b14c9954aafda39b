using SignActors.Messages;
using SignActors.Messages.Packing;
using SignActors.Messages.Simd;
using SignActors.Node.Compressors;
using SignActors.Training.Algorithms;
using SignActors.Training.Randomness;
using Xunit;

namespace SignActors.Tests.Node;

public class CompressorTests
{
    static StreamKey Coins(int node = 0, int round = 1) => StreamKey.ForNode(42, node, round, StreamPurpose.StochasticSign);

    [Theory]
    [InlineData(0.0f, 1.0)]
    [InlineData(0.3f, 1.0)]
    [InlineData(-0.9f, 1.0)]
    [InlineData(2.5f, 1.0)]    // clipped: always +1
    [InlineData(-7f, 2.0)]     // clipped: always −1
    [InlineData(1e-3f, 0.01)]
    public void Mean_of_S_R_is_clip_over_R_within_four_sigma(float v, double radius)
    {
        const int draws = 100_000;
        var values = Enumerable.Repeat(v, draws).ToArray();
        var signs = StochasticSign.Compress(values, radius, Coins());
        double mean = (2.0 * signs.CountPositive() - draws) / draws;
        double expected = Math.Clamp(v, -radius, radius) / radius;
        double bound = TestVectors.FourSigma(1 - expected * expected, draws);
        Assert.InRange(mean, expected - bound - 1e-9, expected + bound + 1e-9);
    }

    [Fact]
    public void S_R_is_exact_at_the_clip_points_and_a_fair_coin_at_zero()
    {
        Assert.Equal(1.0, StochasticSign.ProbabilityPositive(1f, 1.0));
        Assert.Equal(0.0, StochasticSign.ProbabilityPositive(-1f, 1.0));
        Assert.Equal(0.5, StochasticSign.ProbabilityPositive(0f, 1.0));
        Assert.Equal(0.75, StochasticSign.ProbabilityPositive(0.5f, 1.0));
        Assert.Equal(0.5, StochasticSign.ProbabilityPositive(3f, 0.0)); // R = 0: fair coin
    }

    [Fact]
    public void S_R_coins_are_the_documented_stream_words_and_reproducible()
    {
        var v = TestVectors.Uniform(1000, 5);
        var a = StochasticSign.Compress(v, 0.7, Coins());
        Assert.Equal(a, StochasticSign.Compress(v, 0.7, Coins()));
        Assert.NotEqual(a, StochasticSign.Compress(v, 0.7, Coins(node: 1)));
        Assert.NotEqual(a, StochasticSign.Compress(v, 0.7, Coins(round: 2)));
        for (int k = 0; k < v.Length; k++)
        {
            ulong output = RandomStream.At(Coins(), (ulong)k / 2);
            uint coin = (k & 1) == 0 ? (uint)output : (uint)(output >> 32);
            Assert.Equal(coin < StochasticSign.Threshold(v[k], 0.7, 1 / 0.7), a.IsPositive(k));
        }
    }

    [Fact]
    public void Auto_radius_uses_the_broadcast_else_the_own_infinity_norm()
    {
        int[] ends = { 1, 2 };
        var c = new StochasticSignCompressor(RadiusRule.Auto, ends);
        float[] v = { 0.5f, -2f };
        Assert.Equal(new[] { 2.0 }, c.RadiiFor(v, new CompressionContext(Coins())).Radii);
        Assert.Equal(new[] { 4.0 }, c.RadiiFor(v, new CompressionContext(Coins(), new[] { 4f })).Radii);
        Assert.Equal(new[] { 0.25 }, new StochasticSignCompressor(RadiusRule.Fixed(0.25), ends).RadiiFor(v, new CompressionContext(Coins(), new[] { 4f })).Radii);
        Assert.Throws<ArgumentOutOfRangeException>(() => new StochasticSignCompressor(RadiusRule.Fixed(0), ends));
    }

    [Fact]
    public void Per_tensor_radius_uses_one_R_per_tensor_from_the_broadcast_else_the_own_tensor_norms()
    {
        int[] ends = { 2, 5, 6 }; // three tensors of 2, 3 and 1 coordinates
        float[] v = { 0.5f, -0.25f, 3f, -1f, 0.125f, -0.0625f };
        var c = new StochasticSignCompressor(RadiusRule.PerTensor, ends);
        Assert.Equal(new[] { 0.5, 3, 0.0625 }, c.RadiiFor(v, new CompressionContext(Coins())).Radii); // round 1: own ‖v_τ‖_∞
        Assert.Equal(new[] { 1.0, 2, 4 }, c.RadiiFor(v, new CompressionContext(Coins(), new[] { 1f, 2f, 4f })).Radii);
        Assert.Contains("3", Assert.Throws<ArgumentException>(() => c.RadiiFor(v, new CompressionContext(Coins(), new[] { 1f }))).Message);
        Assert.Equal(new[] { 0.5f, 3f, 0.0625f }, StochasticSign.SegmentLInf(v, ends));

        // per-tensor-rms: √((0.25 + 0.0625)/2), √((9 + 1 + 1/64)/3), √(1/256)
        var rms = new StochasticSignCompressor(RadiusRule.PerTensorRms, ends).RadiiFor(v, new CompressionContext(Coins())).Radii;
        Assert.Equal(new[] { Math.Sqrt(0.3125 / 2), Math.Sqrt((10 + 1.0 / 64) / 3), 0.0625 }, rms, (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void Per_tensor_coins_compare_each_coordinate_with_its_own_tensors_radius()
    {
        // Coordinate k of tensor τ is +1 ⇔ coin_k < ⌊(clip(v_k, −R_τ, R_τ)/R_τ + 1)·2^31⌋, computed here from the stream words.
        var v = TestVectors.Uniform(5000, 9);
        int[] ends = { 3, 1000, 1001, 4097, 5000 };
        double[] radii = { 0.1, 0.5, 0, 2, 0.3 };
        var signs = new PackedSigns(v.Length);
        StochasticSign.Compress(v, radii, ends, Coins(), signs);
        for (int k = 0, tensor = 0; k < v.Length; k++)
        {
            while (k >= ends[tensor]) tensor++;
            ulong output = RandomStream.At(Coins(), (ulong)k / 2);
            uint coin = (k & 1) == 0 ? (uint)output : (uint)(output >> 32);
            double r = radii[tensor];
            double threshold = r == 0 ? 2147483648.0 : Math.Floor((Math.Clamp(v[k], -r, r) / r + 1) * 2147483648.0);
            Assert.True(coin < threshold == signs.IsPositive(k), $"k = {k}, tensor {tensor}");
        }
    }

    [Fact]
    public void Every_simd_path_draws_the_scalar_paths_signs()
    {
        // Values at and beyond the radii, zeros of both signs, denormals and huge ones, over segments that
        // start and end inside vector groups and words; each path against the per-coordinate definition.
        var v = TestVectors.Uniform(9000, 13);
        float[] special = { 0f, -0f, 0.5f, -0.5f, 2f, -2f, 1e-40f, -1e-40f, 3e38f, -3e38f, 0.1f, -0.30000001f };
        for (int k = 0; k < v.Length; k += 7) v[k] = special[(k / 7) % special.Length];
        int[] ends = { 1, 5, 67, 130, 4095, 4100, 4101, 8191, 9000 };
        double[] radii = { 0.5, 0.1, 0, 2, 0.5, 1e-30, 0.25, 0.3, 1 };
        var scalar = new PackedSigns(v.Length);
        StochasticSign.Compress(v, radii, ends, Coins(), scalar, SimdPath.Scalar);
        for (int k = 0, tensor = 0; k < v.Length; k++)
        {
            while (k >= ends[tensor]) tensor++;
            ulong output = RandomStream.At(Coins(), (ulong)k / 2);
            uint coin = (k & 1) == 0 ? (uint)output : (uint)(output >> 32);
            double r = radii[tensor];
            double t = r == 0 ? 2147483648.0 : (Math.Clamp((double)v[k], -r, r) * (1 / r) + 1) * 2147483648.0;
            Assert.True((coin < Math.Max(0, Math.Floor(t))) == scalar.IsPositive(k), $"k = {k}");
        }
        foreach (var path in SimdPaths.Supported)
        {
            var signs = new PackedSigns(v.Length);
            StochasticSign.Compress(v, radii, ends, Coins(), signs, path);
            Assert.True(scalar.Equals(signs), $"{path} differs from the scalar path");
        }
    }

    [Fact]
    public void Every_simd_path_names_the_first_non_finite_coordinate()
    {
        var v = TestVectors.Uniform(300, 4);
        v[203] = float.PositiveInfinity;
        v[250] = float.NaN;
        foreach (var path in SimdPaths.Supported)
        {
            var e = Assert.Throws<ArgumentException>(() => StochasticSign.Compress(v, new[] { 1.0 }, new[] { v.Length }, Coins(), new PackedSigns(v.Length), path));
            Assert.Contains("coordinate 203 is ", e.Message);
        }
    }

    [Fact]
    public void Scaled_sign_sends_l1_or_mean_abs()
    {
        float[] v = { 3f, -1f, 0f, -4f };
        var l1 = (ScaledSignPayload)new ScaledSignCompressor(ScaleKind.L1Norm).Compress(v, default);
        var mean = (ScaledSignPayload)new ScaledSignCompressor(ScaleKind.MeanAbs).Compress(v, default);
        Assert.Equal(8f, l1.Scale);
        Assert.Equal(2f, mean.Scale);
        Assert.Equal(new byte[] { 0b0101 }, l1.Signs.Bytes.ToArray());
        Assert.Equal(l1.Signs.ByteCount + 4, l1.BodyBytes);
    }

    [Fact]
    public void Sign_and_float32_payloads_have_their_wire_sizes()
    {
        var v = TestVectors.Uniform(1001, 2);
        Assert.Equal(126, new SignCompressor().Compress(v, default).BodyBytes);
        Assert.Equal(4004, new Float32Compressor().Compress(v, default).BodyBytes);
        v[17] = float.NaN;
        Assert.Contains("coordinate 17", Assert.Throws<ArgumentException>(() => new Float32Compressor().Compress(v, default)).Message);
        Assert.Contains("coordinate 17", Assert.Throws<ArgumentException>(() => StochasticSign.Compress(v, 1, Coins())).Message);
    }
}
