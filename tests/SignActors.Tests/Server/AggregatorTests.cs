using SignActors.Messages.Protocol;
using SignActors.Messages;
using SignActors.Messages.Packing;
using SignActors.Messages.Simd;
using SignActors.Server.Aggregators;
using SignActors.Training.Algorithms;
using SignActors.Training.Randomness;
using Xunit;

namespace SignActors.Tests.Server;

public class AggregatorTests
{
    static readonly StreamKey TieCoins = StreamKey.ForServer(9, 3, StreamPurpose.TieBreak);
    static readonly StreamKey S1Coins = StreamKey.ForServer(9, 3, StreamPurpose.UnbiasedSign);

    static PackedSigns Signs(params int[] s) => SignPacker.Pack(s.Select(x => (float)x).ToArray());

    static PackedSigns[] RandomVotes(int n, int d, int seed) =>
        Enumerable.Range(0, n).Select(j => SignPacker.Pack(TestVectors.Uniform(d, seed * 1000 + j))).ToArray();

    /// <summary>Per-coordinate float reference: counts of +1.</summary>
    static int[] Counts(PackedSigns[] votes) =>
        Enumerable.Range(0, votes[0].Length).Select(k => votes.Count(v => v.IsPositive(k))).ToArray();

    [Fact]
    public void Majority_of_an_odd_number_of_votes_is_exact()
    {
        var votes = new[] { Signs(1, 1, -1, -1, 1), Signs(1, -1, -1, 1, -1), Signs(-1, 1, -1, 1, -1) };
        var a = MajorityVote.Aggregate(votes, TieBreak.Random, TieCoins);
        Assert.Equal(new[] { 1, 1, -1, 1, -1 }, Enumerable.Range(0, 5).Select(a.Sign));
    }

    [Theory]
    [MemberData(nameof(TestVectors.Paths), MemberType = typeof(TestVectors))]
    public void Every_path_matches_the_per_coordinate_reference(SimdPath path)
    {
        foreach (int n in new[] { 1, 2, 3, 4, 7, 8, 15, 16, 33, 128, 255 })
            foreach (int d in new[] { 1, 64, 65, 1000, 2049 })
            {
                var votes = RandomVotes(n, d, n + d);
                var counts = Counts(votes);
                var positive = MajorityVote.Aggregate(votes, TieBreak.Positive, TieCoins, path);
                var random = MajorityVote.Aggregate(votes, TieBreak.Random, TieCoins, path);
                Assert.Equal(random, MajorityVote.Aggregate(votes, TieBreak.Random, TieCoins, SimdPath.Scalar));
                for (int k = 0; k < d; k++)
                {
                    int sum = 2 * counts[k] - n;
                    Assert.Equal(sum >= 0, positive.IsPositive(k));
                    if (sum != 0) Assert.Equal(sum > 0, random.IsPositive(k));
                    else Assert.Equal((RandomStream.At(TieCoins, (ulong)(k / 64)) >> (k % 64) & 1) != 0, random.IsPositive(k));
                }
                Assert.Equal(0UL, positive.Words[^1] & ~PackedSigns.LastWordMask(d));
            }
    }

    [Fact]
    public void The_server_aggregator_breaks_round_t_ties_with_the_servers_round_t_coins()
    {
        // Four votes (even n): coordinate k ties when two are + and two −; the tie takes bit k mod 64 of
        // output ⌊k/64⌋ of the stream (seed, server, t, TieBreak) — computed here from the stream itself.
        const int d = 1000;
        const ulong seed = 21;
        var random = new Random(5);
        var votes = Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, d).Select(_ => random.Next(2) == 0 ? -1f : 1f).ToArray()).ToArray();
        var payloads = votes.Select(v => (Payload)new SignPayload(SignPacker.Pack(v))).ToArray();
        foreach (long round in new long[] { 1, 7 })
        {
            var a = ((SignPayload)Run(new MajorityVoteAggregator(TieBreak.Random), seed, payloads, round)).Signs;
            var coins = StreamKey.ForServer(seed, round, StreamPurpose.TieBreak);
            int ties = 0;
            for (int k = 0; k < d; k++)
            {
                float sum = votes.Sum(v => v[k]);
                bool expected = sum > 0 || (sum == 0 && (RandomStream.At(coins, (ulong)(k / 64)) >> (k % 64) & 1) != 0);
                if (sum == 0) ties++;
                Assert.True(expected == a.IsPositive(k), $"round {round}, coordinate {k}, vote sum {sum}");
            }
            Assert.InRange(ties, 300, 450); // P(tie) = 6/16 of the coordinates
        }
    }

    [Fact]
    public void Random_ties_are_reproducible_and_fair_within_four_sigma()
    {
        const int d = 100_000;
        var up = SignPacker.Pack(Enumerable.Repeat(1f, d).ToArray());
        var down = SignPacker.Pack(Enumerable.Repeat(-1f, d).ToArray());
        var votes = new[] { up, down, up, down }; // every coordinate ties
        var a = MajorityVote.Aggregate(votes, TieBreak.Random, TieCoins);
        Assert.Equal(a, MajorityVote.Aggregate(votes, TieBreak.Random, TieCoins));
        Assert.NotEqual(a, MajorityVote.Aggregate(votes, TieBreak.Random, TieCoins with { Round = 4 }));
        double bound = 4 * Math.Sqrt(d * 0.25);
        Assert.InRange(a.CountPositive(), d / 2.0 - bound, d / 2.0 + bound);
        Assert.Equal(d, MajorityVote.Aggregate(votes, TieBreak.Positive, TieCoins).CountPositive());
    }

    [Theory]
    [MemberData(nameof(TestVectors.Paths), MemberType = typeof(TestVectors))]
    public void S1_all_plus_is_plus_all_minus_is_minus_on_every_path(SimdPath path)
    {
        foreach (int n in new[] { 1, 3, 8, 255 })
        {
            var up = SignPacker.Pack(Enumerable.Repeat(1f, 777).ToArray());
            var down = SignPacker.Pack(Enumerable.Repeat(-1f, 777).ToArray());
            Assert.Equal(777, UnbiasedSign.Aggregate(Enumerable.Repeat(up, n).ToArray(), S1Coins, path).CountPositive());
            Assert.Equal(0, UnbiasedSign.Aggregate(Enumerable.Repeat(down, n).ToArray(), S1Coins, path).CountPositive());
        }
    }

    [Theory]
    [InlineData(3, 1)] [InlineData(3, 2)] [InlineData(5, 2)] [InlineData(7, 3)] [InlineData(8, 3)] [InlineData(10, 7)] [InlineData(2, 1)]
    public void S1_is_plus_one_with_probability_count_over_n_within_four_sigma(int n, int c)
    {
        const int d = 100_000;
        var up = SignPacker.Pack(Enumerable.Repeat(1f, d).ToArray());
        var down = SignPacker.Pack(Enumerable.Repeat(-1f, d).ToArray());
        var votes = Enumerable.Range(0, n).Select(j => j < c ? up : down).ToArray();
        var a = UnbiasedSign.Aggregate(votes, S1Coins);
        double p = (double)c / n, m = 2 * p - 1;
        double mean = (2.0 * a.CountPositive() - d) / d;
        double bound = TestVectors.FourSigma(1 - m * m, d);
        Assert.InRange(mean, m - bound, m + bound);
    }

    /// <summary>
    /// S_1 coordinate by coordinate, straight from its documented definition: long division of
    /// c/n digit by digit against coin digit i of word w = bit (k mod 64) of stream output
    /// 2·(32w + ⌊i/2⌋) + (i mod 2); +1 at the first digit where U's is 0 and p's is 1.
    /// </summary>
    static PackedSigns S1Reference(PackedSigns[] votes, StreamKey key)
    {
        int n = votes.Length, d = votes[0].Length;
        var result = new PackedSigns(d);
        for (int k = 0; k < d; k++)
        {
            int c = votes.Count(v => v.IsPositive(k));
            bool plus = c == n;
            for (int i = 0, remainder = c; !plus && i < 64 && remainder != 0; i++)
            {
                remainder *= 2;
                int pDigit = remainder >= n ? 1 : 0;
                remainder -= pDigit * n;
                ulong coins = RandomStream.At(key, 2 * (32 * (ulong)(k / 64) + (ulong)(i / 2)) + (ulong)(i % 2));
                int uDigit = (int)(coins >> (k % 64) & 1);
                if (uDigit != pDigit)
                {
                    plus = uDigit < pDigit;
                    break;
                }
            }
            if (plus) result.Words[k >> 6] |= 1UL << (k & 63);
        }
        return result;
    }

    [Theory]
    [InlineData(1)] [InlineData(2)] [InlineData(3)] [InlineData(4)] [InlineData(5)] [InlineData(8)] [InlineData(16)] [InlineData(17)]
    public void S1_equals_the_coordinate_by_coordinate_definition_on_every_path(int n)
    {
        var votes = RandomVotes(n, 2500, 40 + n);
        var expected = S1Reference(votes, S1Coins);
        foreach (var path in SimdPaths.Supported)
            Assert.Equal(expected, UnbiasedSign.Aggregate(votes, S1Coins, path));
    }

    /// <summary>Beyond one 8-plane block (255 votes) the counts are added block by block: every kernel against its per-coordinate definition.</summary>
    [Theory]
    [InlineData(255)] [InlineData(256)] [InlineData(511)] [InlineData(1000)] [InlineData(1024)] [InlineData(10_000)]
    public void Every_bit_sliced_kernel_matches_its_definition_beyond_255_votes(int n)
    {
        const int d = 200; // three whole words and a partial one: vector and tail paths
        var votes = RandomVotes(n, d, 7 * n);
        if (n == 1000) votes[0] = votes[1]; // some coordinates tie exactly at n/2 (n even)
        var counts = Counts(votes);
        var expectedS1 = S1Reference(votes, S1Coins);
        foreach (var path in SimdPaths.Supported)
        {
            var positive = MajorityVote.Aggregate(votes, TieBreak.Positive, TieCoins, path);
            var random = MajorityVote.Aggregate(votes, TieBreak.Random, TieCoins, path);
            for (int k = 0; k < d; k++)
            {
                int sum = 2 * counts[k] - n;
                Assert.Equal(sum >= 0, positive.IsPositive(k));
                bool tieCoin = (RandomStream.At(TieCoins, (ulong)(k / 64)) >> (k % 64) & 1) != 0;
                Assert.Equal(sum > 0 || (sum == 0 && tieCoin), random.IsPositive(k));
            }
            Assert.Equal(expectedS1, UnbiasedSign.Aggregate(votes, S1Coins, path));
        }
        var mean = MeanAggregator.Counts(votes);
        Assert.Equal(n, mean.Voters);
        Assert.Equal(counts, Enumerable.Range(0, d).Select(k => mean[k]));
    }

    [Fact]
    public void S1_paths_agree_and_depend_only_on_key_and_counts()
    {
        foreach (int n in new[] { 2, 3, 6, 9, 100 })
        {
            var votes = RandomVotes(n, 3000, n);
            var scalar = UnbiasedSign.Aggregate(votes, S1Coins, SimdPath.Scalar);
            foreach (var path in SimdPaths.Supported)
                Assert.Equal(scalar, UnbiasedSign.Aggregate(votes, S1Coins, path));
            // Reordering the votes keeps every count, hence every output bit.
            Assert.Equal(scalar, UnbiasedSign.Aggregate(votes.Reverse().ToArray(), S1Coins, SimdPath.Scalar));
            Assert.NotEqual(scalar, UnbiasedSign.Aggregate(votes, S1Coins with { Round = 99 }, SimdPath.Scalar));
        }
    }

    [Fact]
    public void Scaled_majority_sends_the_mean_scale()
    {
        var votes = new Payload[]
        {
            new ScaledSignPayload(Signs(1, -1), 2f), new ScaledSignPayload(Signs(1, 1), 3f), new ScaledSignPayload(Signs(-1, -1), 7f),
        };
        var a = (ScaledSignPayload)Run(new ScaledMajorityAggregator(TieBreak.Random), 1, votes, 1);
        Assert.Equal(4f, a.Scale);
        Assert.Equal(Signs(1, -1), a.Signs);
    }

    [Fact]
    public void Mean_of_sign_votes_is_sent_as_counts()
    {
        var votes = new Payload[] { new SignPayload(Signs(1, -1, 1)), new SignPayload(Signs(1, 1, -1)), new SignPayload(Signs(1, -1, -1)) };
        var a = (CountPayload)Run(new MeanAggregator(), 1, votes, 1);
        Assert.Equal(2, a.Counts.BitsPerCount);
        Assert.Equal(new[] { 3, 1, 1 }, Enumerable.Range(0, 3).Select(k => a.Counts[k]));
        var m = new float[3];
        a.Counts.ToMean(m);
        Assert.Equal(new[] { 1f, -1f / 3, -1f / 3 }, m);
        Assert.Equal(1, a.BodyBytes); // 3 coordinates × 2 bits
    }

    [Fact]
    public void Mean_counts_match_the_reference_on_random_votes()
    {
        var votes = RandomVotes(11, 1000, 4);
        var counts = MeanAggregator.Counts(votes);
        Assert.Equal(Counts(votes), Enumerable.Range(0, 1000).Select(k => counts[k]));
    }

    [Fact]
    public void Mean_of_float_votes_is_the_mean_vector()
    {
        var votes = new Payload[] { new DensePayload(new[] { 1f, 2f }), new DensePayload(new[] { 3f, -6f }) };
        Assert.Equal(new[] { 2f, -2f }, ((DensePayload)Run(new MeanAggregator(), 1, votes, 1)).Values);
    }

    [Fact]
    public void Identity_forwards_the_single_vote()
    {
        var vote = new SignPayload(Signs(1, -1));
        Assert.Same(vote, Run(new IdentityAggregator(), 1, new[] { vote }, 1));
        Assert.Throws<ArgumentException>(() => Run(new IdentityAggregator(), 1, new[] { vote, vote }, 1));
    }

    [Fact]
    public void Broadcast_radii_are_the_max_over_voters_whole_or_per_tensor()
    {
        static Vote V(int node, float linf, params float[] perTensor) =>
            new(1, node, new SignPayload(Signs(1, -1)), new VoteScalars(0, 0, 0, linf), 0, perTensor.Length > 0 ? perTensor : null);
        var votes = new[] { V(0, 2f, 0.5f, 2f, 0f), V(1, 5f, 5f, 0.25f, 0f), V(2, 1f, 0.75f, 1f, 0f) };
        Assert.Equal(new[] { 5f }, RadiusBroadcast.Next(new UplinkSpec(UplinkKind.StochasticSign, RadiusRule.Auto), votes));
        Assert.Equal(new[] { 5f, 2f, 0f }, RadiusBroadcast.Next(new UplinkSpec(UplinkKind.StochasticSign, RadiusRule.PerTensor), votes));
        Assert.Null(RadiusBroadcast.Next(new UplinkSpec(UplinkKind.StochasticSign, RadiusRule.Fixed(0.1)), votes));
        Assert.Null(RadiusBroadcast.Next(new UplinkSpec(UplinkKind.Sign), votes));
        Assert.Throws<ArgumentException>(() => RadiusBroadcast.Next(new UplinkSpec(UplinkKind.StochasticSign, RadiusRule.PerTensor), new[] { V(0, 1f, 1f), V(1, 1f, 1f, 2f) }));
    }

    [Fact]
    public void Mismatched_or_foreign_votes_are_rejected()
    {
        Assert.Contains("d=3", Assert.Throws<ArgumentException>(() => MajorityVote.Aggregate(new[] { Signs(1, 1), Signs(1, 1, 1) }, TieBreak.Random, TieCoins)).Message);
        Assert.Throws<ArgumentException>(() => MajorityVote.Aggregate(Array.Empty<PackedSigns>(), TieBreak.Random, TieCoins));
        Assert.Contains("takes sign votes", Assert.Throws<ArgumentException>(() => Run(new MajorityVoteAggregator(TieBreak.Random), 1, new Payload[] { new DensePayload(new float[2]) }, 1)).Message);
        Assert.Contains("at most 65535 votes", Assert.Throws<ArgumentException>(() => MajorityVote.Aggregate(Enumerable.Repeat(Signs(1), 65_536).ToArray(), TieBreak.Random, TieCoins)).Message);
    }

    [Fact]
    public void Aggregator_factory_builds_each_kind()
    {
        Assert.IsType<MajorityVoteAggregator>(Aggregator.Create(Presets.Resolve("signum", 8)));
        Assert.IsType<UnbiasedSignAggregator>(Aggregator.Create(Presets.Resolve("mvsm-v2", 8)));
        Assert.IsType<ScaledMajorityAggregator>(Aggregator.Create(Presets.Resolve("scaled-signsgd", 8)));
        Assert.IsType<MeanAggregator>(Aggregator.Create(Presets.Resolve("ssdm", 8)));
        Assert.IsType<IdentityAggregator>(Aggregator.Create(Presets.Resolve("signsgd", 1)));
        Assert.Equal("majority-vote", Aggregator.Create(Presets.Resolve("signum", 8)).Name);
    }

    /// <summary>An aggregator's round as the server runs it: the context from the run seed and the round.</summary>
    internal static Payload Run(IAggregator aggregator, ulong seed, IReadOnlyList<Payload> votes, long round) =>
        aggregator.Aggregate(votes, AggregationContext.For(aggregator, seed, round));
}
