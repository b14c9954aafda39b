using SignActors.Messages;
using SignActors.Server.Aggregators;
using SignActors.Training.Algorithms;
using Xunit;

namespace SignActors.Tests.Server;

/// <summary>The robust baselines of SPEC §3 against values computed by hand.</summary>
public class RobustAggregatorTests
{
    static readonly float[][] Three = { new[] { 1f, 5f, 3f }, new[] { 2f, -1f, 0f }, new[] { 9f, 4f, -2f } };
    static readonly float[][] Four = Three.Append(new[] { 0f, 0f, 10f }).ToArray();
    static readonly float[][] Five = Four.Append(new[] { 100f, -100f, 7f }).ToArray();

    [Fact]
    public void The_median_is_the_middle_value_or_the_mean_of_the_two_middle_ones()
    {
        Assert.Equal(new[] { 2f, 4f, 0f }, Robust.Median(Three));       // {1,2,9} {−1,4,5} {−2,0,3}
        Assert.Equal(new[] { 1.5f, 2f, 1.5f }, Robust.Median(Four));    // {0,1,2,9} {−1,0,4,5} {−2,0,3,10}
    }

    [Fact]
    public void The_trimmed_mean_drops_b_from_each_end_then_averages()
    {
        var t = Robust.TrimmedMean(Five, 1);                             // {0,1,2,9,100} {−100,−1,0,4,5} {−2,0,3,7,10}
        Assert.Equal(4f, t[0]);
        Assert.Equal(1f, t[1]);
        Assert.Equal(10f / 3f, t[2], 6);
        Assert.Equal(Robust.Median(Three), Robust.TrimmedMean(Three, 1)); // n = 3, b = 1: the median
        var e = Assert.Throws<AggregationRefused>(() => Robust.TrimmedMean(Four, 2));
        Assert.Equal("trimmed-mean(2) needs more than 4 votes a round (n > 2b), got 4", e.Message);
    }

    [Fact]
    public void Krum_picks_the_vote_closest_to_its_n_minus_f_minus_2_nearest_neighbours()
    {
        // f = 1, n = 5: sums of the 2 smallest squared distances are 5, 2, 5, 65, 82 → vote 1.
        float[][] votes = { new[] { 0f }, new[] { 1f }, new[] { 2f }, new[] { 10f }, new[] { 11f } };
        Assert.Equal(1, Robust.KrumIndex(votes, 1));
        Assert.Equal(0, Robust.KrumIndex(Enumerable.Repeat(new[] { 3f, 3f }, 5).ToArray(), 1)); // ties: the lowest node id
        var e = Assert.Throws<AggregationRefused>(() => Robust.KrumIndex(votes[..4], 1));
        Assert.Equal("krum(1) needs at least 5 votes a round (n ≥ 2f + 3), got 4", e.Message);
        var aggregate = AggregatorTests.Run(new KrumAggregator(1), 1, votes.Select(v => (Payload)new DensePayload(v)).ToArray(), 1);
        Assert.Equal(new[] { 1f }, Assert.IsType<DensePayload>(aggregate).Values);
    }

    [Fact]
    public void Robust_aggregators_take_float32_votes_and_enough_of_them()
    {
        var krum = Presets.Resolve("krum-sgd", 4);
        Assert.Equal("aggregator krum(1) needs at least 5 votes a round (n ≥ 2f + 3), but there are 4 nodes", krum.Validate(4));
        Assert.Null(krum.Validate(5));
        Assert.Equal(UpdateKind.Optimizer, krum.Update);
        Assert.Contains("needs at least 3 votes a round (n > 2b)", Presets.Resolve("trimmed-mean-sgd", 2).Validate(2));
        var signMedian = Presets.Resolve("signum", 5) with { Aggregator = new AggregatorSpec(AggregatorKind.Median) };
        Assert.Equal("aggregator median is a robust baseline for float32 uplinks, got sign", signMedian.Validate(5));
        Assert.Throws<ArgumentException>(() => AggregatorTests.Run(new MedianAggregator(), 1, new Payload[] { new SignPayload(new SignActors.Messages.Packing.PackedSigns(3)) }, 1));
    }
}
