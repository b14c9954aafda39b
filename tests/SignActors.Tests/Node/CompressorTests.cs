using SignActors.Messages;
using SignActors.Messages.Packing;
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
        var c = new StochasticSignCompressor(null);
        float[] v = { 0.5f, -2f };
        Assert.Equal(2.0, c.RadiusFor(v, null));
        Assert.Equal(4.0, c.RadiusFor(v, 4f));
        Assert.Equal(0.25, new StochasticSignCompressor(0.25).RadiusFor(v, 4f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StochasticSignCompressor(0));
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
