using SignActors.Messages;
using SignActors.Messages.Packing;
using SignActors.Node.Faults;
using SignActors.Server.Aggregators;
using SignActors.Training.Algorithms;
using SignActors.Training.Faults;
using SignActors.Training.Faults.Attacks;
using SignActors.Training.Randomness;
using Xunit;

namespace SignActors.Tests.Node;

/// <summary>The attacks of SPEC §7 and the straggler delays, against their definitions.</summary>
public class FaultMathTests
{
    const int D = 1000;
    static readonly StreamKey Noise = StreamKey.ForNode(3, 1, 7, StreamPurpose.ByzantineNoise);

    static PackedSigns Signs(int seed) => SignPacker.Pack(TestVectors.Uniform(D, seed));

    [Fact]
    public void Sign_flip_sends_the_negation_of_the_honest_message_in_its_own_format()
    {
        var honest = Signs(1);
        var flipped = Assert.IsType<SignPayload>(new SignFlipAttack().Forge(new AttackInput(new SignPayload(honest), Noise))).Signs;
        for (int k = 0; k < D; k++) Assert.Equal(-honest.Sign(k), flipped.Sign(k));
        Assert.Equal(0UL, flipped.Words[^1] & ~PackedSigns.LastWordMask(D)); // tail stays zero

        var scaled = Assert.IsType<ScaledSignPayload>(new SignFlipAttack().Forge(new AttackInput(new ScaledSignPayload(honest, 2.5f), Noise)));
        Assert.Equal(2.5f, scaled.Scale);
        Assert.Equal(honest.Negated(), scaled.Signs);

        var values = TestVectors.Uniform(D, 2);
        var dense = Assert.IsType<DensePayload>(new SignFlipAttack().Forge(new AttackInput(new DensePayload(values), Noise)));
        Assert.Equal(values.Select(v => -v), dense.Values);
    }

    [Fact]
    public void Random_sends_the_nodes_noise_stream_bits_whatever_the_honest_message()
    {
        var a = Assert.IsType<SignPayload>(new RandomAttack().Forge(new AttackInput(new SignPayload(Signs(1)), Noise))).Signs;
        var b = Assert.IsType<SignPayload>(new RandomAttack().Forge(new AttackInput(new SignPayload(Signs(2)), Noise))).Signs;
        Assert.Equal(a, b);
        for (int k = 0; k < D; k++) Assert.Equal((RandomStream.At(Noise, (ulong)k / 64) >> (k % 64) & 1) == 1, a.IsPositive(k));
        Assert.InRange(a.CountPositive(), D / 2 - 4 * Math.Sqrt(D / 4.0), D / 2 + 4 * Math.Sqrt(D / 4.0));
        var other = Assert.IsType<SignPayload>(new RandomAttack().Forge(new AttackInput(new SignPayload(Signs(1)), Noise with { Round = 8 }))).Signs;
        Assert.NotEqual(a, other);
    }

    [Fact]
    public void Colluding_sends_the_negated_last_broadcast_and_sign_flip_in_round_one()
    {
        var honest = new SignPayload(Signs(1));
        var broadcast = Signs(9);
        var sent = Assert.IsType<SignPayload>(new ColludingAttack().Forge(new AttackInput(honest, Noise, new SignPayload(broadcast)))).Signs;
        Assert.Equal(broadcast.Negated(), sent);
        var first = Assert.IsType<SignPayload>(new ColludingAttack().Forge(new AttackInput(honest, Noise))).Signs;
        Assert.Equal(honest.Signs.Negated(), first);
    }

    [Fact]
    public void Omniscient_sends_minus_the_sign_of_the_full_gradient()
    {
        var gradient = TestVectors.Uniform(D, 4);
        var sent = Assert.IsType<SignPayload>(new OmniscientAttack(0).Forge(new AttackInput(new SignPayload(Signs(1)), Noise, fullGradient: gradient))).Signs;
        for (int k = 0; k < D; k++) Assert.Equal(gradient[k] >= 0 ? -1 : 1, sent.Sign(k));
        var dense = Assert.IsType<DensePayload>(new OmniscientAttack(0).Forge(new AttackInput(new DensePayload(new float[D]), Noise, fullGradient: gradient)));
        for (int k = 0; k < D; k++) Assert.Equal(gradient[k] >= 0 ? -1f : 1f, dense.Values[k]);
        Assert.Throws<ArgumentException>(() => new OmniscientAttack(0).Forge(new AttackInput(new SignPayload(Signs(1)), Noise)));
    }

    [Theory]
    [InlineData(5, 1)] [InlineData(5, 2)] [InlineData(8, 3)] [InlineData(9, 4)]
    public void With_fewer_than_half_sign_flippers_and_identical_honest_votes_the_majority_is_unchanged(int n, int f)
    {
        var honest = Signs(5);
        var votes = Enumerable.Range(0, n).Select(j => j < f ? honest.Negated() : honest).ToArray();
        Assert.Equal(honest, MajorityVote.Aggregate(votes, TieBreak.Positive, default(StreamKey)));
    }

    [Theory]
    [InlineData(5, 3)] [InlineData(8, 5)] [InlineData(9, 5)] [InlineData(3, 2)]
    public void With_more_than_half_sign_flippers_the_majority_flips(int n, int f)
    {
        var honest = Signs(5);
        var votes = Enumerable.Range(0, n).Select(j => j < f ? honest.Negated() : honest).ToArray();
        Assert.Equal(honest.Negated(), MajorityVote.Aggregate(votes, TieBreak.Positive, default(StreamKey)));
    }

    [Fact]
    public void With_exactly_half_sign_flippers_every_coordinate_is_a_tie()
    {
        var honest = Signs(5);
        var votes = Enumerable.Range(0, 8).Select(j => j < 4 ? honest.Negated() : honest).ToArray();
        var all = new PackedSigns(D);
        all.Words.Fill(ulong.MaxValue);
        all.ClearTail();
        Assert.Equal(all, MajorityVote.Aggregate(votes, TieBreak.Positive, default(StreamKey))); // ties break to +1
    }

    [Fact]
    public void Straggler_delays_follow_their_distributions_and_are_pure()
    {
        const int rounds = 20_000;
        var exponential = new StragglerSpec(0.3, DelayDistribution.Exponential, 200);
        var logNormal = new StragglerSpec(1.0, DelayDistribution.LogNormal, 200, 0.5);
        var fixedDelay = new StragglerSpec(1.0, DelayDistribution.Fixed, 150);
        int slow = 0;
        double sum = 0, logSum = 0;
        for (int t = 1; t <= rounds; t++)
        {
            var d = StragglerDelay.For(exponential, 9, 2, t);
            Assert.Equal(d, StragglerDelay.For(exponential, 9, 2, t));
            if (d > TimeSpan.Zero) { slow++; sum += d.TotalMilliseconds; }
            logSum += StragglerDelay.For(logNormal, 9, 2, t).TotalMilliseconds;
            Assert.Equal(150, StragglerDelay.For(fixedDelay, 9, 2, t).TotalMilliseconds, 9);
        }
        Assert.InRange(slow / (double)rounds, 0.3 - TestVectors.FourSigma(0.21, rounds), 0.3 + TestVectors.FourSigma(0.21, rounds));
        Assert.InRange(sum / slow, 200 - TestVectors.FourSigma(200.0 * 200, slow), 200 + TestVectors.FourSigma(200.0 * 200, slow));
        double logNormalVariance = (Math.Exp(0.25) - 1) * 200 * 200;
        Assert.InRange(logSum / rounds, 200 - TestVectors.FourSigma(logNormalVariance, rounds), 200 + TestVectors.FourSigma(logNormalVariance, rounds));
        Assert.Equal(TimeSpan.Zero, StragglerDelay.For(null, 9, 2, 1));
    }
}
