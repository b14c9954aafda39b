using SignActors.Messages.Simd;
using SignActors.Training.Randomness;
using Xunit;

namespace SignActors.Tests.Training;

public class RandomStreamTests
{
    // Known-answer vectors of Philox4x32-10 from Random123 (kat_vectors).
    [Theory]
    [InlineData(0u, 0u, 0u, 0u, 0u, 0u, 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)]
    [InlineData(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu)]
    [InlineData(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u, 0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u)]
    public void Philox4x32_10_matches_random123_known_answers(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, uint x0, uint x1, uint x2, uint x3)
    {
        Assert.Equal((x0, x1, x2, x3), Philox4x32.Block(c0, c1, c2, c3, k0, k1));
    }

    [Fact]
    public void Sequential_random_access_and_bulk_fill_agree_on_every_path()
    {
        var key = new StreamKey(0x1234_5678_9ABC_DEF0, 3, 17, StreamPurpose.Minibatch);
        var s = new RandomStream(key);
        var sequential = new ulong[301];
        for (int i = 0; i < sequential.Length; i++) sequential[i] = s.NextUInt64();
        for (int i = 0; i < sequential.Length; i++) Assert.Equal(sequential[i], RandomStream.At(key, (ulong)i));
        foreach (var path in SimdPaths.Supported)
            foreach (int start in new[] { 0, 1, 5 })
            {
                var filled = new ulong[sequential.Length - start];
                RandomStream.Fill(key, (ulong)start, filled, path);
                Assert.Equal(sequential[start..], filled);
            }
    }

    [Fact]
    public void Key_layout_is_as_documented()
    {
        var key = new StreamKey(0xAAAA_BBBB_CCCC_DDDD, 7, 9, StreamPurpose.TieBreak);
        ulong block = (1UL << 40) + 3;
        var (x0, x1, x2, x3) = Philox4x32.Block((uint)block, (5u << 24) | (uint)(block >> 32), 9, 7, 0xCCCC_DDDD, 0xAAAA_BBBB);
        Assert.Equal(x0 | (ulong)x1 << 32, RandomStream.At(key, 2 * block));
        Assert.Equal(x2 | (ulong)x3 << 32, RandomStream.At(key, 2 * block + 1));
    }

    [Fact]
    public void Every_key_component_separates_streams()
    {
        var baseKey = StreamKey.ForNode(1, 0, 1, StreamPurpose.Minibatch);
        var keys = new[]
        {
            baseKey, baseKey with { Seed = 2 }, baseKey with { Actor = 1 }, baseKey with { Round = 2 },
            baseKey with { Purpose = StreamPurpose.StochasticSign }, StreamKey.ForServer(1, 1, StreamPurpose.Minibatch),
        };
        var firsts = keys.Select(k => RandomStream.At(k, 0)).ToArray();
        Assert.Equal(firsts.Length, firsts.Distinct().Count());
    }

    [Fact]
    public void Uniform_integers_are_in_range_and_balanced()
    {
        var s = new RandomStream(StreamKey.ForRun(5, StreamPurpose.Partition));
        const int n = 7, draws = 70_000;
        var counts = new int[n];
        for (int i = 0; i < draws; i++) counts[s.NextInt(n)]++;
        double p = 1.0 / n, bound = 4 * Math.Sqrt(draws * p * (1 - p));
        Assert.All(counts, c => Assert.InRange(c, draws * p - bound, draws * p + bound));
    }

    [Fact]
    public void Doubles_are_in_the_unit_interval_with_mean_one_half()
    {
        var s = new RandomStream(StreamKey.ForRun(6, StreamPurpose.SyntheticData));
        double sum = 0;
        const int draws = 100_000;
        for (int i = 0; i < draws; i++)
        {
            double u = s.NextDouble();
            Assert.InRange(u, 0, 1 - 1e-17);
            sum += u;
        }
        Assert.InRange(sum / draws, 0.5 - TestVectors.FourSigma(1.0 / 12, draws), 0.5 + TestVectors.FourSigma(1.0 / 12, draws));
    }

    [Fact]
    public void Out_of_range_keys_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => StreamKey.ForNode(1, -1, 1, StreamPurpose.Minibatch));
        Assert.Throws<ArgumentOutOfRangeException>(() => StreamKey.ForServer(1, -1, StreamPurpose.TieBreak));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomStream(StreamKey.ForRun(1, StreamPurpose.Crash)).NextInt(0));
    }
}
